"""Request and response bodies of listing verification (房源验证), and the property as a contract
shows it: what the registry knew at verification, with labels."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from backend.fields import CertNo, IdNumber, Name, UnitNo
from backend.shared_schemas import Body
from signing_flow.models import PropertySnapshot, RegistryProperty
from signing_flow.sale_terms import PROPERTY_USE_LABELS
from signing_flow.terms import CO_OWNERSHIP_LABELS, ID_TYPE_LABELS
from signing_flow.usecases.properties import PropertyLookup
from signing_flow.validators import mask_id_number


class PropertyLookupBody(Body):
    """By 房产证号/不动产权证号 + an owner's ID number, or by 不动产单元号 + an owner's name."""

    cert_no: CertNo | None = Field(default=None, examples=["粤（2021）中山市不动产权第0123456号"])
    owner_id_number: IdNumber | None = None
    first_gen_id: bool = Field(
        default=False,
        description="勾选：产权证书上的证件号码为一代身份证（15 位）。否则不要勾选。",
    )
    unit_no: UnitNo | None = None
    owner_name: Name | None = Field(default=None, max_length=64)

    def to_domain(self) -> PropertyLookup:
        return PropertyLookup(**self.model_dump())


class OwnerOut(BaseModel):
    name: str
    id_type: str
    id_type_label: str
    id_number_masked: str


class PropertyOut(BaseModel):
    id: str
    cert_no: str
    unit_no: str
    address: str
    area_m2: str
    owners: list[OwnerOut]
    co_ownership: str | None
    co_ownership_label: str | None
    use: str | None = Field(description="规划用途（登记簿记载）")
    use_label: str | None
    mortgaged: bool = Field(description="登记簿记载的抵押登记")
    leased: bool = Field(description="登记簿记载的租赁登记备案")

    @classmethod
    def of(cls, p: RegistryProperty) -> PropertyOut:
        return cls(
            id=p.id,
            cert_no=p.cert_no,
            unit_no=p.unit_no,
            address=p.address,
            area_m2=p.area_m2,
            owners=[
                OwnerOut(
                    name=o.name,
                    id_type=o.id_type,
                    id_type_label=ID_TYPE_LABELS.get(o.id_type, o.id_type),
                    id_number_masked=mask_id_number(o.id_number),
                )
                for o in p.owners
            ],
            co_ownership=p.co_ownership,
            co_ownership_label=CO_OWNERSHIP_LABELS.get(p.co_ownership or ""),
            use=p.use,
            use_label=PROPERTY_USE_LABELS.get(p.use or ""),
            mortgaged=p.mortgaged,
            leased=p.leased,
        )


class VerifyPropertyResponse(BaseModel):
    verified: Literal[True] = True
    property: PropertyOut


class ContractPropertyOut(BaseModel):
    """The property as verified when the contract was drafted. ``use``, ``mortgaged`` and
    ``leased`` are null on contracts drafted before the registry recorded them."""

    property_id: str
    cert_no: str
    unit_no: str
    address: str
    area_m2: str
    use: str | None
    use_label: str | None
    mortgaged: bool | None
    leased: bool | None

    @classmethod
    def of(cls, p: PropertySnapshot) -> ContractPropertyOut:
        return cls(
            property_id=p.property_id,
            cert_no=p.cert_no,
            unit_no=p.unit_no,
            address=p.address,
            area_m2=p.area_m2,
            use=p.use,
            use_label=PROPERTY_USE_LABELS.get(p.use or ""),
            mortgaged=p.mortgaged,
            leased=p.leased,
        )
