"""收件材料: the images an agency (the business license, guide §1.2) or a practitioner (the ID
card, §1.3: "和营业执照的上传步骤相同") submits for review. One set of use cases serves both;
each owner says how it is read, changed and saved (``agencies.MATERIALS``,
``practitioners.MATERIALS``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from signing_flow.agency_models import Agency, Material, Practitioner
from signing_flow.errors import FieldProblem, InvalidState, NotFound, ValidationFailed
from signing_flow.ports import Ports
from signing_flow.repository import files
from signing_flow.roles import Actor
from signing_flow.secrets import new_id
from signing_flow.uploads import IMAGE_LIMIT, IMAGES, StoredFile, accept_upload

UNNAMED_MATERIAL = "未命名材料"
MAX_MATERIALS = 20

Owner = TypeVar("Owner", Agency, Practitioner)


@dataclass(frozen=True)
class MaterialOwner(Generic[Owner]):
    """How the owner of some materials is found, changed and saved."""

    # the owner, for a change by the actor (refused to anyone who may not change it)
    for_change: Callable[[Ports, Actor, str], Awaitable[Owner]]
    # the owner, for reading an uploaded file
    for_read: Callable[[Ports, Actor, str], Awaitable[Owner]]
    # refuses a change in the owner's current state
    ensure_editable: Callable[[Owner, Actor], object]
    # records the change on the owner (its status and version)
    record_edit: Callable[[Owner, Actor, datetime], None]
    save: Callable[[Ports, Owner], Awaitable[None]]


def uploaded(materials: list[Material]) -> list[Material]:
    return [m for m in materials if m.file_id is not None]


def _find(materials: list[Material], material_id: str) -> Material:
    found = next((m for m in materials if m.id == material_id), None)
    if found is None:
        raise NotFound("收件材料不存在 (no such material)", code="MATERIAL_NOT_FOUND")
    return found


async def _editable(
    ports: Ports, actor: Actor, owner: MaterialOwner[Owner], owner_id: str
) -> Owner:
    found = await owner.for_change(ports, actor, owner_id)
    owner.ensure_editable(found, actor)
    return found


async def _save_edit(ports: Ports, actor: Actor, owner: MaterialOwner[Owner], found: Owner) -> None:
    owner.record_edit(found, actor, ports.clock.now())
    await owner.save(ports, found)


async def add_material(
    ports: Ports, actor: Actor, owner: MaterialOwner[Owner], owner_id: str, name: str | None
) -> tuple[Owner, Material]:
    """添加收件材料. With a name it is saved at once; without one it is 「未命名材料」 until
    renamed and saved, and nothing can be uploaded to it before that."""
    found = await _editable(ports, actor, owner, owner_id)
    if len(found.materials) >= MAX_MATERIALS:
        raise InvalidState(
            f"收件材料最多 {MAX_MATERIALS} 项 (at most {MAX_MATERIALS} materials)",
            current="full",
            allowed=["remove_material"],
            code="TOO_MANY_MATERIALS",
        )
    name = (name or "").strip()
    material = Material(id=new_id(), name=name or UNNAMED_MATERIAL, saved=bool(name))
    found.materials.append(material)
    await _save_edit(ports, actor, owner, found)
    return found, material


async def rename_material(
    ports: Ports,
    actor: Actor,
    owner: MaterialOwner[Owner],
    owner_id: str,
    material_id: str,
    name: str,
) -> tuple[Owner, Material]:
    """修改材料名称，保存."""
    found = await _editable(ports, actor, owner, owner_id)
    material = _find(found.materials, material_id)
    name = name.strip()
    if not name or name == UNNAMED_MATERIAL:
        raise ValidationFailed(
            [FieldProblem("name", "REQUIRED", "请填写材料名称，例如「营业执照」 (name it)")]
        )
    material.name, material.saved = name, True
    await _save_edit(ports, actor, owner, found)
    return found, material


async def remove_material(
    ports: Ports, actor: Actor, owner: MaterialOwner[Owner], owner_id: str, material_id: str
) -> Owner:
    found = await _editable(ports, actor, owner, owner_id)
    found.materials.remove(_find(found.materials, material_id))
    await _save_edit(ports, actor, owner, found)
    return found


async def upload_material(
    ports: Ports,
    actor: Actor,
    owner: MaterialOwner[Owner],
    owner_id: str,
    material_id: str,
    data: bytes,
) -> tuple[Owner, Material]:
    """上传附件: only to a named, saved material; one PNG or JPEG image of at most 500K. The
    file is stored first and referenced by the owner's compare-and-set: a lost write leaves an
    unreferenced file, never a reference to a missing one."""
    found = await _editable(ports, actor, owner, owner_id)
    material = _find(found.materials, material_id)
    if not material.saved:
        raise InvalidState(
            "添加材料后要改材料名称并保存否则无法上传 "
            "(name and save the material before uploading its image)",
            current="unsaved",
            allowed=["rename_material"],
            code="MATERIAL_NOT_SAVED",
            extra={"material_id": material.id},
        )
    stored = accept_upload(
        data,
        allowed=IMAGES,
        limit=IMAGE_LIMIT,
        file_id=new_id(),
        by=actor.account_id,
        at=ports.clock.now(),
    )
    material.file_id = stored.id
    material.content_type = stored.content_type
    material.size = stored.size
    material.uploaded_at = stored.uploaded_at
    await files(ports.store).insert(stored)
    await _save_edit(ports, actor, owner, found)
    return found, material


async def read_material(
    ports: Ports, actor: Actor, owner: MaterialOwner[Owner], owner_id: str, material_id: str
) -> StoredFile:
    material = _find((await owner.for_read(ports, actor, owner_id)).materials, material_id)
    stored = await files(ports.store).get(material.file_id) if material.file_id else None
    if stored is None:
        raise NotFound("该材料尚未上传附件 (nothing uploaded yet)", code="FILE_NOT_FOUND")
    return stored
