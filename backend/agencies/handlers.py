"""/api/v1/agencies and /api/v1/practitioners: agency accounts, the enterprise information check,
practitioners and their review (guide §1.1–§1.3). Their materials are in ``materials.py``."""

from __future__ import annotations

from aiohttp import web

from backend.agencies.schemas import (
    AgencyList,
    AgencyOpened,
    AgencyOpenRequest,
    AgencyOut,
    EnterpriseInfoBody,
    PractitionerList,
    PractitionerOut,
    PractitionerPasswordSent,
    PractitionerRequest,
    ReviewDecisionRequest,
    ReviewedPractitioner,
    ReviewedPractitionerList,
    SubmitRequest,
)
from backend.appkeys import PORTS
from backend.http import actor_of, optional_body, parse_body, respond
from backend.request_values import QueryParam
from signing_flow.agency_models import Practitioner
from signing_flow.errors import FieldProblem, ValidationFailed
from signing_flow.models import Account
from signing_flow.ports import Ports
from signing_flow.repository import accounts
from signing_flow.roles import Actor
from signing_flow.usecases import agencies, practitioners
from signing_flow.vocabulary import AgencyStatus, PractitionerStatus

# The lists' queries, declared once: the route table documents these and the handlers read them.
AGENCY_STATUS = QueryParam(
    "status", "只列出此状态的机构", choices=tuple(s.value for s in AgencyStatus)
)
PRACTITIONER_STATUS = QueryParam(
    "status", "只列出此状态的人员", choices=tuple(s.value for s in PractitionerStatus)
)
AGENCY_ID = QueryParam("agency_id", "只列出此机构的人员（交易中心）")


def _status_filter(request: web.Request, param: QueryParam) -> str | None:
    try:
        return param.read_str(request)
    except ValueError:
        raise ValidationFailed(
            [FieldProblem("status", "INVALID", f"one of {list(param.choices or ())}")]
        ) from None


# ---- agencies ----------------------------------------------------------------------------


async def open_agency(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, AgencyOpenRequest)
    agency, admin = await agencies.open_agency(
        request.app[PORTS], actor, name=body.name, filing_no=body.filing_no, username=body.username
    )
    return respond(
        AgencyOpened(agency=AgencyOut.of(agency, actor.role), admin_username=admin.username), 201
    )


async def list_agencies(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    status = _status_filter(request, AGENCY_STATUS)
    found = await agencies.list_agencies(
        request.app[PORTS], actor, AgencyStatus(status) if status else None
    )
    return respond(AgencyList(items=[AgencyOut.of(a, actor.role) for a in found]))


async def read_agency(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    agency = await agencies.get_agency(request.app[PORTS], actor, request.match_info["aid"])
    return respond(AgencyOut.of(agency, actor.role))


async def save_info(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, EnterpriseInfoBody)
    agency = await agencies.save_enterprise_info(
        request.app[PORTS], actor, request.match_info["aid"], body.to_domain()
    )
    return respond(AgencyOut.of(agency, actor.role))


async def submit_agency(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await optional_body(request, SubmitRequest)
    agency = await agencies.submit_agency(
        request.app[PORTS], actor, request.match_info["aid"], body.comment
    )
    return respond(AgencyOut.of(agency, actor.role))


async def approve_agency(request: web.Request) -> web.Response:
    return await _review_agency(request, approve=True)


async def reject_agency(request: web.Request) -> web.Response:
    return await _review_agency(request, approve=False)


async def _review_agency(request: web.Request, *, approve: bool) -> web.Response:
    actor = await actor_of(request)
    body = await optional_body(request, ReviewDecisionRequest)
    agency = await agencies.review_agency(
        request.app[PORTS], actor, request.match_info["aid"], approve=approve, reason=body.reason
    )
    return respond(AgencyOut.of(agency, actor.role))


# ---- practitioners -----------------------------------------------------------------------


async def _out(ports: Ports, actor: Actor, practitioner: Practitioner) -> PractitionerOut:
    account: Account | None = None
    if practitioner.account_id:
        account = await accounts(ports.store).get(practitioner.account_id)
    return PractitionerOut.of(practitioner, actor.role, account)


async def add_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, PractitionerRequest)
    practitioner = await practitioners.add_practitioner(request.app[PORTS], actor, body.to_domain())
    return respond(PractitionerOut.of(practitioner, actor.role), 201)


async def list_practitioners(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    status = _status_filter(request, PRACTITIONER_STATUS)
    ports = request.app[PORTS]
    found = await practitioners.list_practitioners(
        ports,
        actor,
        status=PractitionerStatus(status) if status else None,
        agency_id=AGENCY_ID.read_str(request),
    )
    logins = await practitioners.accounts_of(ports, found)
    return respond(
        PractitionerList(
            items=[PractitionerOut.of(p, actor.role, logins.get(p.account_id or "")) for p in found]
        )
    )


async def reviewed_practitioners(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    found = await practitioners.reviewed_practitioners(
        request.app[PORTS], actor, AGENCY_ID.read_str(request)
    )
    return respond(
        ReviewedPractitionerList(items=[ReviewedPractitioner.of(p, a) for p, a in found])
    )


async def read_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    ports = request.app[PORTS]
    practitioner = await practitioners.get_practitioner(ports, actor, request.match_info["pid"])
    return respond(await _out(ports, actor, practitioner))


async def update_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, PractitionerRequest)
    practitioner = await practitioners.update_practitioner(
        request.app[PORTS], actor, request.match_info["pid"], body.to_domain()
    )
    return respond(PractitionerOut.of(practitioner, actor.role))


async def remove_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    ports = request.app[PORTS]
    practitioner = await practitioners.remove_practitioner(ports, actor, request.match_info["pid"])
    return respond(await _out(ports, actor, practitioner))


async def submit_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await optional_body(request, SubmitRequest)
    practitioner = await practitioners.submit_practitioner(
        request.app[PORTS], actor, request.match_info["pid"], body.comment
    )
    return respond(PractitionerOut.of(practitioner, actor.role))


async def approve_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await optional_body(request, ReviewDecisionRequest)
    ports = request.app[PORTS]
    practitioner, sent = await practitioners.review_practitioner(
        ports, actor, request.match_info["pid"], approve=True, reason=body.reason
    )
    return respond(
        PractitionerPasswordSent(
            practitioner=await _out(ports, actor, practitioner), password_sms_sent=sent
        )
    )


async def reject_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await optional_body(request, ReviewDecisionRequest)
    practitioner, _ = await practitioners.review_practitioner(
        request.app[PORTS], actor, request.match_info["pid"], approve=False, reason=body.reason
    )
    return respond(PractitionerOut.of(practitioner, actor.role))


async def disable_practitioner(request: web.Request) -> web.Response:
    return await _set_disabled(request, True)


async def enable_practitioner(request: web.Request) -> web.Response:
    return await _set_disabled(request, False)


async def _set_disabled(request: web.Request, disabled: bool) -> web.Response:
    actor = await actor_of(request)
    practitioner, account = await practitioners.set_practitioner_disabled(
        request.app[PORTS], actor, request.match_info["pid"], disabled
    )
    return respond(PractitionerOut.of(practitioner, actor.role, account))


async def reset_practitioner_password(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    ports = request.app[PORTS]
    practitioner, sent = await practitioners.reset_practitioner_password(
        ports, actor, request.match_info["pid"]
    )
    return respond(
        PractitionerPasswordSent(
            practitioner=await _out(ports, actor, practitioner), password_sms_sent=sent
        )
    )
