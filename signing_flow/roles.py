"""Who may do what, checked inside the use cases (guide §1.1: agency accounts manage, they
never do net-sign work; practitioners do; center staff review and run the window)."""

from __future__ import annotations

from signing_flow.errors import Forbidden
from signing_flow.models import Actor, Role


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
