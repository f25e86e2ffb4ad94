"""The sandbox CCB on HTTP, under ``/sandbox/v1/banks/ccb``: the open API the platform calls
(signed, docs/bank-api.md), its published keys, the parties' page and its JSON, and the
sandbox's controls (an outage, releasing a held callback, the callbacks sent).

The bank answers in its own wire format (``{"error": {"code", "message"}}``), not the
service's error table: it stands for another organisation's system, whether mounted in the
service or run alone (``miniapp_mock.ccb.server``)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backend.banks import signing, wire
from backend.banks.keys import published
from miniapp_mock.ccb.bank import PREFIX, Refused, SandboxCcb, Terms
from miniapp_mock.ccb.page import mount_page, page_state

SANDBOX_CCB = web.AppKey("sandbox_ccb", SandboxCcb)
MAX_BODY = 64 * 1024
M = TypeVar("M", bound=BaseModel)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def refusal(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


async def read_json(request: web.Request, model: type[M], raw: bytes | None = None) -> M:
    body = raw if raw is not None else await request.content.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise Refused(413, "BODY_TOO_LARGE", "请求体过大")
    try:
        return model.model_validate_json(body or b"{}", strict=True)
    except ValidationError as exc:
        fields = [".".join(str(p) for p in err["loc"]) or "body" for err in exc.errors()]
        raise Refused(422, "INVALID_REQUEST", "请求参数有误：" + "、".join(fields)) from exc


def answering(handler: Handler) -> Handler:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except Refused as refused:
            return refusal(refused.status, refused.code, refused.message)

    return wrapped


async def signed_by_platform(request: web.Request, bank: SandboxCcb) -> tuple[str, bytes]:
    """The caller's app id and the body, once its signature verified (401 otherwise)."""
    body = await request.content.read(MAX_BODY + 1)
    app_id = request.headers.get(signing.APP_ID, "")
    try:
        parts = signing.signed_parts(request.headers, time.time())
        keys = bank.platform_keys.get(app_id)
        if not keys:
            raise signing.SignatureRefused("APP_ID_UNKNOWN", "未登记的接入方 (unknown app id)")
        message = signing.request_string(
            request.method, request.rel_url.raw_path, parts.timestamp, parts.nonce, body
        )
        signing.verify(keys, parts.signature, message)
        if not await bank.first_use(app_id, parts.nonce):
            raise signing.SignatureRefused("NONCE_REUSED", "请求重复提交 (nonce already used)")
    except signing.SignatureRefused as refused:
        raise Refused(401, refused.code, str(refused)) from refused
    if await bank.down():
        raise Refused(503, "SERVICE_UNAVAILABLE", "系统维护中，请稍后重试（沙箱：故障开关已打开）")
    return app_id, body


def reply(model: BaseModel, status: int = 200) -> web.Response:
    return web.Response(
        body=model.model_dump_json().encode(), status=status, content_type="application/json"
    )


# The open API (the platform's adapter, backend.banks.ccb)


async def open_application(request: web.Request) -> web.Response:
    bank = request.app[SANDBOX_CCB]
    app_id, body = await signed_by_platform(request, bank)
    opened = await bank.open(app_id, await read_json(request, wire.OpenRequest, body))
    answer = wire.Opened(
        application_id=opened.id, redirect_url=bank.redirect_url(opened.id), status="pending"
    )
    return reply(answer, 201)


async def query_application(request: web.Request) -> web.Response:
    bank = request.app[SANDBOX_CCB]
    app_id, _ = await signed_by_platform(request, bank)
    return reply(bank.state(await bank.find(request.match_info["id"], app_id)))


async def cancel_application(request: web.Request) -> web.Response:
    bank = request.app[SANDBOX_CCB]
    app_id, body = await signed_by_platform(request, bank)
    asked = await read_json(request, wire.CancelRequest, body)
    app = await bank.cancel(
        request.match_info["id"],
        "平台撤销：" + asked.reason,
        app_id=app_id,
        notify=False,
        only_if_pending=asked.only_if_pending,
    )
    return reply(bank.state(app))


async def keys(request: web.Request) -> web.Response:
    """The bank's public keys, for the platform's ``WANGQIAN_CCB_PUBLIC_KEYS``."""
    key = request.app[SANDBOX_CCB].key
    return web.json_response(
        {"keys": [{"key_id": key.key_id, "alg": "Ed25519", "public_key": published(key)}]}
    )


# The parties' page (its HTML and script: miniapp_mock.ccb.page)


class ConfirmBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    party: str = Field(min_length=1, max_length=20)
    amount_fen: int = Field(ge=1, le=wire.MAX_FEN)
    seller_account: str | None = Field(default=None, max_length=25)
    buyer_account: str | None = Field(default=None, max_length=25)


class ReasonBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200)


async def page_json(request: web.Request) -> web.Response:
    bank = request.app[SANDBOX_CCB]
    return web.json_response(page_state(await bank.find(request.match_info["id"])))


async def confirm(request: web.Request) -> web.Response:
    bank = request.app[SANDBOX_CCB]
    asked = await read_json(request, ConfirmBody)
    terms = Terms(
        asked.party, asked.amount_fen, asked.seller_account or None, asked.buyer_account or None
    )
    return web.json_response(page_state(await bank.confirm(request.match_info["id"], terms)))


async def party_cancel(request: web.Request) -> web.Response:
    bank = request.app[SANDBOX_CCB]
    asked = await read_json(request, ReasonBody)
    app = await bank.cancel(request.match_info["id"], "当事人撤销：" + asked.reason, notify=True)
    return web.json_response(page_state(app))


async def bank_reject(request: web.Request) -> web.Response:
    bank = request.app[SANDBOX_CCB]
    asked = await read_json(request, ReasonBody)
    return web.json_response(
        page_state(await bank.reject(request.match_info["id"], "银行退回：" + asked.reason))
    )


# The sandbox's controls


class OutageBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    down: bool


async def set_outage(request: web.Request) -> web.Response:
    bank = request.app[SANDBOX_CCB]
    asked = await read_json(request, OutageBody)
    await bank.set_down(asked.down)
    return web.json_response({"down": asked.down})


async def deliver(request: web.Request) -> web.Response:
    notice = await request.app[SANDBOX_CCB].deliver(request.match_info["id"])
    return web.json_response({"notification_id": notice.id, "deliveries": notice.deliveries})


async def sent_notices(request: web.Request) -> web.Response:
    bank = request.app[SANDBOX_CCB]
    found = await bank.sent((await bank.find(request.match_info["id"])).id)
    return web.json_response(
        {
            "notices": [
                {
                    "notification_id": n.id,
                    "status": n.status,
                    "rule": n.rule,
                    "held": n.held,
                    "deliveries": n.deliveries,
                    "body": n.body,
                }
                for n in found
            ]
        }
    )


ROUTES: list[tuple[str, str, Handler]] = [
    ("POST", "/applications", open_application),
    ("GET", "/applications/{id}", query_application),
    ("POST", "/applications/{id}/cancel", cancel_application),
    ("GET", "/keys", keys),
    ("GET", "/pages/{id}/state", page_json),
    ("POST", "/pages/{id}/confirm", confirm),
    ("POST", "/pages/{id}/cancel", party_cancel),
    ("POST", "/pages/{id}/reject", bank_reject),
    ("PUT", "/controls/outage", set_outage),
    ("POST", "/controls/applications/{id}/deliver", deliver),
    ("GET", "/controls/applications/{id}/notices", sent_notices),
]


def mount_bank_routes(app: web.Application) -> None:
    """The routes; ``app[SANDBOX_CCB]`` is set by the caller's cleanup context."""
    for method, path, handler in ROUTES:
        app.router.add_route(method, PREFIX + path, answering(handler))
    mount_page(app)
