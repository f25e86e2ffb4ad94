"""The operator's commands: the purge preview and the purge itself."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from backend.cli import main, next_purge_time
from backend.demo import seed_demo
from backend.storage import open_store
from miniapp_mock.providers import SandboxFace, SandboxPolice
from miniapp_mock.registry import SandboxRegistry
from miniapp_mock.services import SANDBOX_COLLECTIONS
from signing_flow.deadlines import CITY_TZ
from signing_flow.ports import Ports
from signing_flow.roles import Actor, Role
from signing_flow.usecases.contracts import create_contract
from tests.conftest import FakeClock
from tests.integration.test_jobs import lookup

AGENT = Actor(account_id="acct-agent_li", role=Role.PRACTITIONER, agency_id="agency-demo")


async def stale_and_fresh(url: str) -> tuple[str, str]:
    """One contract created three days ago (overdue), one created now."""
    async with open_store(url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
        clock = FakeClock(datetime.now(UTC) - timedelta(days=3))
        ports = Ports(
            store=store,
            clock=clock,
            registry=SandboxRegistry(store),
            police=SandboxPolice(),
            face=SandboxFace(),
            signer=None,  # type: ignore[arg-type]  # no signing here
            sms=None,  # type: ignore[arg-type]
            unified_identity=None,  # type: ignore[arg-type]
        )
        stale = await create_contract(ports, AGENT, lookup("prop-sole"), {})
        clock.set(datetime.now(UTC))
        fresh = await create_contract(ports, AGENT, lookup("prop-joint"), {})
        return stale.number, fresh.number


async def test_purge_dry_run_lists_what_the_next_purge_deletes_and_deletes_nothing(
    store_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale, fresh = await stale_and_fresh(store_url)
    monkeypatch.setenv("WANGQIAN_STORE", store_url)
    assert await run_cli(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert stale in out and fresh not in out and "截止 (deadline)" in out
    assert await run_cli(["purge", "--dry-run"]) == 0
    assert stale in capsys.readouterr().out  # still there: a dry run changes nothing
    assert await run_cli(["purge"]) == 0
    assert stale in capsys.readouterr().out
    assert await run_cli(["purge", "--dry-run"]) == 0
    assert stale not in capsys.readouterr().out


async def run_cli(argv: list[str]) -> int:
    """The command runs its own event loop, so it runs in a thread beside the test's."""
    return await asyncio.to_thread(main, argv)


def test_the_next_purge_is_half_a_minute_past_the_coming_zhongshan_midnight() -> None:
    evening = datetime(2026, 11, 25, 23, 0, tzinfo=CITY_TZ)
    assert next_purge_time(evening) == datetime(2026, 11, 26, 0, 0, 30, tzinfo=CITY_TZ)
    just_before = datetime(2026, 11, 26, 0, 0, 10, tzinfo=CITY_TZ)
    assert next_purge_time(just_before) == datetime(2026, 11, 26, 0, 0, 30, tzinfo=CITY_TZ)


async def test_verify_audit_checks_the_stored_trail_and_names_where_it_breaks(
    store_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await stale_and_fresh(store_url)
    async with open_store(store_url) as store:
        intact, tampered = await store.find("contracts", {}, sort="number")
        tampered["events"][0]["actor_id"] = "someone-else"
        await store.compare_and_set("contracts", tampered, tampered["version"])
    monkeypatch.setenv("WANGQIAN_STORE", store_url)
    assert await run_cli(["verify-audit", intact["_id"]]) == 0
    assert capsys.readouterr().out.startswith(f"OK      {intact['number']}")
    assert await run_cli(["verify-audit", intact["_id"], tampered["_id"], "nope"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"FAILED  {tampered['number']} ({tampered['_id']}): broken at event 1"
    assert out[2] == "FAILED  nope: no such contract"
