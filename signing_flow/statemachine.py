"""The one state machine every aggregate's transition table runs on.

A machine holds a table ``state → {action: next state}`` and the Chinese labels of the states.
``apply`` is the only code that assigns a state: the aggregates' methods call it and add their
own side effects (timestamps, version, audit event). A refused action raises the 409 the API
answers with: the current state, its label and the actions allowed instead.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from enum import StrEnum
from typing import Any, Generic, TypeVar

from signing_flow.errors import InvalidState

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


class StateMachine(Generic[S, A]):
    def __init__(
        self,
        table: Mapping[S, Mapping[A, S]],
        labels: Mapping[S, str],
        *,
        subject: tuple[str, str],
        code: str,
        field: str = "status",
        offered: Collection[A] | None = None,
    ) -> None:
        """``subject`` names the record in a refusal (中文, English); ``code`` is the refusal's
        error code; ``field`` the attribute holding the state; ``offered`` the actions a refusal
        lists as allowed (default: every action of the state)."""
        assert set(table) == set(labels), "every state has a row and a label"
        self.table = table
        self.labels = labels
        self.subject = subject
        self.code = code
        self.field = field
        self.offered = offered

    def actions(self, state: S) -> list[str]:
        """The actions ``state`` allows, sorted, offered ones only."""
        return sorted(a for a in self.table[state] if self.offered is None or a in self.offered)

    def is_final(self, state: S) -> bool:
        return not self.table[state]

    def ensure(self, state: S, action: A, allowed: Callable[[], list[str]] | None = None) -> S:
        """The state ``action`` leads to, or the refusal. ``allowed`` gives the actions to name
        in the refusal when the caller knows better than the table (see ``offers``)."""
        target = self.table[state].get(action)
        if target is None:
            raise self.refusal(state, action, allowed() if allowed else self.actions(state))
        return target

    def apply(self, record: Any, action: A, allowed: Callable[[], list[str]] | None = None) -> S:
        """Move ``record`` along the table; returns the state it left."""
        previous: S = getattr(record, self.field)
        setattr(record, self.field, self.ensure(previous, action, allowed))
        return previous

    def refusal(self, state: S, action: str, allowed: list[str]) -> InvalidState:
        zh, en = self.subject
        label = self.labels[state]
        return InvalidState(
            f"{zh}当前状态为「{label}」，不能执行 {action} "
            f"({en} is {state.value}; {action} is not allowed)",
            current=state.value,
            allowed=allowed,
            code=self.code,
            extra={"current_state_label": label},
        )


class StepMachine(StateMachine[S, A]):
    """Steps taken strictly in order: a refusal names the one step to take next."""

    def __init__(
        self,
        table: Mapping[S, Mapping[A, S]],
        labels: Mapping[S, str],
        next_step: Mapping[S, A | None],
        *,
        code: str,
        field: str,
    ) -> None:
        super().__init__(table, labels, subject=("", ""), code=code, field=field)
        self.next_step = next_step

    def actions(self, state: S) -> list[str]:
        nxt = self.next_step[state]
        return [nxt.value] if nxt else []

    def refusal(self, state: S, action: str, allowed: list[str]) -> InvalidState:
        nxt = self.next_step[state]
        label = self.labels[state]
        return InvalidState(
            f"当前步骤为「{label}」，"
            + (f"下一步应为 {nxt}" if nxt else "无需再操作")
            + f" (step is {state.value}; next: {nxt or 'nothing'})",
            current=state.value,
            allowed=[nxt.value] if nxt else [],
            code=self.code,
            extra={"next_step": nxt.value if nxt else None, "current_state_label": label},
        )
