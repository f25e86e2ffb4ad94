"""The few shapes a rule's refusal takes, shared by the sale contract's rule modules
(``sale_rules``, ``payment_rules``) so that the same kind of problem reads the same everywhere:
a Chinese message for the agent, a short English one in parentheses for integrators."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from signing_flow.errors import FieldProblem
from signing_flow.validators import check_visible_text

NAME_MAX_CHARS = 64  # a name printed in the contract: an ancillary item's, an annex's


def required(path: str, label: str) -> FieldProblem:
    return FieldProblem(path, "REQUIRED", f"必填：{label} (required)")


def not_applicable(path: str, why: str, english: str) -> FieldProblem:
    return FieldProblem(path, "NOT_APPLICABLE", f"{why} ({english})")


def out_of_range(path: str, bounds: str, english: str) -> FieldProblem:
    """A number outside a rule's bounds; ``bounds`` says them in Chinese."""
    return FieldProblem(path, "OUT_OF_RANGE", f"{bounds} ({english})")


def invalid_amount(path: str, label: str, *, zero_allowed: bool) -> FieldProblem:
    """An amount below what any amount of its kind may be: negative, or 0 where it must be paid."""
    bound = ("不能为负数", "must not be negative") if zero_allowed else ("须大于 0", "must be > 0")
    return FieldProblem(path, "INVALID", f"{label}{bound[0]} ({bound[1]})")


def choice(path: str, value: str | None, allowed: Iterable[str], label: str) -> list[FieldProblem]:
    """A stored enum value: present and one of ``allowed`` (the label tables' keys, enum
    members: named by their plain values, as ``terms.values`` names them)."""
    names = sorted(str(v) for v in allowed)
    if value is None:
        return [FieldProblem(path, "REQUIRED", f"必填：{label} (one of {', '.join(names)})")]
    if value not in names:
        return [FieldProblem(path, "INVALID", f"{label}的取值无效 (one of {', '.join(names)})")]
    return []


def text(
    path: str, value: str | None, label: str, max_chars: int, *, multiline: bool = False
) -> list[FieldProblem]:
    """Text a person reads in the signed contract: at most ``max_chars`` characters, and nothing
    that prints as nothing or turns the text around (``validators.check_visible_text``: control
    characters — line breaks allowed when ``multiline`` —, bidi and zero-width marks). Whether
    it is required is the caller's rule."""
    if value is None:
        return []
    problems = []
    if len(value) > max_chars:
        problems.append(
            FieldProblem(
                path, "TOO_LONG", f"{label}不能超过 {max_chars} 个字符 (at most {max_chars})"
            )
        )
    if reason := check_visible_text(value, multiline=multiline):
        problems.append(FieldProblem(path, "INVALID", f"{label}含有不可见字符 ({reason})"))
    return problems


def too_many(path: str, count: int, most: int, label: str) -> list[FieldProblem]:
    if count <= most:
        return []
    return [FieldProblem(path, "TOO_MANY", f"{label}最多 {most} 项 (at most {most}, got {count})")]


def in_the_past(path: str, value: date | None, today: date, label: str) -> list[FieldProblem]:
    if value is None or value >= today:
        return []
    return [FieldProblem(path, "IN_THE_PAST", f"{label}不能早于今天 (in the past)")]
