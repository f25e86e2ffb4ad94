"""One ``wangqian simulate`` run in progress: its connections and options, and what happened
so far (the result the summary and the exit code come from)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession

from miniapp_mock.agent import Agent
from miniapp_mock.phone import ReceiptCheck
from miniapp_mock.scenario import Scenario
from miniapp_mock.simulate_options import Options

Say = Callable[[str], None]


class SetupError(Exception):
    """The run cannot start (bad login, the demo property taken, …); the message says why."""


@dataclass
class PartyRun:
    party_id: str
    label: str  # "s1 李娜", for the output
    qr_url: str = ""
    qr_source: str = ""  # "png" (decoded with zxing-cpp) or "json"
    step: str = "pending"
    step_label: str = "待扫码"
    ended: str | None = None  # "locked", "declined", "gave_up"
    receipt: Mapping[str, Any] | None = None


@dataclass
class SimulationResult:
    expected: str
    outcome: str = "error"
    contract_id: str = ""
    contract_number: str = ""
    order: dict[str, Any] = field(default_factory=dict)
    parties: list[PartyRun] = field(default_factory=list)
    receipt_checks: dict[str, ReceiptCheck] = field(default_factory=dict)

    @property
    def receipts_ok(self) -> bool:
        return all(c.ok for c in self.receipt_checks.values())

    @property
    def ok(self) -> bool:
        return self.outcome == self.expected and self.receipts_ok


@dataclass
class Run:
    """One simulation in progress: the connections, the options and what happened so far."""

    http: ClientSession
    options: Options
    scenario: Scenario
    say: Say
    agent: Agent
    result: SimulationResult
    people: dict[str, tuple[str, str]] = field(default_factory=dict)  # party → (name, ID)

    def agent_says(self, text: str) -> None:
        self.say(f"[经纪人] {text}")
