"""What center staff look up at the window: the open cases, and one contract's case with what
still stops it from going to review (the same check submit makes, asked before submitting)."""

from __future__ import annotations

from dataclasses import dataclass

from signing_flow.deadlines import CITY_TZ
from signing_flow.errors import FieldProblem
from signing_flow.models import Contract
from signing_flow.ports import Ports
from signing_flow.repository import contracts
from signing_flow.roles import Actor, ensure_staff
from signing_flow.usecases.window import case_problems, get_window_contract, is_minor
from signing_flow.vocabulary import OrderPurpose

OPEN_CASE = {"window_case.purpose": {"$in": [p.value for p in OrderPurpose]}}


@dataclass(frozen=True)
class WindowCaseView:
    contract: Contract
    minors: frozenset[str]  # party ids of the parties under 18 today
    missing: list[FieldProblem]  # empty without a case, or once it is in review


async def list_window_cases(
    ports: Ports, actor: Actor, *, in_review: bool | None = None, limit: int = 100
) -> list[Contract]:
    """Contracts with an open window case, up to ``limit``: first those waiting for a decision,
    the longest waiting first (so that none drops off the end while newer cases are being
    prepared), then those still being prepared, the last touched first. ``in_review`` narrows
    to one of the two."""
    ensure_staff(actor)
    repo = contracts(ports.store)
    found: list[Contract] = []
    if in_review is not False:
        waiting = {**OPEN_CASE, "window_case.in_review": True}
        found += await repo.find(waiting, sort="updated_at", limit=limit)
    if in_review is not True and len(found) < limit:
        preparing = {**OPEN_CASE, "window_case.in_review": False}
        found += await repo.find(
            preparing, sort="updated_at", descending=True, limit=limit - len(found)
        )
    return found


async def view_window_case(ports: Ports, actor: Actor, contract_id: str) -> WindowCaseView:
    """The contract at the window: who is a minor, and what the case still lacks."""
    contract = await get_window_contract(ports, actor, contract_id)
    today = ports.clock.now().astimezone(CITY_TZ).date()
    case = contract.window_case
    minors = frozenset(
        p.id
        for p in contract.parties()
        if is_minor(p, today, case.appearance(p.id) if case else None)
    )
    missing = case_problems(contract, case, today) if case and not case.in_review else []
    return WindowCaseView(contract, minors, missing)
