"""``wangqian verify-webhook --secret … --signature … < body``."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest

from backend.cli import main
from signing_flow.webhook_rules import signature_header

BODY = b'{"id":"c1-e4","type":"party.signed"}'


class Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def run(monkeypatch: pytest.MonkeyPatch, body: bytes, *argv: str) -> int:
    monkeypatch.setattr("sys.stdin", Stdin(body))
    return main(["verify-webhook", *argv])


def test_a_signed_body_verifies_and_a_changed_one_does_not(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    header = signature_header(["whsec_abc"], int(time.time()), BODY)
    assert run(monkeypatch, BODY, "--secret", "whsec_abc", "--signature", header) == 0
    assert capsys.readouterr().out.startswith("OK")
    assert run(monkeypatch, BODY + b" ", "--secret", "whsec_abc", "--signature", header) == 1
    assert run(monkeypatch, BODY, "--secret", "whsec_xyz", "--signature", header) == 1
    assert capsys.readouterr().out.count("FAILED") == 2


def test_an_old_signature_is_a_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    header = signature_header(["whsec_abc"], int(time.time()) - 301, BODY)
    assert run(monkeypatch, BODY, "--secret", "whsec_abc", "--signature", header) == 1
    args: Any = ("--secret", "whsec_abc", "--signature", header, "--tolerance", "600")
    assert run(monkeypatch, BODY, *args) == 0


def test_the_secret_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANGQIAN_WEBHOOK_SECRET", "whsec_abc")
    header = signature_header(["whsec_abc"], int(time.time()), BODY)
    assert run(monkeypatch, BODY, "--signature", header) == 0
