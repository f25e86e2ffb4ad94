"""How long each part runs: the full run (``make bench``, under 10 minutes on 2 cores) and
``--quick`` (about 3 minutes, for checking the harness, not for quoting)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Budget:
    poll_seconds: int  # one load run (wrk takes whole seconds)
    poll_rounds: int  # service and floor alternate this many times per row; medians reported
    concurrencies: tuple[int, ...]
    longpoll_waiters: tuple[int, ...]
    longpoll_rounds: int
    longpoll_hold: float  # seconds the waiters are held before the change
    handshake_ks: tuple[int, ...]
    # FerretDB serialises on its SQLite file: at K=16 four parties' compare-and-sets per order
    # pile up into minute-long handshakes, so the FerretDB runs stop at K=4.
    handshake_ks_ferretdb: tuple[int, ...]
    handshake_seconds: float  # each K starts handshakes this long, then drains
    # Registry properties seeded per store, one per handshake: enough for ~25 handshakes/s over
    # every run; a run that uses them up stops starting handshakes (and says how many it did).
    properties: int
    sweep_n: dict[str, int] = field(default_factory=dict)  # by store kind
    # events: contracts whose trails are moved at once (FerretDB: a tenth), changes delivered
    events_contracts: int = 2000
    events_changes: int = 200
    pdf_renders: int = 5  # the contract PDF and the certificate, each rendered this many times

    def ks_for(self, kind: str) -> tuple[int, ...]:
        return self.handshake_ks_ferretdb if kind == "ferretdb" else self.handshake_ks


FULL = Budget(
    poll_seconds=2,
    poll_rounds=2,
    concurrencies=(1, 8, 32),
    longpoll_waiters=(16, 128),
    longpoll_rounds=2,
    longpoll_hold=3.0,
    handshake_ks=(1, 4, 16),
    handshake_ks_ferretdb=(1, 4),
    handshake_seconds=8.0,
    properties=1200,
    # FerretDB's bulk updates grow with the square of N (1,000 took minutes): 200 there.
    sweep_n={"sqlite": 100_000, "ferretdb": 200, "mongodb": 100_000},
)

QUICK = Budget(
    poll_seconds=2,
    poll_rounds=1,
    concurrencies=(1, 8, 32),
    longpoll_waiters=(16,),
    longpoll_rounds=1,
    longpoll_hold=1.5,
    handshake_ks=(1, 4, 16),
    handshake_ks_ferretdb=(1, 4),
    handshake_seconds=4.0,
    properties=600,
    sweep_n={"sqlite": 10_000, "ferretdb": 100, "mongodb": 10_000},
    pdf_renders=2,
    events_contracts=500,
    events_changes=50,
)
