"""The audit chain as served: checkable from the API alone (docs/audit.md), with the callers'
addresses masked, and by ``wangqian verify-audit --base-url``."""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.appkeys import STORE
from backend.cli import main
from tests.api.conftest import Api
from tests.api.test_cancellation import filed_online


def canonical_sha256(value: Any) -> str:
    """docs/audit.md's rule, written here from the doc alone (not the product's code)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def recomputes(contract_id: str, events: list[dict[str, Any]]) -> bool:
    prev = "0" * 64
    for n, event in enumerate(events, 1):
        body = {k: v for k, v in event.items() if k != "hash"}
        if (
            event["seq"] != n
            or event["id"] != f"{contract_id}-e{n}"
            or event["prev_hash"] != prev
            or canonical_sha256(body) != event["hash"]
        ):
            return False
        prev = event["hash"]
    return True


async def run_cli(argv: list[str]) -> int:
    """The command runs its own event loop, so it runs in a thread beside the test server's."""
    return await asyncio.to_thread(main, argv)


async def test_the_served_events_recompute_to_the_chain_without_the_callers_addresses(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await filed_online(agent, client)
    events = contract["events"]
    assert {e["digest_v"] for e in events} == {2}
    assert recomputes(contract["id"], events)
    text = json.dumps(events, ensure_ascii=False)
    assert "127.0.0.1" not in text and "Python" not in text  # the test client's IP and UA
    assert all("ip" not in e and "user_agent" not in e for e in events)
    # Every event from a request commits to its client; the commitment is in the digest.
    assert all(len(e["client_sha256"]) == 64 for e in events)
    assert {e["type"] for e in events} >= {"party_signed", "contract_filed"}
    signed = next(e for e in events if e["type"] == "party_signed")
    assert signed["data"]["order_id"] == contract["orders"][0]["id"]


async def tamper(client: TestClient[Any, Any], contract_id: str, change: Any) -> None:
    store = client.app[STORE]
    doc = await store.get("contracts", contract_id)
    assert doc is not None
    change(doc["events"])
    assert await store.compare_and_set("contracts", doc, doc["version"])


async def test_verify_audit_over_the_api_finds_a_tampered_event(
    agent: Api, client: TestClient[Any, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    contract = await filed_online(agent, client)
    cid, base = contract["id"], str(client.make_url("/"))
    argv = ["verify-audit", "--base-url", base, f"--token={agent.token}"]
    assert await run_cli([*argv, cid]) == 0
    assert capsys.readouterr().out.startswith(f"OK      {contract['number']} ({cid}): ")

    def rewrite_data(events: list[dict[str, Any]]) -> None:
        events[1]["data"] = {"fields": ["sellers"]}

    await tamper(client, cid, rewrite_data)
    assert await run_cli([*argv, cid, "nope"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"FAILED  {contract['number']} ({cid}): broken at event 2")
    assert out[1] == "FAILED  nope: the API answered 404 CONTRACT_NOT_FOUND"


async def test_a_forged_hash_breaks_the_link_to_the_next_event(
    agent: Api, client: TestClient[Any, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """Whoever rewrites an event and its hash still breaks the next event's ``prev_hash``."""
    contract = await filed_online(agent, client)
    cid = contract["id"]
    served = contract["events"][0]

    def forge(events: list[dict[str, Any]]) -> None:
        events[0]["actor_id"] = "someone-else"
        events[0]["hash"] = canonical_sha256(
            {k: v for k, v in {**served, "actor_id": "someone-else"}.items() if k != "hash"}
        )

    await tamper(client, cid, forge)
    argv = ["verify-audit", "--base-url", str(client.make_url("/")), f"--token={agent.token}"]
    assert await run_cli([*argv, cid]) == 1
    assert "broken at event 2 (prev_hash" in capsys.readouterr().out


async def test_events_stored_before_v2_still_verify_and_are_linked_from_outside(
    agent: Api,
    client: TestClient[Any, Any],
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A trail written by the previous version (v1: the digest covers the raw client, which is
    not served) verifies in the store, and its links from outside."""
    contract = await filed_online(agent, client)
    cid = contract["id"]

    def as_v1(events: list[dict[str, Any]]) -> None:
        prev = "0" * 64
        for event in events:
            # what v1 never stored (resource_version came with the events feed)
            dropped = ("_id", "type", "digest_v", "client_nonce", "client_sha256", "hash")
            for name in (*dropped, "resource_version"):
                event.pop(name, None)
            event["prev_hash"] = prev
            prev = event["hash"] = canonical_sha256(event)

    await tamper(client, cid, as_v1)
    monkeypatch.setenv("WANGQIAN_STORE", store_url)
    assert await run_cli(["verify-audit", cid]) == 0
    served = await agent.get(f"/api/v1/contracts/{cid}")
    assert {e["digest_v"] for e in served["events"]} == {1}
    assert all(e["client_sha256"] is None for e in served["events"])
    argv = ["verify-audit", "--base-url", str(client.make_url("/")), f"--token={agent.token}"]
    assert await run_cli([*argv, cid]) == 0
    n = len(served["events"])
    assert f"{n} events; {n} older (digest_v 1) linked only" in capsys.readouterr().out
