"""附件 images: an agent uploads one, then names its ``file_id`` in a contract's annexes.

An annex may only name a file its own agent uploaded. The id alone would otherwise let a draft
pull any stored file (another agency's ID card scans, a window's signed pages) into a contract
every party reads. The check is one indexed read, made only for ids the contract does not hold
yet.
"""

from __future__ import annotations

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


async def attach_annex_files(
    ports: Ports, actor: Actor, annexes: list[Annex], held: list[Annex]
) -> list[FieldProblem]:
    """Give each image annex its upload's SHA-256, or the problem of an annex naming a file that
    is not one the agent uploaded. ``held`` are the contract's annexes before the change: their
    files were checked when they were added, and their digests are kept."""
    digests = {a.file_id: a.sha256 for a in held if a.file_id}
    wanted = {a.file_id for a in annexes if a.file_id and a.file_id not in digests}
    if wanted:
        found = await ports.store.find(
            "files", {"_id": {"$in": sorted(wanted)}, "uploaded_by": actor.account_id}
        )
        digests |= {doc["_id"]: doc["sha256"] for doc in found}
    for annex in annexes:
        if annex.file_id in digests:
            annex.sha256 = digests[annex.file_id]
    return [
        FieldProblem(
            f"annexes[{i}].file_id",
            "FILE_NOT_FOUND",
            "没有您上传的这个文件，请先上传附件图片 (upload it with POST /api/v1/annex-files)",
        )
        for i, a in enumerate(annexes)
        if a.file_id in wanted and a.file_id not in digests
    ]
