"""``wangqian simulate``'s flags: which party fails which check and how (``--fail``), who
declines (``--decline``), and the outcome the run should therefore end in.

The failure kinds are the sandbox's own inputs (``miniapp_mock.check_answers``): a new sandbox
failure is offered here without a change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from miniapp_mock.check_answers import FACE_SAMPLES, POLICE_NUMBERS, with_sequence
from miniapp_mock.scenario import Person, Scenario

# DESIGN §8: the third failed check locks the party and fails the order. The party's view says
# how many attempts are left, but only once it has scanned; the run states its expected outcome
# (and the default number of failures) before the first call, so it knows the rule itself.
MAX_FAILED_CHECKS = 3
# The long-poll's hold time; the server allows up to 30 s.
DEFAULT_POLL_WAIT = 5

Check = Literal["police", "face"]
# kind → (counts as a failed check, the party gets past it by entering the right thing after)
FAILURE_KINDS: dict[Check, dict[str, tuple[bool, bool]]] = {
    "police": {
        "mismatch": (True, True),  # a wrong ID number typed, then the right one
        # The buyer is given a sandbox number (revoked: 999, unavailable: 998), which answers
        # the same every time, so the party never gets past it.
        **{kind: (not n.answer.outage, False) for kind, n in POLICE_NUMBERS.items()},
    },
    # every face failure is followed by a matching face
    "face": {kind: (not a.outage, True) for kind, a in FACE_SAMPLES.items() if a is not None},
}
FAIL_HELP = (
    "make a party fail a check: "
    + " or ".join(f"{check}[={'|'.join(kinds)}]" for check, kinds in FAILURE_KINDS.items())
    + ", e.g. b1:face=mismatch (3 times: locked out), "
    "b1:police:1 (one wrong ID number, then the right one); repeatable"
)


@dataclass(frozen=True)
class Failure:
    """Make ``party_id`` fail ``check`` with ``kind``, ``times`` times (see ``parse_failure``)."""

    party_id: str
    check: Check
    kind: str
    times: int

    @property
    def counted(self) -> bool:
        return FAILURE_KINDS[self.check][self.kind][0]

    @property
    def recovers(self) -> bool:
        return FAILURE_KINDS[self.check][self.kind][1]

    def describe(self) -> str:
        return f"{self.party_id} {self.check}={self.kind} ×{self.times}"


def default_times(check: Check, kind: str) -> int:
    """Counted failures: enough to lock the party out. An outage: once when a retry passes,
    twice (then the party gives up) when it never does."""
    counted, recovers = FAILURE_KINDS[check][kind]
    if counted:
        return MAX_FAILED_CHECKS
    return 1 if recovers else 2


def parse_failure(spec: str) -> Failure:
    """``PARTY:CHECK[=KIND][:TIMES]``, e.g. ``b1:face=mismatch``, ``b1:police``, ``s2:face=timeout:2``.

    Counted failures default to 3 times (the lock-out); ``timeout`` to once, ``unavailable`` to
    twice. Fewer than 3 counted failures followed by the right input show ``attempts_left``."""
    parts = spec.split(":")
    if len(parts) not in (2, 3) or not parts[0]:
        raise ValueError(
            f"--fail {spec!r}: expected PARTY:CHECK[=KIND][:TIMES], e.g. b1:face=mismatch"
        )
    party_id, check_kind = parts[0].strip(), parts[1].strip()
    check, _, kind = check_kind.partition("=")
    if check not in FAILURE_KINDS:
        raise ValueError(f"--fail {spec!r}: the check is police or face")
    checked: Check = "police" if check == "police" else "face"
    kind = kind or "mismatch"
    if kind not in FAILURE_KINDS[checked]:
        raise ValueError(f"--fail {spec!r}: {check} kinds are {', '.join(FAILURE_KINDS[checked])}")
    times = default_times(checked, kind)
    if len(parts) == 3:
        if not parts[2].isdigit() or not 1 <= int(parts[2]) <= 10:
            raise ValueError(f"--fail {spec!r}: TIMES is a number from 1 to 10")
        times = int(parts[2])
    return Failure(party_id, checked, kind, times)


def parse_decline(spec: str) -> tuple[str, str]:
    """``PARTY[:REASON]`` → (party id, reason)."""
    party_id, _, reason = spec.partition(":")
    if not party_id.strip():
        raise ValueError(f"--decline {spec!r}: expected PARTY[:REASON], e.g. b2")
    return party_id.strip(), reason.strip() or "成交价格与约定不符，拒绝签署"


@dataclass(frozen=True)
class Options:
    base_url: str
    username: str = "agent_li"
    password: str = "Wangqian2026"
    failures: tuple[Failure, ...] = ()
    declines: Mapping[str, str] = field(default_factory=dict)
    poll_wait: int = DEFAULT_POLL_WAIT
    # Seconds to wait before retrying a 503; None honours the server's Retry-After.
    retry_delay: float | None = None
    # Print the events the run caused, from the events feed (``simulate_events``).
    events: bool = False

    def failure(self, party_id: str, check: Check) -> Failure | None:
        return next((f for f in self.failures if f.party_id == party_id and f.check == check), None)


def _sandbox_number(f: Failure) -> bool:
    return f.check == "police" and f.kind in POLICE_NUMBERS


def check_options(options: Options, scenario: Scenario) -> None:
    """Refuse flags that name unknown parties or contradict each other, before any call."""
    known = scenario.party_ids()
    seen: set[tuple[str, str]] = set()
    for f in options.failures:
        if f.party_id not in known:
            raise ValueError(f"--fail {f.party_id}: no such party (parties: {', '.join(known)})")
        if (f.party_id, f.check) in seen:
            raise ValueError(f"--fail {f.party_id}:{f.check} given twice")
        seen.add((f.party_id, f.check))
        if f.party_id in options.declines:
            raise ValueError(f"{f.party_id} declines: it cannot also fail a check")
        if _sandbox_number(f) and not f.party_id.startswith("b"):
            raise ValueError(
                f"--fail {f.party_id}:police={f.kind}: only a buyer can be given a sandbox ID "
                "number (sellers must be the registered owners)"
            )
    for party_id in options.declines:
        if party_id not in known:
            raise ValueError(f"--decline {party_id}: no such party (parties: {', '.join(known)})")


def party_outcome(options: Options, party_id: str) -> str | None:
    """How this party ends the order, if it does: declined, failed, cancelled or None."""
    if party_id in options.declines:
        return "declined"
    failed = 0
    checks: tuple[Check, ...] = ("police", "face")
    for check in checks:
        f = options.failure(party_id, check)
        if f is None:
            continue
        if f.counted:
            failed += f.times
            if failed >= MAX_FAILED_CHECKS:
                return "failed"
        if not f.recovers:
            return "cancelled"
    return None


def expected_outcome(options: Options, scenario: Scenario) -> str:
    """Parties go in order, so the first one that ends the order decides the outcome."""
    for party_id in scenario.party_ids():
        outcome = party_outcome(options, party_id)
        if outcome:
            return outcome
    return "filed"


def scenario_with_failures(scenario: Scenario, options: Options) -> Scenario:
    """Buyers told to fail with a sandbox ID number (revoked, unavailable) get one."""
    buyers = list(scenario.buyers)
    for f in options.failures:
        if _sandbox_number(f):
            i = int(f.party_id[1:]) - 1
            b = buyers[i]
            buyers[i] = Person(
                b.name,
                b.id_type,
                with_sequence(b.id_number, POLICE_NUMBERS[f.kind].sequence),
                b.phone,
                b.share_bp,
            )
    return replace(scenario, buyers=tuple(buyers))
