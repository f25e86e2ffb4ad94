"""The CCB 龙存管 open API's JSON bodies (docs/bank-api.md), shared by the adapter and the
sandbox bank so that the two cannot drift apart."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MAX_FEN = 10**12  # ten billion yuan: above any Zhongshan price, within both stores' integers
PartyName = Annotated[str, Field(min_length=1, max_length=50)]
Status = Literal["pending", "signed", "rejected", "cancelled"]


class OpenRequest(BaseModel):
    """``POST {base}/applications``: open an application for one contract."""

    model_config = ConfigDict(extra="forbid")

    contract_id: str = Field(min_length=1, max_length=64)
    contract_number: str = Field(min_length=1, max_length=64)
    amount_fen: int = Field(ge=1, le=MAX_FEN)
    property_address: str = Field(min_length=1, max_length=300)
    seller_names: list[PartyName] = Field(min_length=1, max_length=20)
    buyer_names: list[PartyName] = Field(min_length=1, max_length=20)
    notify_url: str = Field(min_length=1, max_length=500)
    return_url: str = Field(min_length=1, max_length=500)


class Opened(BaseModel):
    application_id: str
    redirect_url: str
    status: Status


class CancelRequest(BaseModel):
    """``POST {base}/applications/{id}/cancel``."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200)
    # true: cancel only while the parties have not signed; a signed one is answered as it is
    only_if_pending: bool = False


class ApplicationState(BaseModel):
    """The answer of ``GET {base}/applications/{id}`` and of the cancellation."""

    application_id: str
    status: Status
    updated_at: AwareDatetime
    amount_fen: int
    agreement_number: str | None = None
    supervision_account: str | None = None
    reason: str | None = None


class Callback(BaseModel):
    """What the bank posts to ``notify_url`` when an application is settled."""

    model_config = ConfigDict(extra="ignore")  # a bank may add fields; they are not ours

    notification_id: str = Field(min_length=1, max_length=64)
    application_id: str = Field(min_length=1, max_length=64)
    status: Literal["signed", "rejected", "cancelled"]
    occurred_at: AwareDatetime
    amount_fen: int | None = Field(default=None, ge=0, le=MAX_FEN)
    agreement_number: str | None = Field(default=None, max_length=64)
    supervision_account: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=200)


class BankError(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: BankError
