"""/api/v1/agencies and /api/v1/practitioners: agency accounts, the enterprise information check
and its materials, practitioners and their review (guide §1.1–§1.3)."""

from __future__ import annotations

import base64
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel

from backend.agencies.schemas import (
    AgencyList,
    AgencyOpened,
    AgencyOpenRequest,
    AgencyOut,
    EnterpriseInfoBody,
    MaterialCreateRequest,
    MaterialOnAgency,
    MaterialOnPractitioner,
    MaterialOut,
    MaterialRenameRequest,
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
from backend.http import actor_of, parse_body, read_upload, respond
from signing_flow.errors import FieldProblem, ValidationFailed
from signing_flow.models import Account, AgencyStatus, Practitioner, PractitionerStatus
from signing_flow.ports import Ports
from signing_flow.repository import accounts
from signing_flow.uploads import IMAGE_LIMIT, StoredFile
from signing_flow.usecases import agencies, practitioners

M = TypeVar("M", bound=BaseModel)


async def optional_body(request: web.Request, model: type[M]) -> M:
    """The JSON body, or the model's defaults when the request has no body at all."""
    if not request.can_read_body:
        return model()
    return await parse_body(request, model)


def _file_response(stored: StoredFile) -> web.Response:
    return web.Response(
        body=base64.b64decode(stored.data_b64),
        content_type=stored.content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


def _status_filter(
    request: web.Request, kind: type[AgencyStatus] | type[PractitionerStatus]
) -> str | None:
    value = request.query.get("status")
    if value is not None and value not in {s.value for s in kind}:
        raise ValidationFailed(
            [FieldProblem("status", "INVALID", f"one of {[s.value for s in kind]}")]
        )
    return value


# ---- agencies ----------------------------------------------------------------------------


async def open_agency(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, AgencyOpenRequest)
    agency, admin = await agencies.open_agency(
        request.app[PORTS], actor, name=body.name, filing_no=body.filing_no, username=body.username
    )
    return respond(AgencyOpened(agency=AgencyOut.of(agency), admin_username=admin.username), 201)


async def list_agencies(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    status = _status_filter(request, AgencyStatus)
    found = await agencies.list_agencies(
        request.app[PORTS], actor, AgencyStatus(status) if status else None
    )
    return respond(AgencyList(items=[AgencyOut.of(a) for a in found]))


async def read_agency(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    agency = await agencies.get_agency(request.app[PORTS], actor, request.match_info["aid"])
    return respond(AgencyOut.of(agency))


async def save_info(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, EnterpriseInfoBody)
    agency = await agencies.save_enterprise_info(
        request.app[PORTS], actor, request.match_info["aid"], body.to_domain()
    )
    return respond(AgencyOut.of(agency))


async def add_agency_material(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await optional_body(request, MaterialCreateRequest)
    agency, material = await agencies.add_agency_material(
        request.app[PORTS], actor, request.match_info["aid"], body.name
    )
    return respond(
        MaterialOnAgency(material=MaterialOut.of(material), agency=AgencyOut.of(agency)), 201
    )


async def rename_agency_material(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, MaterialRenameRequest)
    agency, material = await agencies.rename_agency_material(
        request.app[PORTS], actor, request.match_info["aid"], request.match_info["mid"], body.name
    )
    return respond(MaterialOnAgency(material=MaterialOut.of(material), agency=AgencyOut.of(agency)))


async def remove_agency_material(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    agency = await agencies.remove_agency_material(
        request.app[PORTS], actor, request.match_info["aid"], request.match_info["mid"]
    )
    return respond(AgencyOut.of(agency))


async def upload_agency_material(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    data = await read_upload(request, IMAGE_LIMIT)
    agency, material = await agencies.upload_agency_material(
        request.app[PORTS], actor, request.match_info["aid"], request.match_info["mid"], data
    )
    return respond(MaterialOnAgency(material=MaterialOut.of(material), agency=AgencyOut.of(agency)))


async def read_agency_material(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    stored = await agencies.read_agency_material(
        request.app[PORTS], actor, request.match_info["aid"], request.match_info["mid"]
    )
    return _file_response(stored)


async def submit_agency(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await optional_body(request, SubmitRequest)
    agency = await agencies.submit_agency(
        request.app[PORTS], actor, request.match_info["aid"], body.comment
    )
    return respond(AgencyOut.of(agency))


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
    return respond(AgencyOut.of(agency))


# ---- practitioners -----------------------------------------------------------------------


async def _out(ports: Ports, practitioner: Practitioner) -> PractitionerOut:
    account: Account | None = None
    if practitioner.account_id:
        account = await accounts(ports.store).get(practitioner.account_id)
    return PractitionerOut.of(practitioner, account)


async def add_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, PractitionerRequest)
    practitioner = await practitioners.add_practitioner(request.app[PORTS], actor, body.to_domain())
    return respond(PractitionerOut.of(practitioner), 201)


async def list_practitioners(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    status = _status_filter(request, PractitionerStatus)
    ports = request.app[PORTS]
    found = await practitioners.list_practitioners(
        ports,
        actor,
        status=PractitionerStatus(status) if status else None,
        agency_id=request.query.get("agency_id"),
    )
    logins = await practitioners.accounts_of(ports, found)
    return respond(
        PractitionerList(
            items=[PractitionerOut.of(p, logins.get(p.account_id or "")) for p in found]
        )
    )


async def reviewed_practitioners(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    found = await practitioners.reviewed_practitioners(
        request.app[PORTS], actor, request.query.get("agency_id")
    )
    return respond(
        ReviewedPractitionerList(items=[ReviewedPractitioner.of(p, a) for p, a in found])
    )


async def read_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    ports = request.app[PORTS]
    practitioner = await practitioners.get_practitioner(ports, actor, request.match_info["pid"])
    return respond(await _out(ports, practitioner))


async def update_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, PractitionerRequest)
    practitioner = await practitioners.update_practitioner(
        request.app[PORTS], actor, request.match_info["pid"], body.to_domain()
    )
    return respond(PractitionerOut.of(practitioner))


async def remove_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    ports = request.app[PORTS]
    practitioner = await practitioners.remove_practitioner(ports, actor, request.match_info["pid"])
    return respond(await _out(ports, practitioner))


async def add_practitioner_material(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await optional_body(request, MaterialCreateRequest)
    practitioner, material = await practitioners.add_practitioner_material(
        request.app[PORTS], actor, request.match_info["pid"], body.name
    )
    return respond(
        MaterialOnPractitioner(
            material=MaterialOut.of(material), practitioner=PractitionerOut.of(practitioner)
        ),
        201,
    )


async def rename_practitioner_material(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, MaterialRenameRequest)
    practitioner, material = await practitioners.rename_practitioner_material(
        request.app[PORTS], actor, request.match_info["pid"], request.match_info["mid"], body.name
    )
    return respond(
        MaterialOnPractitioner(
            material=MaterialOut.of(material), practitioner=PractitionerOut.of(practitioner)
        )
    )


async def remove_practitioner_material(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    practitioner = await practitioners.remove_practitioner_material(
        request.app[PORTS], actor, request.match_info["pid"], request.match_info["mid"]
    )
    return respond(PractitionerOut.of(practitioner))


async def upload_practitioner_material(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    data = await read_upload(request, IMAGE_LIMIT)
    practitioner, material = await practitioners.upload_practitioner_material(
        request.app[PORTS], actor, request.match_info["pid"], request.match_info["mid"], data
    )
    return respond(
        MaterialOnPractitioner(
            material=MaterialOut.of(material), practitioner=PractitionerOut.of(practitioner)
        )
    )


async def read_practitioner_material(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    stored = await practitioners.read_practitioner_material(
        request.app[PORTS], actor, request.match_info["pid"], request.match_info["mid"]
    )
    return _file_response(stored)


async def submit_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await optional_body(request, SubmitRequest)
    practitioner = await practitioners.submit_practitioner(
        request.app[PORTS], actor, request.match_info["pid"], body.comment
    )
    return respond(PractitionerOut.of(practitioner))


async def approve_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await optional_body(request, ReviewDecisionRequest)
    ports = request.app[PORTS]
    practitioner, sent = await practitioners.review_practitioner(
        ports, actor, request.match_info["pid"], approve=True, reason=body.reason
    )
    return respond(
        PractitionerPasswordSent(
            practitioner=await _out(ports, practitioner), password_sms_sent=sent
        )
    )


async def reject_practitioner(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await optional_body(request, ReviewDecisionRequest)
    practitioner, _ = await practitioners.review_practitioner(
        request.app[PORTS], actor, request.match_info["pid"], approve=False, reason=body.reason
    )
    return respond(PractitionerOut.of(practitioner))


async def disable_practitioner(request: web.Request) -> web.Response:
    return await _set_disabled(request, True)


async def enable_practitioner(request: web.Request) -> web.Response:
    return await _set_disabled(request, False)


async def _set_disabled(request: web.Request, disabled: bool) -> web.Response:
    actor = await actor_of(request)
    practitioner, account = await practitioners.set_practitioner_disabled(
        request.app[PORTS], actor, request.match_info["pid"], disabled
    )
    return respond(PractitionerOut.of(practitioner, account))


async def reset_practitioner_password(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    ports = request.app[PORTS]
    practitioner, sent = await practitioners.reset_practitioner_password(
        ports, actor, request.match_info["pid"]
    )
    return respond(
        PractitionerPasswordSent(
            practitioner=await _out(ports, practitioner), password_sms_sent=sent
        )
    )
