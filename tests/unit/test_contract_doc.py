"""docs/contract.md lists every field of the contract body and every allowed value with its
label, and docs/getting-started.md's contract body is the demo's valid one: both stay true as
the models change."""

from __future__ import annotations

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
from signing_flow.terms import (
    BANK_LABELS,
    CO_OWNERSHIP_LABELS,
    ID_TYPE_LABELS,
    PAYMENT_METHOD_LABELS,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONTRACT_DOC = (DOCS / "contract.md").read_text(encoding="utf-8")


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
    # Line breaks in the doc are only wrapping: compare with them taken out.
    text = re.sub(r"\s*\n\s*", " ", CONTRACT_DOC)
    missing = [v for v, label in labels.items() if f"`{v}` → {label}" not in text]
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
