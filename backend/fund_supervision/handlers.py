"""/api/v1/contracts/{id}/fund-supervision/… and the bank's callback."""

from __future__ import annotations

from aiohttp import web

from backend.appkeys import PORTS
from backend.banks.ccb import MALFORMED
from backend.contracts.schemas import ContractOut
from backend.fund_supervision.schemas import (
    ApplicationOut,
    BranchAgreementRequest,
    CallbackAck,
    SupervisionCancelRequest,
)
from backend.http import actor_of, parse_body, respond
from signing_flow.errors import DomainError, MalformedRequest, NotAuthenticated
from signing_flow.fund_supervision import CallbackRefused
from signing_flow.usecases import fund_supervision as fs
from signing_flow.usecases import supervision_changes

# The adapter's refusal of a verified body it cannot read is 400; anything else it refuses
# (signature missing or not verifying, a timestamp outside the window) is 401.
MALFORMED_REFUSALS = frozenset({MALFORMED})


async def open_application(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract, opened = await fs.open_application(
        request.app[PORTS], actor, request.match_info["id"]
    )
    return respond(ApplicationOut.of(contract), status=201 if opened else 200)


async def record_branch_agreement(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, BranchAgreementRequest)
    contract = await supervision_changes.record_branch_agreement(
        request.app[PORTS], actor, request.match_info["id"], body.agreement_number, body.branch
    )
    return respond(ContractOut.of(contract, actor.role))


async def cancel(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, SupervisionCancelRequest)
    contract = await supervision_changes.cancel_agreement(
        request.app[PORTS], actor, request.match_info["id"], body.reason
    )
    return respond(ContractOut.of(contract, actor.role))


async def ccb_callback(request: web.Request) -> web.Response:
    """The bank's notice: its signature and timestamp checked by the adapter before anything is
    read; a refusal changes nothing. 200 for a duplicate, so the bank stops sending it."""
    ports = request.app[PORTS]
    if ports.bank is None:
        raise fs.bank_unavailable()
    body = await request.read()
    try:
        notice = ports.bank.parse_callback(request.headers, body)
    except CallbackRefused as exc:
        raise _refusal(exc) from exc
    _, outcome = await fs.apply_notification(ports, notice)
    return respond(CallbackAck(result=outcome.value))


def _refusal(exc: CallbackRefused) -> DomainError:
    details = {"reason": exc.code}
    if exc.code in MALFORMED_REFUSALS:
        return MalformedRequest(
            f"回调内容无法解析 (unreadable callback: {exc})",
            code="CALLBACK_MALFORMED",
            details=details,
        )
    return NotAuthenticated(
        f"回调签名或时间戳无效 (callback not verified: {exc})",
        code="CALLBACK_SIGNATURE_INVALID",
        details=details,
    )
