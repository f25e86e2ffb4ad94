"""The login lock-out under concurrency, in one process and in two, on every store (issue 13:
"Login lockout is not atomic", "Lockout reveals which usernames exist")."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

import backend.passwords
from backend.settings import Settings
from backend.storage import open_store
from signing_flow.lockout import DUMMY_HASH, MAX_FAILED_LOGINS, STALE_CLAIM
from signing_flow.repository import accounts
from tests.api.conftest import Api
from tests.conftest import FakeClock

RIGHT = "Wangqian2026"


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every password the service checks, by what it is checked against: an account's hash
    (``account``) or the stand-in for no account (``dummy``)."""
    seen: Counter[str] = Counter()
    lock = threading.Lock()  # the checks run in the hasher's threads
    real = backend.passwords.verify_password

    def counting(password: str, stored: str) -> bool:
        with lock:
            seen["dummy" if stored == DUMMY_HASH else "account"] += 1
        return real(password, stored)

    monkeypatch.setattr(backend.passwords, "verify_password", counting)
    return seen


async def attempt(client: TestClient[Any, Any], username: str, password: str) -> tuple[int, Any]:
    return await Api(client).call(
        "POST", "/api/v1/auth/login", {"username": username, "password": password}
    )


async def test_40_concurrent_wrong_logins_check_five_passwords_and_then_the_lock_holds(
    client: TestClient[Any, Any], checks: Counter[str], clock: FakeClock
) -> None:
    answers = await asyncio.gather(*(attempt(client, "agent_li", f"bad{i}") for i in range(40)))
    assert {(status, body["error"]["code"]) for status, body in answers} == {
        (401, "INVALID_CREDENTIALS")
    }
    assert checks["account"] == MAX_FAILED_LOGINS
    status, body = await attempt(client, "agent_li", RIGHT)
    assert (status, body["error"]["code"]) == (401, "INVALID_CREDENTIALS")
    assert checks["account"] == MAX_FAILED_LOGINS  # locked: the right password was not checked
    clock.advance(minutes=15)
    assert (await attempt(client, "agent_li", RIGHT))[0] == 200


async def test_two_processes_on_one_store_check_five_passwords_in_all(
    client: TestClient[Any, Any], other_process: TestClient[Any, Any], checks: Counter[str]
) -> None:
    answers = await asyncio.gather(
        *(attempt(app, "agent_li", f"bad{i}") for i in range(20) for app in (client, other_process))
    )
    assert {status for status, _ in answers} == {401}
    assert checks["account"] == MAX_FAILED_LOGINS
    for app in (client, other_process):
        assert (await attempt(app, "agent_li", RIGHT))[0] == 401


async def test_a_burst_of_right_passwords_among_wrong_ones_all_log_in_and_none_gets_409(
    client: TestClient[Any, Any], other_process: TestClient[Any, Any], settings: Settings
) -> None:
    """More right passwords at once than the lock-out allows attempts: they wait for the checks
    in flight instead of locking the account, and no lost compare-and-set reaches anyone."""
    tries = [(app, RIGHT) for app in (client, other_process) for _ in range(8)]
    tries += [(client, "bad"), (other_process, "bad"), (client, "bad")]
    answers = await asyncio.gather(*(attempt(app, "agent_li", pw) for app, pw in tries))
    assert [status for status, _ in answers] == [200] * 16 + [401] * 3
    async with open_store(settings.store_url) as store:
        account = await accounts(store).get("acct-agent_li")
    assert account is not None
    assert (account.logins_in_flight, account.locked_until) == (0, None)


async def test_a_locked_account_and_an_unknown_username_are_answered_alike(
    client: TestClient[Any, Any], checks: Counter[str]
) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        await attempt(client, "agent_li", "bad")
    checks.clear()
    locked = await attempt(client, "agent_li", RIGHT)
    assert checks == {"dummy": 1}  # one scrypt, as for an unknown username: the same time
    unknown = await attempt(client, "nobody_here", RIGHT)
    assert checks == {"dummy": 2}
    wrong = await attempt(client, "agent_wang", "bad")
    assert checks == {"dummy": 2, "account": 1}
    # alike but for the request id, which every answer has its own of
    for answer in (locked, unknown, wrong):
        assert answer[1]["error"].pop("request_id")
    assert locked == unknown == wrong
    assert locked[0] == 401 and locked[1]["error"]["details"] == {}


async def test_a_claim_left_by_a_process_that_died_counts_as_a_failure(
    client: TestClient[Any, Any], settings: Settings, clock: FakeClock
) -> None:
    async with open_store(settings.store_url) as store:  # four failures and a check in flight
        repo = accounts(store)
        account = await repo.get("acct-agent_li")
        assert account is not None
        account.failed_logins, account.logins_in_flight = 4, 1
        account.login_claimed_at = clock.now() - STALE_CLAIM - timedelta(seconds=1)
        await repo.save(account)
    assert (await attempt(client, "agent_li", RIGHT))[0] == 401  # the fifth failure locked it
    clock.advance(minutes=15)
    assert (await attempt(client, "agent_li", RIGHT))[0] == 200
