"""Login, sessions and the first-login password change."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from backend.settings import Settings
from backend.storage import open_store
from signing_flow.repository import accounts
from tests.api.conftest import Api
from tests.conftest import FakeClock


async def test_login_returns_a_bearer_token_and_the_account(anonymous: Api) -> None:
    body = await anonymous.post(
        "/api/v1/auth/login", {"username": "agent_li", "password": "Wangqian2026"}
    )
    assert len(body["token"]) >= 43
    assert body["account"]["role"] == "practitioner"
    assert body["account"]["role_label"] == "从业人员"
    assert body["must_change_password"] is False


async def test_a_wrong_password_and_an_unknown_user_get_the_same_401(anonymous: Api) -> None:
    wrong = await anonymous.post(
        "/api/v1/auth/login", {"username": "agent_li", "password": "nope"}, expect=401
    )
    unknown = await anonymous.post(
        "/api/v1/auth/login", {"username": "nobody", "password": "nope"}, expect=401
    )
    assert wrong["error"]["code"] == unknown["error"]["code"] == "INVALID_CREDENTIALS"


async def test_a_request_without_a_token_gets_401(anonymous: Api) -> None:
    body = await anonymous.get("/api/v1/contracts", expect=401)
    assert body["error"]["code"] == "NOT_AUTHENTICATED"


async def test_a_made_up_token_gets_401(client: object, anonymous: Api) -> None:
    forged = Api(anonymous.client, "x" * 43)
    body = await forged.get("/api/v1/contracts", expect=401)
    assert body["error"]["code"] == "SESSION_INVALID"


async def test_logout_ends_the_session(agent: Api) -> None:
    await agent.call("POST", "/api/v1/auth/logout", expect=204)
    await agent.get("/api/v1/contracts", expect=401)


async def test_a_session_expires_after_its_lifetime(agent: Api, clock: FakeClock) -> None:
    await agent.get("/api/v1/contracts")
    clock.advance(hours=12, seconds=1)
    await agent.get("/api/v1/contracts", expect=401)


async def test_the_initial_password_blocks_everything_but_changing_it(anonymous: Api) -> None:
    new = await anonymous.login("agent_new", "123456")
    body = await new.get("/api/v1/contracts", expect=403)
    assert body["error"]["code"] == "PASSWORD_CHANGE_REQUIRED"
    await new.post(
        "/api/v1/auth/password", {"old_password": "123456", "new_password": "Better2026"}
    )
    await new.get("/api/v1/contracts")
    again = await anonymous.login("agent_new", "Better2026")
    assert (await again.get("/api/v1/auth/me"))["must_change_password"] is False


async def test_a_weak_new_password_is_refused_with_every_reason(anonymous: Api) -> None:
    new = await anonymous.login("agent_new", "123456")
    body = await new.post(
        "/api/v1/auth/password", {"old_password": "wrong", "new_password": "abc"}, expect=422
    )
    codes = {(f["path"], f["code"]) for f in body["error"]["details"]["fields"]}
    assert codes == {
        ("old_password", "MISMATCH"),
        ("new_password", "TOO_SHORT"),
        ("new_password", "TOO_SIMPLE"),
    }


async def test_changing_the_password_ends_the_other_sessions(anonymous: Api) -> None:
    first = await anonymous.login("agent_wang")
    second = await anonymous.login("agent_wang")
    await second.post(
        "/api/v1/auth/password", {"old_password": "Wangqian2026", "new_password": "Changed2026"}
    )
    await first.get("/api/v1/contracts", expect=401)
    await second.get("/api/v1/contracts")


async def test_five_wrong_passwords_lock_the_account_for_15_minutes(
    anonymous: Api, clock: FakeClock
) -> None:
    for _ in range(5):
        await anonymous.post(
            "/api/v1/auth/login", {"username": "agent_li", "password": "bad"}, expect=401
        )
    body = await anonymous.post(
        "/api/v1/auth/login", {"username": "agent_li", "password": "Wangqian2026"}, expect=401
    )
    assert body["error"]["code"] == "INVALID_CREDENTIALS"  # locked, answered as a wrong password
    clock.advance(minutes=15)
    await anonymous.login("agent_li")


async def test_a_logout_in_one_process_is_refused_at_once_by_another_that_served_it(
    agent: Api, other_process: TestClient[Any, Any]
) -> None:
    elsewhere = Api(other_process, agent.token)
    await elsewhere.get("/api/v1/contracts")
    await agent.call("POST", "/api/v1/auth/logout", expect=204)
    body = await elsewhere.get("/api/v1/contracts", expect=401)
    assert body["error"]["code"] == "SESSION_INVALID"


async def test_a_disabled_account_is_refused_at_once_by_a_process_that_served_it(
    anonymous: Api, other_process: TestClient[Any, Any], settings: Settings
) -> None:
    agent = await anonymous.login("agent_li")
    elsewhere = Api(other_process, agent.token)
    await elsewhere.get("/api/v1/contracts")
    async with open_store(settings.store_url) as store:  # the account alone, sessions untouched
        account = await accounts(store).get("acct-agent_li")
        assert account is not None
        account.disabled = True
        await accounts(store).save(account)
    body = await elsewhere.get("/api/v1/contracts", expect=401)
    assert body["error"]["code"] == "ACCOUNT_DISABLED"
