"""``wangqian purge --dry-run`` previews on the clock asked for: ``--now``, or in the sandbox the
moved clock the service's processes share through the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.storage import open_store
from miniapp_mock.clock import MovableClock
from miniapp_mock.services import SANDBOX_COLLECTIONS
from tests.integration.test_cli import run_cli, stale_and_fresh


async def test_now_previews_the_purge_at_another_time(
    store_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale, fresh = await stale_and_fresh(store_url)
    monkeypatch.setenv("WANGQIAN_STORE", store_url)
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    assert await run_cli(["purge", "--dry-run", "--now", later]) == 0
    out = capsys.readouterr().out
    assert stale in out and fresh in out  # three days on, the fresh one is overdue too
    assert await run_cli(["purge", "--dry-run"]) == 0
    assert fresh not in capsys.readouterr().out  # and on today's clock it is not
    # --now only previews, and needs its UTC offset
    assert await run_cli(["purge", "--now", later]) == 2
    assert "--dry-run" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        await run_cli(["purge", "--dry-run", "--now", "2026-11-28T00:00:00"])
    assert await run_cli(["purge", "--dry-run"]) == 0
    assert stale in capsys.readouterr().out  # nothing was deleted


async def test_in_the_sandbox_the_preview_runs_on_the_moved_clock(
    store_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, fresh = await stale_and_fresh(store_url)
    async with open_store(store_url, SANDBOX_COLLECTIONS) as store:
        # as POST /sandbox/v1/clock {"advance_seconds": 259200} does in any process
        await MovableClock().change(store, lambda offset: offset + timedelta(days=3))
    monkeypatch.setenv("WANGQIAN_STORE", store_url)
    monkeypatch.setenv("WANGQIAN_SANDBOX", "1")
    assert await run_cli(["purge", "--dry-run"]) == 0
    assert fresh in capsys.readouterr().out
