"""Every aggregate's transition table, each declared once and run by one ``StateMachine``, and
what a caller is offered in a state (``offers``, ``agency_offers``, ``practitioner_offers``: the
API's ``allowed_actions``).

Nothing assigns a status but ``StateMachine.apply``, called from the aggregates' methods
(``Contract.apply``, ``SigningOrder.apply``, …). DESIGN §4.
"""

from __future__ import annotations

from signing_flow.roles import Role
from signing_flow.statemachine import StateMachine, StepMachine
from signing_flow.vocabulary import (
    AGENCY_LABELS,
    CONTRACT_LABELS,
    ORDER_LABELS,
    PARTY_LABELS,
    PRACTITIONER_LABELS,
    SUPERVISION_LABELS,
    Channel,
)
from signing_flow.vocabulary import AgencyAction as AA
from signing_flow.vocabulary import AgencyStatus as A
from signing_flow.vocabulary import ContractAction as C
from signing_flow.vocabulary import ContractStatus as S
from signing_flow.vocabulary import OrderAction as OA
from signing_flow.vocabulary import OrderStatus as O
from signing_flow.vocabulary import PartyAction as PA
from signing_flow.vocabulary import PartyStep as P
from signing_flow.vocabulary import PractitionerAction as PSA
from signing_flow.vocabulary import PractitionerStatus as PS
from signing_flow.vocabulary import SupervisionAction as SA
from signing_flow.vocabulary import SupervisionStatus as SS

# ---- contracts -------------------------------------------------------------------------------

CONTRACT_TRANSITIONS: dict[S, dict[C, S]] = {
    S.DRAFT: {C.EDIT: S.DRAFT, C.SUBMIT: S.SUBMITTED, C.DELETE: S.DELETED, C.PURGE: S.DELETED},
    S.SUBMITTED: {
        C.EDIT: S.DRAFT,
        C.CREATE_ORDER: S.SIGNING,
        C.WINDOW_INTAKE: S.WINDOW_REVIEW,
        C.DELETE: S.DELETED,
        C.PURGE: S.DELETED,
    },
    S.SIGNING: {
        C.ORDER_CANCELLED: S.DRAFT,
        C.ORDER_EXPIRED: S.SUBMITTED,
        C.ORDER_FAILED: S.SUBMITTED,
        C.ALL_SIGNED: S.SIGNED,
        C.DELETE: S.DELETED,
        C.PURGE: S.DELETED,
    },
    S.SIGNED: {C.FILE: S.FILED},
    S.WINDOW_REVIEW: {C.APPROVE: S.FILED, C.REJECT: S.SUBMITTED},
    S.FILED: {C.REQUEST_CANCELLATION: S.CANCELLING, C.WINDOW_CANCEL: S.CANCELLED},
    S.CANCELLING: {
        C.ORDER_CANCELLED: S.FILED,
        C.ORDER_EXPIRED: S.FILED,
        C.ORDER_FAILED: S.FILED,
        C.ALL_SIGNED: S.CANCELLING,
        C.CANCEL: S.CANCELLED,
    },
    S.CANCELLED: {},
    S.DELETED: {},
}
CONTRACT = StateMachine(
    CONTRACT_TRANSITIONS,
    CONTRACT_LABELS,
    subject=("合同", "the contract"),
    code="CONTRACT_STATE_CONFLICT",
)

# A contract in these states keeps its property: nobody else may contract it.
ACTIVE_STATUSES = frozenset(
    {S.DRAFT, S.SUBMITTED, S.SIGNING, S.SIGNED, S.FILED, S.WINDOW_REVIEW, S.CANCELLING}
)
# The guide's automatic deletion applies only before the contract is e-signed or filed.
PURGEABLE_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.SIGNING})

# Who takes which action; the rest (all_signed, order_*, purge, and window_intake, which
# submitting a window case does) happen to the contract and are never offered.
_TAKEN_BY: dict[Role, frozenset[C]] = {
    Role.PRACTITIONER: frozenset(
        {C.EDIT, C.SUBMIT, C.DELETE, C.CREATE_ORDER, C.FILE, C.REQUEST_CANCELLATION, C.CANCEL}
    ),
    Role.CENTER_STAFF: frozenset({C.APPROVE, C.REJECT, C.WINDOW_CANCEL}),
}


def offers(
    status: S,
    role: Role,
    *,
    channel: Channel,
    filed_via: Channel | None,
    open_order: O | None,
) -> list[str]:
    """The contract actions a caller of ``role`` can take now, sorted: the table's, narrowed by
    who takes them and by the rules that would refuse them (an offline contract is not signed
    online; a contract is cancelled the way it was filed; the cancellation order's own steps
    while 注销中). Agency admins read contracts, they never act on them."""
    own = _TAKEN_BY.get(role, frozenset())
    actions = {a for a in CONTRACT_TRANSITIONS[status] if a in own}
    if channel is not Channel.ONLINE:
        actions.discard(C.CREATE_ORDER)
    if filed_via is not Channel.ONLINE:
        actions.discard(C.REQUEST_CANCELLATION)
    if filed_via is not Channel.OFFLINE:
        actions.discard(C.WINDOW_CANCEL)
    if status is S.CANCELLING:
        # the cancellation order: generated while there is none, submitted once complete
        actions.discard(C.CANCEL)
        if C.CANCEL in own and open_order is None:
            actions.add(C.CREATE_ORDER)
        elif C.CANCEL in own and open_order is O.COMPLETED:
            actions.add(C.CANCEL)
    return sorted(actions)


# ---- signing orders --------------------------------------------------------------------------

ORDER_TRANSITIONS: dict[O, dict[OA, O]] = {
    O.AWAITING_SIGNATURES: {
        OA.ALL_SIGNED: O.COMPLETED,
        OA.CANCEL: O.CANCELLED,
        OA.EXPIRE: O.EXPIRED,
        OA.DECLINE: O.DECLINED,
        OA.LOCK_OUT: O.FAILED,
    },
    # cancel: only a cancellation order the registry no longer lets be submitted (the use case
    # refuses it for a filing order, whose contract is already 已完成签字)
    O.COMPLETED: {OA.SUBMIT: O.SUBMITTED, OA.CANCEL: O.CANCELLED},
    O.SUBMITTED: {},
    O.CANCELLED: {},
    O.EXPIRED: {},
    O.DECLINED: {},
    O.FAILED: {},
}
# The order actions an agent can call; the others happen to the order (signatures, expiry).
AGENT_ORDER_ACTIONS = frozenset({OA.CANCEL, OA.SUBMIT})
ORDER = StateMachine(
    ORDER_TRANSITIONS,
    ORDER_LABELS,
    subject=("电子合同订单", "the order"),
    code="ORDER_STATE_CONFLICT",
    offered=AGENT_ORDER_ACTIONS,
)

# What the contract does when its order ends this way.
CONTRACT_ACTION_FOR_ORDER_END = {
    O.CANCELLED: C.ORDER_CANCELLED,
    O.EXPIRED: C.ORDER_EXPIRED,
    O.DECLINED: C.ORDER_FAILED,
    O.FAILED: C.ORDER_FAILED,
}

# ---- a party's steps inside an order ---------------------------------------------------------

# Strictly in this order; decline and lock-out from any step before signing.
PARTY_TRANSITIONS: dict[P, dict[PA, P]] = {
    P.PENDING: {PA.OPEN: P.OPENED, PA.DECLINE: P.DECLINED},
    P.OPENED: {PA.REVIEW: P.REVIEWED, PA.DECLINE: P.DECLINED},
    P.REVIEWED: {PA.CONFIRM: P.CONFIRMED, PA.DECLINE: P.DECLINED},
    P.CONFIRMED: {
        PA.POLICE_VERIFICATION: P.IDENTITY_VERIFIED,
        PA.DECLINE: P.DECLINED,
        PA.LOCK_OUT: P.LOCKED,
    },
    P.IDENTITY_VERIFIED: {PA.AUTHORIZE: P.SIGNED, PA.DECLINE: P.DECLINED, PA.LOCK_OUT: P.LOCKED},
    P.SIGNED: {},
    P.DECLINED: {},
    P.LOCKED: {},
}
# The next thing the party does, by step (what an out-of-order call is told to do instead).
NEXT_STEP: dict[P, PA | None] = {
    P.PENDING: PA.OPEN,
    P.OPENED: PA.REVIEW,
    P.REVIEWED: PA.CONFIRM,
    P.CONFIRMED: PA.POLICE_VERIFICATION,
    P.IDENTITY_VERIFIED: PA.AUTHORIZE,
    P.SIGNED: None,
    P.DECLINED: None,
    P.LOCKED: None,
}
PARTY = StepMachine(PARTY_TRANSITIONS, PARTY_LABELS, NEXT_STEP, code="OUT_OF_ORDER", field="step")

# ---- fund supervision (资金监管) with a bank -------------------------------------------------

# Moved by the bank's notices (and the status job); a final state stays, whatever arrives late.
# A new application replaces a rejected, cancelled or expired one (``usecases.fund_supervision``).
SUPERVISION_TRANSITIONS: dict[SS, dict[SA, SS]] = {
    SS.PENDING: {
        SA.SIGN: SS.SIGNED,
        SA.REJECT: SS.REJECTED,
        SA.CANCEL: SS.CANCELLED,
        SA.EXPIRE: SS.EXPIRED,
    },
    SS.SIGNED: {SA.CANCEL: SS.CANCELLED},
    SS.REJECTED: {},
    SS.CANCELLED: {},
    SS.EXPIRED: {},
}
SUPERVISION = StateMachine(
    SUPERVISION_TRANSITIONS,
    SUPERVISION_LABELS,
    subject=("资金监管", "the fund supervision"),
    code="SUPERVISION_STATE_CONFLICT",
)

# ---- agency accounts and practitioners (guide §1.2, §1.3) ------------------------------------

# The enterprise information check. "edit" covers the information and the materials; a rejected
# agency stays rejected (with the reason on show) until it submits again.
AGENCY_TRANSITIONS: dict[A, dict[AA, A]] = {
    A.INCOMPLETE: {AA.EDIT: A.INCOMPLETE, AA.SUBMIT: A.SUBMITTED},
    A.SUBMITTED: {AA.APPROVE: A.APPROVED, AA.REJECT: A.REJECTED},
    A.REJECTED: {AA.EDIT: A.REJECTED, AA.SUBMIT: A.SUBMITTED},
    A.APPROVED: {},
}
AGENCY = StateMachine(
    AGENCY_TRANSITIONS,
    AGENCY_LABELS,
    subject=("企业信息核查", "the agency"),
    code="AGENCY_STATE_CONFLICT",
)

# The agency's admin fills in and submits its own information; staff review it (guide §1.2).
_AGENCY_TAKEN_BY: dict[Role, frozenset[AA]] = {
    Role.AGENCY_ADMIN: frozenset({AA.EDIT, AA.SUBMIT}),
    Role.CENTER_STAFF: frozenset({AA.APPROVE, AA.REJECT}),
}


def agency_offers(status: A, role: Role) -> list[str]:
    """An agency's ``allowed_actions`` for a caller of ``role`` (the agency's own admin or staff:
    nobody else sees it), sorted."""
    own = _AGENCY_TAKEN_BY.get(role, frozenset())
    return sorted(a for a in AGENCY_TRANSITIONS[status] if a in own)


# Actions that keep the status (disable, enable, reset_password) are listed so that the table
# says where they are allowed; they change the practitioner's account, not this record.
PRACTITIONER_TRANSITIONS: dict[PS, dict[PSA, PS]] = {
    PS.DRAFT: {PSA.EDIT: PS.DRAFT, PSA.SUBMIT: PS.SUBMITTED, PSA.REMOVE: PS.REMOVED},
    PS.SUBMITTED: {PSA.APPROVE: PS.APPROVED, PSA.REJECT: PS.REJECTED},
    PS.REJECTED: {PSA.EDIT: PS.REJECTED, PSA.SUBMIT: PS.SUBMITTED, PSA.REMOVE: PS.REMOVED},
    PS.APPROVED: {
        PSA.DISABLE: PS.APPROVED,
        PSA.ENABLE: PS.APPROVED,
        PSA.RESET_PASSWORD: PS.APPROVED,
        PSA.REMOVE: PS.REMOVED,
    },
    PS.REMOVED: {},
}
PRACTITIONER = StateMachine(
    PRACTITIONER_TRANSITIONS,
    PRACTITIONER_LABELS,
    subject=("从业人员", "the practitioner"),
    code="PRACTITIONER_STATE_CONFLICT",
)

# The agency's admin prepares and submits an application and staff review it; the login and the
# membership (disable, enable, reset the password, remove) are managed by either (guide §1.3).
_MANAGED = frozenset({PSA.DISABLE, PSA.ENABLE, PSA.RESET_PASSWORD, PSA.REMOVE})
_PRACTITIONER_TAKEN_BY: dict[Role, frozenset[PSA]] = {
    Role.AGENCY_ADMIN: frozenset({PSA.EDIT, PSA.SUBMIT}) | _MANAGED,
    Role.CENTER_STAFF: frozenset({PSA.APPROVE, PSA.REJECT}) | _MANAGED,
}


def practitioner_offers(status: PS, role: Role, *, account_disabled: bool | None) -> list[str]:
    """A practitioner's ``allowed_actions`` for a caller of ``role``, sorted: a practitioner
    reading its own record is offered nothing. Of disable and enable only the one that changes
    the login is offered, when it is known (``account_disabled``)."""
    own = _PRACTITIONER_TAKEN_BY.get(role, frozenset())
    actions = {a for a in PRACTITIONER_TRANSITIONS[status] if a in own}
    if account_disabled is not None:
        actions.discard(PSA.ENABLE if not account_disabled else PSA.DISABLE)
    return sorted(actions)
