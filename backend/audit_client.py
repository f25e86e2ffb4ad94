"""Checking a contract's audit chain over the API, as an integrator would (``wangqian
verify-audit --base-url``).

It follows docs/audit.md and nothing else: it reads the contract as served and recomputes the
chain with the standard library's JSON, not with the platform's digest code, so it also checks
that the service serves what its digest covers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError, ClientSession

GENESIS_HASH = "0" * 64
# The fields a v2 digest covers, as served (docs/audit.md): every served field but ``hash``.
V2_FIELDS = (
    "id",
    "type",
    "seq",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "from_status",
    "to_status",
    "data",
    "prev_hash",
    "client_sha256",
    "digest_v",
)


@dataclass(frozen=True)
class ChainReport:
    events: int
    linked_only: int  # v1 events: their digest covers the raw client, which is not served
    broken_at: int | None = None
    why: str = ""


def v2_digest(event: dict[str, Any]) -> str:
    body = {name: event.get(name) for name in V2_FIELDS}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_served_chain(contract_id: str, events: list[dict[str, Any]]) -> ChainReport:
    """Where the served chain breaks, if it does: each event numbered in turn from 1, with the
    id of its position, linked to the one before, and (v2) hashing to its ``hash``."""
    prev, linked_only = GENESIS_HASH, 0
    for position, event in enumerate(events, 1):
        seq = event.get("seq")
        why = ""
        if seq != position or event.get("id") != f"{contract_id}-e{position}":
            why = f"expected event {position}, {contract_id}-e{position}"
        elif event.get("prev_hash") != prev:
            why = "prev_hash is not the previous event's hash"
        elif event.get("digest_v") == 2:
            if v2_digest(event) != event.get("hash"):
                why = "hash does not match the event"
        elif event.get("digest_v") == 1:
            linked_only += 1
        else:
            why = f"unknown digest_v {event.get('digest_v')!r}"
        if why:
            return ChainReport(len(events), linked_only, position, why)
        prev = str(event.get("hash"))
    return ChainReport(len(events), linked_only)


async def fetch_contract(base_url: str, token: str, contract_id: str) -> tuple[int, Any]:
    """The status and JSON body of ``GET /api/v1/contracts/{id}``."""
    url = f"{base_url.rstrip('/')}/api/v1/contracts/{contract_id}"
    async with (
        ClientSession() as http,
        http.get(url, headers={"Authorization": f"Bearer {token}"}) as resp,
    ):
        return resp.status, await resp.json(content_type=None)


async def verify_over_api(base_url: str, token: str, contract_ids: list[str]) -> int:
    """Print OK or FAILED per contract; 1 if any failed (or could not be read), else 0."""
    failed = 0
    for contract_id in contract_ids:
        try:
            status, body = await fetch_contract(base_url, token, contract_id)
        except (ClientError, ValueError) as exc:
            print(f"FAILED  {contract_id}: cannot read the contract: {exc}")
            failed += 1
            continue
        if status != 200:
            code = body.get("error", {}).get("code") if isinstance(body, dict) else None
            print(f"FAILED  {contract_id}: the API answered {status} {code or ''}".rstrip())
            failed += 1
            continue
        report = check_served_chain(contract_id, body.get("events") or [])
        name = f"{body.get('number')} ({contract_id})"
        if report.broken_at is not None:
            print(f"FAILED  {name}: broken at event {report.broken_at} ({report.why})")
            failed += 1
            continue
        older = (
            f"; {report.linked_only} older (digest_v 1) linked only, their digest is checked "
            "by the platform"
            if report.linked_only
            else ""
        )
        print(f"OK      {name}: {report.events} events{older}")
    return 1 if failed else 0
