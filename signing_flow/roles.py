"""Who acts, and who may do what, checked inside the use cases (guide §1.1: agency accounts
manage, they never do net-sign work; practitioners do; center staff review and run the window).

``Actor`` lives here rather than in ``models`` because the audit trail records it and the
aggregates' modules import the audit module."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from signing_flow.errors import Forbidden


class Role(StrEnum):
    PRACTITIONER = "practitioner"  # 从业人员: drafts and signs contracts
    AGENCY_ADMIN = "agency_admin"  # 中介机构账号: manages practitioners, reads all agency contracts
    CENTER_STAFF = "center_staff"  # 交易管理事务中心: review and window paths
    PARTY = "party"  # a buyer or seller in the mini-program
    SYSTEM = "system"  # scheduled jobs


ROLE_LABELS = {
    Role.PRACTITIONER: "从业人员",
    Role.AGENCY_ADMIN: "中介机构",
    Role.CENTER_STAFF: "交易中心工作人员",
    Role.PARTY: "买卖双方当事人",
    Role.SYSTEM: "系统",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from where (for the audit trail)."""

    account_id: str
    role: Role
    agency_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None


SYSTEM_ACTOR = Actor(account_id="system", role=Role.SYSTEM)


def ensure_role(actor: Actor, role: Role, message: str) -> None:
    if actor.role is not role:
        raise Forbidden(message, code="ROLE_NOT_ALLOWED")


def ensure_practitioner(actor: Actor) -> None:
    ensure_role(
        actor,
        Role.PRACTITIONER,
        "只有从业人员账号可以办理网签 (only practitioner accounts do net-sign work)",
    )


def ensure_agency_admin(actor: Actor) -> None:
    ensure_role(actor, Role.AGENCY_ADMIN, "只有中介机构账号可以办理 (agency accounts only)")


def ensure_staff(actor: Actor) -> None:
    ensure_role(actor, Role.CENTER_STAFF, "只有交易中心工作人员可以办理 (center staff only)")
