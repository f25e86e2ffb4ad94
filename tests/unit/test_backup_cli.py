"""``wangqian backup`` and ``restore`` are for the SQLite store; MongoDB has its own tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.cli import main


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
