"""What every feature's request and response bodies share: the request base, the error body and
a party's signed receipt (pydantic, at the boundary only).

The OpenAPI document is generated from the feature modules' classes (``backend/openapi.py``).
Request models check types and shapes; the rules of the guide live in ``signing_flow``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    # Enum fields validate into their plain values: the domain stores strings, and the allowed
    # values still show in the OpenAPI document.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True)


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, Any]
    # the X-Request-Id of the answer: what a complaint quotes to find the request's log lines
    request_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class ReceiptOut(BaseModel):
    payload: dict[str, Any]
    key_id: str
    alg: str
    signature: str
