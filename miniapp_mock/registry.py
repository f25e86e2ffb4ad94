"""The sandbox real-estate registry (不动产登记): records kept in our own store.

Integrators get the properties ``wangqian seed-demo`` creates; tests add their own with
``add_property``. Lookups are by the normalised certificate number or the unit number.
"""

from __future__ import annotations

from signing_flow.models import RegistryProperty
from signing_flow.ports import CollectionSpec, DocumentStore
from signing_flow.repository import Repository
from signing_flow.validators import normalize_cert_no, normalize_unit_no
from signing_flow.vocabulary import TransferStatus

COLLECTION = "registry_properties"
SPEC = CollectionSpec(unique=("cert_no", "unit_no"))


def registry_properties(store: DocumentStore) -> Repository[RegistryProperty]:
    return Repository(store, COLLECTION, RegistryProperty)


class SandboxRegistry:
    def __init__(self, store: DocumentStore) -> None:
        self._repo = registry_properties(store)

    async def find_by_cert_no(self, cert_no: str) -> RegistryProperty | None:
        found = await self._repo.find({"cert_no": normalize_cert_no(cert_no)}, limit=1)
        return found[0] if found else None

    async def find_by_unit_no(self, unit_no: str) -> RegistryProperty | None:
        found = await self._repo.find({"unit_no": normalize_unit_no(unit_no)}, limit=1)
        return found[0] if found else None

    async def add_property(self, prop: RegistryProperty) -> None:
        prop.cert_no = normalize_cert_no(prop.cert_no)
        prop.unit_no = normalize_unit_no(prop.unit_no)
        await self._repo.insert(prop)

    async def set_transfer_status(self, property_id: str, status: TransferStatus) -> None:
        prop = await self._repo.get(property_id)
        if prop is None:
            raise KeyError(property_id)
        prop.transfer_status = status
        await self._repo.save(prop)
