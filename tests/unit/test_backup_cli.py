"""``wangqian backup`` and ``restore`` are for the SQLite store; MongoDB has its own tools."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from backend.cli import main
from backend.storage import open_store
from signing_flow.ports import Doc


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_on_mongodb_the_commands_point_to_mongodump_and_change_nothing(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WANGQIAN_STORE", "mongodb://127.0.0.1:1/wangqian")
    assert main([command, str(tmp_path / "copy.db")]) == 2
    assert "mongodump" in capsys.readouterr().err
    assert not (tmp_path / "copy.db").exists()


def test_a_backup_of_an_idle_store_is_checked_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WANGQIAN_STORE", f"sqlite:///{tmp_path}/wangqian.db")
    assert main(["seed-demo"]) == 0
    assert main(["backup", str(tmp_path / "copy.db")]) == 0
    out = capsys.readouterr().out
    assert "integrity_check ok" in out and "accounts" in out
    assert main(["restore", str(tmp_path / "copy.db")]) == 0  # nothing has the store open


def test_a_mistyped_store_path_fails_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WANGQIAN_STORE", f"sqlite:///{tmp_path}/wangqain.db")
    assert main(["backup", str(tmp_path / "copy.db")]) == 1
    assert "no such store file" in capsys.readouterr().err
    assert not (tmp_path / "wangqain.db").exists()
    assert not (tmp_path / "copy.db").exists()


def test_a_backup_from_an_earlier_release_restores_and_the_store_adds_what_is_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WANGQIAN_STORE", f"sqlite:///{tmp_path}/wangqian.db")
    assert main(["seed-demo"]) == 0
    assert main(["backup", str(tmp_path / "copy.db")]) == 0
    with sqlite3.connect(tmp_path / "copy.db") as old:  # as the release before evidence_pdfs
        old.execute("DROP TABLE evidence_pdfs")
    assert main(["restore", str(tmp_path / "copy.db")]) == 0
    assert "accounts" in capsys.readouterr().out

    async def reopened() -> list[Doc]:
        async with open_store(f"sqlite:///{tmp_path}/wangqian.db") as store:
            assert await store.find("accounts", {})
            return await store.find("evidence_pdfs", {})

    assert asyncio.run(reopened()) == []  # created, empty, when the store opened
