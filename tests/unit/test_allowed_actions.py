"""What a contract, an agency and a practitioner offer each caller in each state: only what that
caller can take now."""

from __future__ import annotations

import itertools

import pytest

from signing_flow.roles import Role
from signing_flow.states import agency_offers, offers, practitioner_offers
from signing_flow.vocabulary import (
    AgencyStatus,
    Channel,
    ContractStatus,
    OrderStatus,
    PractitionerStatus,
)

S = ContractStatus
ONLINE, OFFLINE = Channel.ONLINE, Channel.OFFLINE
AGENT, STAFF, ADMIN = Role.PRACTITIONER, Role.CENTER_STAFF, Role.AGENCY_ADMIN
INTERNAL = {"all_signed", "order_expired", "order_failed", "order_cancelled", "purge"}
INTERNAL |= {"window_intake"}


def offered(
    status: ContractStatus,
    role: Role,
    channel: Channel = ONLINE,
    filed_via: Channel | None = None,
    open_order: OrderStatus | None = None,
) -> list[str]:
    return offers(status, role, channel=channel, filed_via=filed_via, open_order=open_order)


CASES = [
    (S.DRAFT, ONLINE, None, None, ["delete", "edit", "submit"], []),
    (S.DRAFT, OFFLINE, None, None, ["delete", "edit", "submit"], []),
    (S.SUBMITTED, ONLINE, None, None, ["create_order", "delete", "edit"], []),
    # an offline contract is signed at the window: no order; staff's intake is a case
    (S.SUBMITTED, OFFLINE, None, None, ["delete", "edit"], []),
    (S.SIGNING, ONLINE, None, OrderStatus.AWAITING_SIGNATURES, ["delete"], []),
    (S.SIGNED, ONLINE, None, OrderStatus.COMPLETED, ["file"], []),
    (S.WINDOW_REVIEW, OFFLINE, None, None, [], ["approve", "reject"]),
    # a contract is cancelled the way it was filed
    (S.FILED, ONLINE, ONLINE, None, ["request_cancellation"], []),
    (S.FILED, OFFLINE, OFFLINE, None, [], ["window_cancel"]),
    # 注销中: the cancellation order is generated, signed, then submitted
    (S.CANCELLING, ONLINE, ONLINE, None, ["create_order"], []),
    (S.CANCELLING, ONLINE, ONLINE, OrderStatus.AWAITING_SIGNATURES, [], []),
    (S.CANCELLING, ONLINE, ONLINE, OrderStatus.COMPLETED, ["cancel"], []),
    (S.CANCELLED, ONLINE, ONLINE, None, [], []),
    (S.CANCELLED, OFFLINE, OFFLINE, None, [], []),
    (S.DELETED, ONLINE, None, None, [], []),
]


@pytest.mark.parametrize(("status", "channel", "filed_via", "open_order", "agent", "staff"), CASES)
def test_each_state_offers_the_agent_and_staff_what_they_can_take(
    status: ContractStatus,
    channel: Channel,
    filed_via: Channel | None,
    open_order: OrderStatus | None,
    agent: list[str],
    staff: list[str],
) -> None:
    assert offered(status, AGENT, channel, filed_via, open_order) == agent
    assert offered(status, STAFF, channel, filed_via, open_order) == staff


def test_every_state_has_a_case_above() -> None:
    assert {case[0] for case in CASES} == set(ContractStatus)


def test_internal_transitions_and_other_roles_are_never_offered() -> None:
    for status, role, channel, filed_via, order in itertools.product(
        ContractStatus, Role, Channel, [None, *Channel], [None, *OrderStatus]
    ):
        actions = offered(status, role, channel, filed_via, order)
        assert not INTERNAL & set(actions)
        if role not in (AGENT, STAFF):
            assert actions == []  # agency admins read; parties and jobs act elsewhere


# ---- agencies and practitioners ------------------------------------------------------------

A, P = AgencyStatus, PractitionerStatus
MANAGED = ["disable", "enable", "remove", "reset_password"]

AGENCY_CASES = [
    (A.INCOMPLETE, ["edit", "submit"], []),
    (A.SUBMITTED, [], ["approve", "reject"]),
    (A.REJECTED, ["edit", "submit"], []),
    (A.APPROVED, [], []),
]


@pytest.mark.parametrize(("status", "admin", "staff"), AGENCY_CASES)
def test_each_agency_state_offers_its_admin_and_staff_their_own_steps(
    status: AgencyStatus, admin: list[str], staff: list[str]
) -> None:
    assert agency_offers(status, ADMIN) == admin
    assert agency_offers(status, STAFF) == staff
    for role in (AGENT, Role.PARTY, Role.SYSTEM):
        assert agency_offers(status, role) == []


PRACTITIONER_CASES = [
    (P.DRAFT, ["edit", "remove", "submit"], ["remove"]),
    (P.SUBMITTED, [], ["approve", "reject"]),
    (P.REJECTED, ["edit", "remove", "submit"], ["remove"]),
    (P.APPROVED, MANAGED, MANAGED),
    (P.REMOVED, [], []),
]


@pytest.mark.parametrize(("status", "admin", "staff"), PRACTITIONER_CASES)
def test_each_practitioner_state_offers_admin_and_staff_their_own_steps(
    status: PractitionerStatus, admin: list[str], staff: list[str]
) -> None:
    assert practitioner_offers(status, ADMIN, account_disabled=None) == admin
    assert practitioner_offers(status, STAFF, account_disabled=None) == staff
    for role in (AGENT, Role.PARTY, Role.SYSTEM):  # a practitioner reads its own record only
        assert practitioner_offers(status, role, account_disabled=None) == []


def test_every_agency_and_practitioner_state_has_a_case_above() -> None:
    assert {case[0] for case in AGENCY_CASES} == set(AgencyStatus)
    assert {case[0] for case in PRACTITIONER_CASES} == set(PractitionerStatus)


@pytest.mark.parametrize("role", [ADMIN, STAFF])
def test_an_approved_login_is_offered_the_switch_that_changes_it(role: Role) -> None:
    enabled = practitioner_offers(P.APPROVED, role, account_disabled=False)
    disabled = practitioner_offers(P.APPROVED, role, account_disabled=True)
    assert enabled == ["disable", "remove", "reset_password"]
    assert disabled == ["enable", "remove", "reset_password"]
