"""Password lock-out: the rules every login with a password follows (DESIGN §9), the net-sign
login's and the unified identity platform's alike.

Five wrong passwords lock an account for 15 minutes, and the count has to hold under any
concurrency and in any number of processes. So a login *claims* its attempt before its password
is checked: one compare-and-set on the account adds it to ``logins_in_flight``, and only while
``failed_logins + logins_in_flight`` is below five. When it is not, the login waits for a check
in flight to finish (a burst of right passwords then still gets in), or finds the account locked.
Once checked, a second compare-and-set turns the claim into a failure (the fifth locks the
account) or, for the right password, clears the count. So at most five passwords are checked
per lock-out however many logins race: the compare-and-set decides between processes, the
store's ``writing`` turn between one process's logins. A claim left behind by a process that
died counts as a failure once it is ``STALE_CLAIM`` old: the safe side.

Unknown usernames, locked accounts and wrong passwords are answered alike (``check_password``
answers None), each after one scrypt, so neither the answer nor its time tells which usernames
exist (docs/accounts.md §5). Nothing here answers a conflict: a login never sees a 409.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol, TypeVar

from signing_flow.errors import VersionConflict
from signing_flow.ports import Clock, PasswordHasher
from signing_flow.repository import Repository, Versioned, with_retries

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# scrypt of a random password nobody kept, with the parameters of ``secrets.hash_password``:
# checked when there is no account (or no claim) to check, so that every answer costs one hash.
DUMMY_HASH = (
    "scrypt$16384$8$1$tsr6GoNohLWeyqVxh2ddhg==$TJZdjCj1zhYeKQmkFJNV3XLxPebq9LmjondvAzSkrHg="
)
# A check takes ~50 ms, plus its wait for a hashing thread; a claim this old lost its process.
STALE_CLAIM = timedelta(minutes=1)
# How long a login waits for a free claim (others' checks in flight) before it is refused.
CLAIM_WAIT_SECONDS = 10.0
# Writes to one account queue in a process, so losing this many compare-and-sets in a row
# means a storm from several processes.
WRITE_ATTEMPTS = 30


class Lockable(Versioned, Protocol):
    password_hash: str
    failed_logins: int
    locked_until: datetime | None
    logins_in_flight: int
    login_claimed_at: datetime | None


L = TypeVar("L", bound=Lockable)


class _Claim(Enum):
    TAKEN = "taken"
    BUSY = "busy"  # five checks in flight, or failures and checks making five: wait
    REFUSED = "refused"  # locked, gone, or the claim kept losing


async def check_password(
    repo: Repository[L], found: L | None, password: str, passwords: PasswordHasher, clock: Clock
) -> L | None:
    """The account, fresh from the store, if ``password`` is its password and it is not
    locked; None for an unknown username (``found`` None), a locked account or a wrong
    password, which the caller answers alike."""
    claimed = await _claim(repo, found.id, clock) if found is not None else None
    if claimed is None:
        await passwords.verify(password, DUMMY_HASH)
        return None
    right = await passwords.verify(password, claimed.password_hash)
    settled = await _settle(repo, claimed.id, right, clock.now())
    return (settled or claimed) if right else None


async def _claim(repo: Repository[L], account_id: str, clock: Clock) -> L | None:
    waited, pause = 0.0, 0.01
    while True:
        answer, account = await _write(repo, account_id, lambda a: _take(a, clock.now()))
        if answer is _Claim.TAKEN:
            return account
        if answer is _Claim.REFUSED or waited >= CLAIM_WAIT_SECONDS:
            return None
        await asyncio.sleep(pause)
        waited, pause = waited + pause, min(pause * 2, 0.1)


def _take(account: Lockable, now: datetime) -> _Claim:
    if account.logins_in_flight and _stale(account.login_claimed_at, now):
        _count_failures(account, account.logins_in_flight, now)
        account.logins_in_flight = 0
    if is_locked(account, now):
        return _Claim.REFUSED
    if account.failed_logins + account.logins_in_flight >= MAX_FAILED_LOGINS:
        return _Claim.BUSY
    account.logins_in_flight += 1
    account.login_claimed_at = now
    return _Claim.TAKEN


async def _settle(repo: Repository[L], account_id: str, right: bool, now: datetime) -> L | None:
    """The claim becomes a failure, or (right password) the count and any lock are cleared.
    If this write keeps losing, the claim goes stale and counts as a failure then."""

    def settle(account: Lockable) -> _Claim:
        account.logins_in_flight = max(0, account.logins_in_flight - 1)
        if right:
            account.failed_logins, account.locked_until = 0, None
        elif not is_locked(account, now):  # failures while locked are not counted again
            _count_failures(account, 1, now)
        return _Claim.TAKEN

    return (await _write(repo, account_id, settle))[1]


def _count_failures(account: Lockable, failures: int, now: datetime) -> None:
    account.failed_logins += failures
    if account.failed_logins >= MAX_FAILED_LOGINS:
        account.failed_logins, account.locked_until = 0, now + LOCKOUT


def is_locked(account: Lockable, now: datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def _stale(claimed_at: datetime | None, now: datetime) -> bool:
    return claimed_at is None or claimed_at + STALE_CLAIM <= now


async def _write(
    repo: Repository[L], account_id: str, change: Callable[[L], _Claim]
) -> tuple[_Claim, L | None]:
    """Read the account, apply ``change`` and compare-and-set it (unless the answer is BUSY or
    REFUSED and nothing changed); re-read and decide again on a lost race."""

    async def attempt() -> tuple[_Claim, L | None]:
        account = await repo.get(account_id)
        if account is None:
            return _Claim.REFUSED, None
        before = (account.failed_logins, account.locked_until, account.logins_in_flight)
        answer = change(account)
        if (account.failed_logins, account.locked_until, account.logins_in_flight) != before:
            await repo.save(account)
        return answer, account

    async with repo.store.writing(repo.collection, account_id):
        try:
            return await with_retries(attempt, attempts=WRITE_ATTEMPTS)
        except VersionConflict:
            return _Claim.REFUSED, None
