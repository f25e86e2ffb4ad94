"""docs/contract.md lists every field of the contract body and every allowed value with its
label, the error codes the rules give and the bounds they hold; docs/getting-started.md's
contract body is the demo's valid one: all stay true as the models and the rules change."""

from __future__ import annotations

import ast
import json
import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from backend.contracts.schemas import ContractCreateRequest
from backend.demo import contract_terms
from signing_flow import sale_terms as st
from signing_flow.chinese_numerals import small_number
from signing_flow.field_checks import NAME_MAX_CHARS
from signing_flow.payment_rules import DEPOSIT_CAP_BP
from signing_flow.property_rules import ANCILLARIES_MAX
from signing_flow.sale_rules import (
    ANNEX_TEXT_MAX_CHARS,
    ANNEXES_MAX,
    DAILY_RATE_MAX_BP,
    DAILY_RATE_MIN_BP,
    FIXED_PENALTY_CAP_BP,
    SUPPLEMENTARY_MAX_CHARS,
    TERMINATE_AFTER_DAYS_MAX,
    TERMINATE_AFTER_DAYS_MIN,
)
from signing_flow.terms import (
    BANK_LABELS,
    CO_OWNERSHIP_LABELS,
    ID_TYPE_LABELS,
    PAYMENT_METHOD_LABELS,
)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CONTRACT_DOC = (DOCS / "contract.md").read_text(encoding="utf-8")
# Line breaks in the doc are only wrapping: compare with them taken out.
FLAT_DOC = re.sub(r"\s*\n\s*", " ", CONTRACT_DOC)
# Where the problems of a contract's fields are made (submit's rules, an annex's file).
RULE_MODULES = [
    "contract_rules",
    "property_rules",
    "payment_rules",
    "sale_rules",
    "field_checks",
    "usecases/annexes",
]


def _nested_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (through Optional and list), and whether in a list."""
    stack, in_list = [annotation], False
    while stack:
        tp = stack.pop()
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            stack.extend(typing.get_args(tp))
        elif origin is list:
            in_list = True
            stack.append(typing.get_args(tp)[0])
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp, in_list
    return None, False


def leaf_paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        inner, in_list = _nested_model(field.annotation)
        if inner is None:
            yield prefix + name
        else:
            yield from leaf_paths(inner, f"{prefix}{name}{'[].' if in_list else '.'}")


def test_every_field_of_the_contract_body_is_listed() -> None:
    missing = [p for p in leaf_paths(ContractCreateRequest) if f"`{p}`" not in CONTRACT_DOC]
    assert missing == []


LABELS = [
    st.PROPERTY_USE_LABELS,
    st.PROPERTY_NATURE_LABELS,
    st.TENANT_NOTICE_LABELS,
    st.LOAN_KIND_LABELS,
    st.LOAN_SHORTFALL_LABELS,
    st.FEE_LABELS,
    st.BEARER_LABELS,
    st.DELIVERY_CONDITION_LABELS,
    st.PENALTY_MODE_LABELS,
    st.DEPOSIT_RULE_LABELS,
    st.DISPUTE_MODE_LABELS,
    PAYMENT_METHOD_LABELS,
    CO_OWNERSHIP_LABELS,
    BANK_LABELS,
    ID_TYPE_LABELS,
]


@pytest.mark.parametrize("labels", LABELS)
def test_every_allowed_value_is_listed_with_its_label(labels: dict[str, str]) -> None:
    missing = [v for v, label in labels.items() if f"`{v}` → {label}" not in FLAT_DOC]
    assert missing == []


def contract_json(doc: str) -> str:
    text = (DOCS / doc).read_text(encoding="utf-8")
    found = re.search(r"cat > contract\.json <<'JSON'\n(.*?)\nJSON\n", text, re.S)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("doc", ["getting-started.md", "handshake.md"])
def test_the_walk_throughs_draft_the_demo_contract(doc: str) -> None:
    raw = contract_json(doc)
    ContractCreateRequest.model_validate_json(raw, strict=True)
    body = json.loads(raw)
    terms = contract_terms()
    if doc == "getting-started.md":
        # It leaves the acknowledgements out on purpose, to show submit's 422.
        del terms["acknowledgements"]
        assert "acknowledgements" not in body
    assert {k: body[k] for k in terms if k in body} == terms


def codes_the_rules_give() -> set[str]:
    """The codes of every ``FieldProblem(path, code, …)`` written in the rule modules (a code
    chosen there, ``"A" if … else "B"``, gives both)."""
    codes = set()
    for name in RULE_MODULES:
        tree = ast.parse((ROOT / "signing_flow" / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "FieldProblem":
                codes |= {
                    c.value
                    for c in ast.walk(node.args[1])
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
    return codes


def listed_codes() -> set[str]:
    section = CONTRACT_DOC.split("\n## Error codes\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z_]+)` \|", section, re.M))


def test_the_error_codes_listed_are_exactly_those_the_rules_give() -> None:
    assert codes_the_rules_give() >= {"REQUIRED", "DEPOSIT_CAP", "FILE_NOT_FOUND"}  # the scan
    assert listed_codes() == codes_the_rules_give()


def test_every_code_the_rules_columns_name_is_listed() -> None:
    fields = CONTRACT_DOC.split("\n## What the parties read\n", 1)[0]
    named = set(re.findall(r"`([A-Z][A-Z_]+)`", fields)) - {"VALIDATION_FAILED"}
    assert named - listed_codes() == set()


@pytest.mark.parametrize(
    "phrase",
    [
        f"at most {DEPOSIT_CAP_BP // 100} % of `price_fen` (`DEPOSIT_CAP`",
        f"{DAILY_RATE_MIN_BP} to {DAILY_RATE_MAX_BP}, 每日万分之{small_number(DAILY_RATE_MIN_BP)}"
        f"至万分之{small_number(DAILY_RATE_MAX_BP)} (`OUT_OF_RANGE`)",
        f"at most {FIXED_PENALTY_CAP_BP // 100} % of `price_fen` (`OUT_OF_RANGE`)",
        f"{TERMINATE_AFTER_DAYS_MIN} to {TERMINATE_AFTER_DAYS_MAX} (`OUT_OF_RANGE`)",
        f"at most {SUPPLEMENTARY_MAX_CHARS} characters (`TOO_LONG`)",
        f"at most {ANNEX_TEXT_MAX_CHARS} characters (`TOO_LONG`)",
        f"At most {ANNEXES_MAX} (`TOO_MANY`)",
        f"at most {ANCILLARIES_MAX} items (`TOO_MANY`)",
        f"at most {NAME_MAX_CHARS} characters (`TOO_LONG`)",
    ],
)
def test_the_bounds_the_doc_states_are_the_rules_own(phrase: str) -> None:
    assert phrase in FLAT_DOC


def test_no_rule_of_a_field_is_left_as_a_dash() -> None:
    rows = re.findall(r"^\| `.*\|$", CONTRACT_DOC, re.M)
    assert [row for row in rows if row.rstrip(" |").endswith("—")] == []
