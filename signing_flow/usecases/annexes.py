"""附件 images: an agent uploads one, then names its ``file_id`` in a contract's annexes.

An annex may only name a file its own agent uploaded. The id alone would otherwise let a draft
pull any stored file (another agency's ID card scans, a window's signed pages) into a contract
every party reads. The check is one indexed read, made only for ids the contract does not hold
yet.
"""

from __future__ import annotations

from collections.abc import Collection

from signing_flow.errors import FieldProblem
from signing_flow.ports import Ports
from signing_flow.repository import files
from signing_flow.roles import Actor, ensure_practitioner
from signing_flow.sale_contract import Annex
from signing_flow.secrets import new_id
from signing_flow.uploads import IMAGE_LIMIT, IMAGES, StoredFile, accept_upload


async def upload_annex_image(ports: Ports, actor: Actor, data: bytes) -> StoredFile:
    """上传附件图片: one PNG or JPEG of at most 500K, stored as the agent's."""
    ensure_practitioner(actor)
    stored = accept_upload(
        data,
        allowed=IMAGES,
        limit=IMAGE_LIMIT,
        file_id=new_id(),
        by=actor.account_id,
        at=ports.clock.now(),
    )
    await files(ports.store).insert(stored)
    return stored


async def annex_file_problems(
    ports: Ports, actor: Actor, annexes: list[Annex], held: Collection[str]
) -> list[FieldProblem]:
    """The annexes naming a file that is not one the agent uploaded; ``held`` are the ids the
    contract already names (checked when they were added)."""
    wanted = {a.file_id for a in annexes if a.file_id and a.file_id not in held}
    if not wanted:
        return []
    found = await ports.store.find(
        "files", {"_id": {"$in": sorted(wanted)}, "uploaded_by": actor.account_id}
    )
    mine = {doc["_id"] for doc in found}
    return [
        FieldProblem(
            f"annexes[{i}].file_id",
            "FILE_NOT_FOUND",
            "没有您上传的这个文件，请先上传附件图片 (upload it with POST /api/v1/annex-files)",
        )
        for i, a in enumerate(annexes)
        if a.file_id and a.file_id in wanted and a.file_id not in mine
    ]
