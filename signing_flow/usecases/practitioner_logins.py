"""A practitioner's net-sign login (guide §1.3 (二)): made on approval with a numbered name and
a random initial password sent by SMS, and its sessions ended when it is disabled or reset."""

from __future__ import annotations

import secrets

from signing_flow.agency_models import Practitioner
from signing_flow.errors import AlreadyExists, DependencyUnavailable, DuplicateKey
from signing_flow.models import Account
from signing_flow.ports import Ports
from signing_flow.repository import accounts, sessions, with_retries
from signing_flow.roles import Role
from signing_flow.secrets import new_id

USERNAME_PREFIX = "cy"  # 从业: practitioner logins are cy000001, cy000002, …
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def new_initial_password(length: int = 10) -> str:
    """A random initial password (letters and digits, no look-alikes such as O/0, l/1)."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


async def create_login(ports: Ports, practitioner: Practitioner, password: str) -> Account:
    password_hash = await ports.passwords.hash(password)
    for _ in range(5):
        number = await ports.store.next_sequence("practitioner_username")
        account = Account(
            id=new_id(),
            username=f"{USERNAME_PREFIX}{number:06d}",
            role=Role.PRACTITIONER,
            display_name=practitioner.name,
            password_hash=password_hash,
            agency_id=practitioner.agency_id,
            must_change_password=True,
        )
        try:
            await accounts(ports.store).insert(account)
            return account
        except DuplicateKey:
            continue  # the generated name was taken by hand: take the next number
    raise AlreadyExists("无法生成登录账号名 (no free username)", code="USERNAME_TAKEN")


async def send_password(
    ports: Ports, practitioner: Practitioner, username: str, password: str, *, purpose: str
) -> bool:
    opening = "账号已开通" if purpose == "practitioner_login" else "密码已重置"
    text = (
        f"【中山市存量房网签】{practitioner.name}您好，您的从业人员网签{opening}。"
        f"登录账号：{username}，初始密码：{password}。首次登录须修改密码，请勿告知他人。"
    )
    try:
        await ports.sms.send(practitioner.phone, text, purpose=purpose)
    except DependencyUnavailable:
        return False
    return True


async def revoke_sessions(ports: Ports, account_id: str) -> None:
    repo = sessions(ports.store)
    for session in await repo.find({"account_id": account_id, "revoked": False}):

        async def revoke(session_id: str = session.id) -> None:
            current = await repo.get(session_id)
            if current is not None and not current.revoked:
                current.revoked = True
                await repo.save(current)

        await with_retries(revoke)
