"""The sandbox webhook inbox's routes (``miniapp_mock.webhook_inbox`` keeps what it receives)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import BaseModel, Field

from backend.appkeys import PORTS
from backend.http import read_upload, respond
from backend.request_values import QueryParam
from miniapp_mock.webhook_inbox import MAX_BODY, Received, inbox, signed_here
from signing_flow.errors import FieldProblem, ValidationFailed
from signing_flow.secrets import new_id

LIST_QUERY = (LIMIT := QueryParam("limit", "最多返回条数", minimum=1, maximum=200, default=50),)


class ReceivedOut(BaseModel):
    id: str
    received_at: datetime
    event_id: str | None
    attempt: str | None
    signature: str | None
    signature_valid: bool
    answered: int
    body: str

    @classmethod
    def of(cls, r: Received) -> ReceivedOut:
        return cls(
            id=r.id,
            received_at=r.received_at,
            event_id=r.event_id,
            attempt=r.attempt,
            signature=r.signature,
            signature_valid=r.signature_valid,
            answered=r.answered,
            body=r.body,
        )


class Inbox(BaseModel):
    received: list[ReceivedOut] = Field(description="最新的在前 (newest first)")


def _int(param: QueryParam, request: web.Request) -> int | None:
    try:
        return param.read_int(request)
    except ValueError as exc:
        bounds = f"{param.minimum} to {param.maximum}"
        raise ValidationFailed([FieldProblem(param.name, "INVALID", bounds)]) from exc


async def receive(request: web.Request) -> web.Response:
    ports = request.app[PORTS]
    body = await read_upload(request, MAX_BODY)
    signature = request.headers.get("Wangqian-Signature")
    await inbox(ports).insert(
        Received(
            id=new_id(),
            received_at=ports.clock.now(),
            event_id=request.headers.get("Wangqian-Event-Id"),
            attempt=request.headers.get("Wangqian-Delivery-Attempt"),
            signature=signature,
            signature_valid=await signed_here(ports, signature, body),
            answered=200,
            body=body[:MAX_BODY].decode("utf-8", "replace"),
        )
    )
    return web.Response(text="ok")


async def read_inbox(request: web.Request) -> web.Response:
    limit = _int(LIMIT, request) or 50
    found = await inbox(request.app[PORTS]).find(
        {}, sort="received_at", descending=True, limit=limit
    )
    return respond(Inbox(received=[ReceivedOut.of(r) for r in found]))
