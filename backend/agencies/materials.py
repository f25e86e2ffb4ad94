"""…/materials: an agency's or a practitioner's 收件材料, one set of handlers for both owners."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic

from aiohttp import web
from pydantic import BaseModel

from backend.agencies.schemas import (
    AgencyOut,
    MaterialCreateRequest,
    MaterialOnAgency,
    MaterialOnPractitioner,
    MaterialOut,
    MaterialRenameRequest,
    PractitionerOut,
)
from backend.appkeys import PORTS
from backend.http import actor_of, optional_body, parse_body, read_upload, respond
from signing_flow.roles import Role
from signing_flow.uploads import IMAGE_LIMIT
from signing_flow.usecases import agencies, materials, practitioners
from signing_flow.usecases.materials import MaterialOwner, Owner


@dataclass(frozen=True)
class MaterialHandlers(Generic[Owner]):
    """The handlers of one owner's materials, under the path parameter ``owner_key``."""

    owner: MaterialOwner[Owner]
    owner_key: str
    # each given the caller's role, for what the owner offers it
    owner_out: Callable[[Owner, Role], BaseModel]
    with_material: Callable[[MaterialOut, Owner, Role], BaseModel]

    async def add(self, request: web.Request) -> web.Response:
        actor = await actor_of(request)
        body = await optional_body(request, MaterialCreateRequest)
        found, material = await materials.add_material(
            request.app[PORTS], actor, self.owner, request.match_info[self.owner_key], body.name
        )
        return respond(self.with_material(MaterialOut.of(material), found, actor.role), 201)

    async def rename(self, request: web.Request) -> web.Response:
        actor = await actor_of(request)
        body = await parse_body(request, MaterialRenameRequest)
        found, material = await materials.rename_material(
            request.app[PORTS],
            actor,
            self.owner,
            request.match_info[self.owner_key],
            request.match_info["mid"],
            body.name,
        )
        return respond(self.with_material(MaterialOut.of(material), found, actor.role))

    async def remove(self, request: web.Request) -> web.Response:
        actor = await actor_of(request)
        found = await materials.remove_material(
            request.app[PORTS],
            actor,
            self.owner,
            request.match_info[self.owner_key],
            request.match_info["mid"],
        )
        return respond(self.owner_out(found, actor.role))

    async def upload(self, request: web.Request) -> web.Response:
        actor = await actor_of(request)
        data = await read_upload(request, IMAGE_LIMIT)
        found, material = await materials.upload_material(
            request.app[PORTS],
            actor,
            self.owner,
            request.match_info[self.owner_key],
            request.match_info["mid"],
            data,
        )
        return respond(self.with_material(MaterialOut.of(material), found, actor.role))

    async def read(self, request: web.Request) -> web.Response:
        actor = await actor_of(request)
        stored = await materials.read_material(
            request.app[PORTS],
            actor,
            self.owner,
            request.match_info[self.owner_key],
            request.match_info["mid"],
        )
        return web.Response(
            body=base64.b64decode(stored.data_b64),
            content_type=stored.content_type,
            headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
        )


AGENCY_MATERIALS = MaterialHandlers(
    agencies.MATERIALS,
    "aid",
    AgencyOut.of,
    lambda material, agency, role: MaterialOnAgency(
        material=material, agency=AgencyOut.of(agency, role)
    ),
)
PRACTITIONER_MATERIALS = MaterialHandlers(
    practitioners.MATERIALS,
    "pid",
    PractitionerOut.of,
    lambda material, practitioner, role: MaterialOnPractitioner(
        material=material, practitioner=PractitionerOut.of(practitioner, role)
    ),
)
