"""One registry of error codes (``signing_flow.errors.CODES``): every code the product raises is
registered under the class that carries it, every registered code is raised somewhere, and
docs/api.md lists exactly these codes, each under the HTTP status its class answers with.

Raises are found in the source: ``SomeError(..., code="X")``, ``SomeError(...)`` (its class's
code) and the state machines' refusals (InvalidState). A code chosen at run time (a verifier's
failure, a transfer refusal) is "raised" when its literal appears in the product's code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from backend.errors import HTTP_CODES, INTERNAL_ERROR, OTHER_HTTP_ERROR, STATUS_BY_ERROR, status_of
from signing_flow import errors as e

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("signing_flow", "backend", "miniapp_mock", "schedulers")
CLASSES = {c.__name__: c for c in e.CODES} | {"DomainError": e.DomainError}
RAISE_AS = {"StateMachine": e.InvalidState, "StepMachine": e.InvalidState}


def sources() -> Iterator[tuple[Path, ast.AST]]:
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def raised() -> set[tuple[type[e.DomainError] | None, str]]:
    """(class, code) of every raise written out in the product; class None when unknown."""
    found: set[tuple[type[e.DomainError] | None, str]] = set()
    for _, tree in sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            cls = CLASSES.get(name) or RAISE_AS.get(name)
            code = next((k.value for k in node.keywords if k.arg == "code"), None)
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                found.add((cls, code.value))
            elif code is None and cls is not None and name in CLASSES:
                found.add((cls, cls.code))
    return found


def literals_outside_the_registry() -> set[str]:
    strings = set()
    for path, tree in sources():
        if path == ROOT / "signing_flow" / "errors.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
    return strings


def registered() -> set[tuple[int | None, str]]:
    """(status, code) of every code the API answers with; None: aiohttp's own status."""
    pairs = {(status_of(cls), code) for cls, codes in e.CODES.items() for code in codes}
    pairs |= {(status, code) for status, (code, _) in HTTP_CODES.items()}
    return pairs | {(500, INTERNAL_ERROR), (None, OTHER_HTTP_ERROR)}


def documented() -> set[tuple[int | None, str]]:
    """(status, code) of docs/api.md's error table: ``| status | when | codes |``."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    table = text.split("## Errors", 1)[1].split("\n## ", 1)[0]
    pairs = set()
    for row in re.findall(r"^\|\s*(\w+)\s*\|.*\|(.*)\|\s*$", table, flags=re.MULTILINE):
        status = int(row[0]) if row[0].isdigit() else None
        pairs |= {(status, c) for c in re.findall(r"`([A-Z][A-Z0-9_]+)`", row[1])}
    return pairs


def test_every_raised_code_is_registered_under_its_class() -> None:
    every = set().union(*e.CODES.values())
    unregistered = {
        (cls.__name__ if cls else "?", code)
        for cls, code in raised()
        if code not in (e.CODES.get(cls, frozenset()) if cls else every)
    }
    assert unregistered == set()


def test_every_registered_code_is_raised_somewhere() -> None:
    raised_codes = {code for _, code in raised()} | literals_outside_the_registry()
    never = {code for codes in e.CODES.values() for code in codes} - raised_codes
    assert never == set()


def test_every_class_with_codes_has_its_status_in_the_one_table() -> None:
    assert set(e.CODES) <= {cls for cls, _ in STATUS_BY_ERROR}


def test_docs_list_exactly_the_registered_codes_under_their_status() -> None:
    assert sorted(documented() - registered(), key=str) == []  # documented, never answered
    assert sorted(registered() - documented(), key=str) == []  # answered, never documented


def test_the_scan_finds_raises() -> None:
    """The checks above mean something only if the scan sees the raises it should."""
    found = raised()
    assert (e.NotFound, "ORDER_NOT_FOUND") in found
    assert (e.InvalidState, "CONTRACT_STATE_CONFLICT") in found  # a state machine's refusal
    assert (e.ValidationFailed, "VALIDATION_FAILED") in found  # a class's own code
