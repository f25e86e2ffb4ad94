"""The supervisor's rules for its workers (``backend.supervisor``), on a fake clock with fake
processes: restarts with a growing pause, no start once stopping began."""

from __future__ import annotations

import signal

from backend.supervisor import EARLY_EXIT_SECONDS, MAX_RESTART_PAUSE_SECONDS, Workers


class FakeChild:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.signals: list[int] = []

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, sig: int) -> None:
        self.signals.append(sig)
        self.returncode = -sig

    def kill(self) -> None:
        self.returncode = -signal.SIGKILL


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def pool(clock: Clock, count: int = 2) -> tuple[Workers, list[FakeChild]]:
    started: list[FakeChild] = []

    def start(index: int) -> FakeChild:
        started.append(FakeChild(len(started) + 1))
        return started[-1]

    return Workers(start, count, 45.0, lambda pid: None, clock=clock), started


def crash(workers: Workers, index: int) -> None:
    child = workers.children[index]
    assert isinstance(child, FakeChild)
    child.returncode = 1


def test_a_worker_that_cannot_start_stops_them_all() -> None:
    clock = Clock()
    workers, started = pool(clock)
    clock.now += 2
    crash(workers, 0)
    workers.step()
    assert workers.stopping and workers.failed
    assert started[1].signals == [signal.SIGTERM]
    assert not workers.running() and not workers.finish()


def test_a_worker_crashing_soon_after_a_restart_is_restarted_with_a_growing_pause() -> None:
    clock = Clock()
    workers, started = pool(clock)
    clock.now += EARLY_EXIT_SECONDS + 5  # served a while, then died: restarted after 1 s
    pauses: list[float] = []
    for _ in range(7):
        crash(workers, 0)
        workers.step()
        pauses.append(workers.due[0] - clock.now)
        clock.now = workers.due[0]
        workers.step()  # started again; it dies at once, again and again
    assert pauses == [1, 2, 4, 8, 16, MAX_RESTART_PAUSE_SECONDS, MAX_RESTART_PAUSE_SECONDS]
    assert not workers.stopping and not workers.failed
    assert len(started) == 2 + 7 and started[1].returncode is None  # the other one serves on
    clock.now += EARLY_EXIT_SECONDS + 1  # this one stayed up: the pause starts over
    crash(workers, 0)
    workers.step()
    assert workers.due[0] - clock.now == 1


def test_no_worker_is_started_once_stopping_began_during_its_pause() -> None:
    clock = Clock()
    workers, started = pool(clock)
    clock.now += EARLY_EXIT_SECONDS + 5
    crash(workers, 0)
    workers.step()
    assert 0 in workers.due
    clock.now += 0.5
    workers.stop()  # SIGTERM within the pause
    clock.now += 5
    workers.step()
    assert len(started) == 2  # not started again
    assert not workers.running()
    assert workers.finish()  # the other stopped cleanly; the crash was counted when it came
