"""A read must not fail on a write conflict: showing a QR code may rotate its token (a write),
and many agents' screens and processes ask at once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.appkeys import PORTS
from signing_flow.ports import Doc
from tests.api.conftest import Api
from tests.api.test_handshake import new_order
from tests.conftest import FakeClock

PARTIES = ("s1", "s2", "b1", "b2")


async def test_concurrent_qr_code_reads_through_two_processes_never_answer_409(
    agent: Api, other_process: TestClient[Any, Any], clock: FakeClock
) -> None:
    _, order = await new_order(agent)
    screens = [agent, Api(other_process, agent.token)]
    for _ in range(4):
        # every token is due to rotate: each first read of a party writes, all at once
        clock.advance(minutes=10)
        results = await asyncio.gather(
            *(
                screen.call("GET", f"/api/v1/signing-orders/{order['id']}/parties/{pid}/qrcode")
                for screen in screens
                for pid in PARTIES
                for _ in range(5)
            )
        )
        assert [status for status, _ in results] == [200] * len(results), [
            body for status, body in results if status != 200
        ]
        # one token per party: the readers that lost the race show the winner's token
        asked = [pid for _ in screens for pid in PARTIES for _ in range(5)]
        for pid in PARTIES:
            shown = {body["url"] for (_, body), p in zip(results, asked, strict=True) if p == pid}
            assert len(shown) == 1, (pid, shown)


def another_process_writes_first(
    client: TestClient[Any, Any], monkeypatch: pytest.MonkeyPatch, times: int
) -> list[int]:
    """For the next ``times`` compare-and-sets of a contract, another process's write (a party's
    step) lands between this process's read and its write, so each one loses."""
    store = client.app[PORTS].store
    cas = store.compare_and_set
    lost = [0]

    async def racing(collection: str, doc: Doc, expected_version: int) -> Doc:
        if collection == "contracts" and lost[0] < times:
            lost[0] += 1
            current = await store.get(collection, doc["_id"])
            assert current is not None
            await cas(collection, current, current["version"])
        return await cas(collection, doc, expected_version)

    monkeypatch.setattr(store, "compare_and_set", racing)
    return lost


async def test_a_qr_code_is_shown_while_its_rotation_keeps_losing_to_other_writers(
    agent: Api, client: TestClient[Any, Any], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, order = await new_order(agent)
    path = f"/api/v1/signing-orders/{order['id']}/parties/s1/qrcode"
    first = await agent.get(path)
    # Under a minute left: due for rotation, but still usable. The rotation loses every time
    # it is tried; the read shows the usable token rather than a 409.
    clock.advance(minutes=9, seconds=30)
    lost = another_process_writes_first(client, monkeypatch, times=1000)
    assert (await agent.get(path))["url"] == first["url"]
    assert lost[0] > 1


async def test_a_dead_qr_token_is_replaced_even_after_many_lost_writes(
    agent: Api, client: TestClient[Any, Any], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, order = await new_order(agent)
    path = f"/api/v1/signing-orders/{order['id']}/parties/s1/qrcode"
    first = await agent.get(path)
    clock.advance(minutes=11)  # expired: only a new token will do
    lost = another_process_writes_first(client, monkeypatch, times=20)
    second = await agent.get(path)
    assert second["url"] != first["url"] and lost[0] == 20
