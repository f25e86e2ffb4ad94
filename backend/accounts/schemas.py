"""Request and response bodies of the accounts: login, password change, the current account, and
the binding and login through the unified identity platform."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from backend.shared_schemas import Body
from signing_flow.models import Account
from signing_flow.roles import ROLE_LABELS


class LoginRequest(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PasswordChangeRequest(Body):
    old_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class UnifiedBindingRequest(Body):
    """关联本地用户: the unified account's login, then the net-sign account's."""

    unified_username: str = Field(min_length=1, max_length=64)
    unified_password: str = Field(min_length=1, max_length=256)
    username: str = Field(min_length=1, max_length=64, description="网签账号名")
    password: str = Field(min_length=1, max_length=256, description="网签密码（初始密码 123456）")


class UnifiedLoginRequest(Body):
    username: str = Field(min_length=1, max_length=64, description="统一认证账号名")
    password: str = Field(min_length=1, max_length=256)


class AccountOut(BaseModel):
    id: str
    username: str
    role: str
    role_label: str
    display_name: str
    agency_id: str | None
    must_change_password: bool

    @classmethod
    def of(cls, a: Account) -> AccountOut:
        return cls(
            id=a.id,
            username=a.username,
            role=a.role.value,
            role_label=ROLE_LABELS[a.role],
            display_name=a.display_name,
            agency_id=a.agency_id,
            must_change_password=a.must_change_password,
        )


class LoginResponse(BaseModel):
    token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: datetime
    must_change_password: bool
    account: AccountOut
