"""Password lock-out: the rules every login with a password follows (DESIGN §9), the net-sign
login's and the unified identity platform's alike."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from signing_flow.repository import Repository, Versioned
from signing_flow.secrets import hash_password, verify_password

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
_DUMMY_HASH = hash_password("not-a-password")


class Lockable(Versioned, Protocol):
    failed_logins: int
    locked_until: datetime | None


L = TypeVar("L", bound=Lockable)


def verify_for_unknown_user(password: str) -> None:
    """Verify against a real hash when the username is unknown: both answers are then equally
    slow, so response time does not tell which usernames exist."""
    verify_password(password, _DUMMY_HASH)


async def count_failed_login(repo: Repository[L], account_id: str, now: datetime) -> None:
    """One more wrong password; the fifth locks the account for 15 minutes."""
    account = await repo.get(account_id)
    if account is None:
        return
    account.failed_logins += 1
    if account.failed_logins >= MAX_FAILED_LOGINS:
        account.failed_logins = 0
        account.locked_until = now + LOCKOUT
    await repo.save(account)
