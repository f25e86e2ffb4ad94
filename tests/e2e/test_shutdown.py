"""Graceful shutdown, with a real server process and a real SIGTERM (docs/operations.md)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from aiohttp import ClientSession

from bench.client import Http, Recorder
from bench.fixtures import seed
from tests.e2e.processes import order_with_party, server_process, steps_before_authorize, write_lock

HOLD_SECONDS = 25


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _order(base_url: str, agent: str, order_id: str, query: str = "") -> tuple[int, Any]:
    url = f"{base_url}/api/v1/signing-orders/{order_id}{query}"
    async with ClientSession() as http, http.get(url, headers=_auth(agent)) as resp:
        return resp.status, await resp.json()


async def test_sigterm_mid_handshake_finishes_the_step_in_flight_and_answers_long_polls_at_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "wangqian.db"
    store_url = f"sqlite:///{db}"
    await seed(store_url, 2)
    with server_process(tmp_path, store_url) as server:
        agent, signing, party = await order_with_party(server.base_url, 0)
        await steps_before_authorize(server.base_url, party)
        agent_b, other, _ = await order_with_party(server.base_url, 1)
        _, before = await _order(server.base_url, agent, signing["id"])
        _, quiet = await _order(server.base_url, agent_b, other["id"])
        query = f"?wait={HOLD_SECONDS}&version={quiet['version']}"
        poll = asyncio.create_task(_order(server.base_url, agent_b, other["id"], query))
        await asyncio.sleep(0.3)
        async with ClientSession() as http:
            with write_lock(db):
                # The party's last step arrives and waits for the store's write lock.
                step = asyncio.create_task(
                    Http(http, server.base_url, Recorder()).call(
                        "authorize",
                        "POST",
                        "/mp/v1/authorize",
                        token=party.session,
                        json_body={"face_sample": "match"},
                    )
                )
                await asyncio.sleep(0.5)
                server.signal()
                signalled = time.monotonic()
                await asyncio.sleep(0.3)
                assert not step.done()
            view = await asyncio.wait_for(step, 10)  # acknowledged after the signal
        assert view is not None
        status, answered = await asyncio.wait_for(poll, 5)
        assert time.monotonic() - signalled < 3, "the held long-poll was not answered at once"
        assert (status, answered["version"]) == (200, quiet["version"])  # the current state
        assert await asyncio.to_thread(server.wait) == 0

    with server_process(tmp_path, store_url, name="restarted") as again:
        _, after = await _order(again.base_url, agent, signing["id"])
    (s1,) = (p for p in after["parties"] if p["party_id"] == "s1")
    assert s1["step"] == "signed" and s1["receipt"] is not None
    assert after["version"] == before["version"] + 1
