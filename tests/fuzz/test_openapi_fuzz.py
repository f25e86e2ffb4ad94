"""Schemathesis over the OpenAPI document, against the real app on loopback (``conftest.py``):
every operation, with generated valid and invalid inputs, as each role that can call it. Any 5xx,
any undocumented status, content type or header, and any body that does not match its
documented model fails the run. A fixed seed and no example database make it repeatable; the
budget (``budget.py``) keeps it under 3 minutes.

The operations are driven one by one here rather than through ``schema.parametrize()``, whose
lazy loader does not run on pytest 9; every operation runs even when an earlier one fails, and
the run reports all findings at once."""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import requests
from hypothesis.internal.conjecture import providers
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.budget import SETTINGS
from tests.fuzz.conftest import STAFF, Callers, FuzzServer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
]
# A demo practitioner none of the callers signs in as: disabling it ends no session in use.
PRACTITIONER = "prac-agent_wang"
TIMEOUT = 40  # seconds: above the longest long-poll (30 s)
# Cases after which the callers sign in again: these may end the sessions the next cases use.
SESSION_ENDING = {("POST", "/api/v1/auth/logout"), ("POST", "/sandbox/v1/clock")}


def _roles(case: Any) -> list[str | None]:
    path = case.operation.path
    if path.startswith("/mp/v1/") and path != "/mp/v1/sessions":
        return ["party"]
    if case.operation.definition.raw.get("security"):
        return list(STAFF)
    return [None]


def _aimed(case: Any, callers: Callers) -> dict[str, Any] | None:
    """The case's path parameters with ids that exist, so that the generated bodies and queries
    also reach the handlers past their lookups."""
    params = dict(case.path_parameters or {})
    known = {name: callers.known[name] for name in params if name in callers.known}
    if case.operation.path.startswith("/api/v1/practitioners/"):
        known["pid"] = PRACTITIONER  # a practitioner there, not a party
    return {**params, **known} if known else None


def _run_order(operation: Any) -> int:
    """The party's operations first, while its order is open; the ones that end the shared
    contract or order last, so the others still reach a live one."""
    path, method = operation.path, operation.method.upper()
    if path.startswith("/mp/v1/"):
        return 0
    ending = path.endswith(("/cancel", "/cancellations", "/approve", "/reject"))
    if ending or (method == "DELETE" and path == "/api/v1/contracts/{id}"):
        return 2
    return 1


def _modes(operation: Any) -> list[GenerationMode]:
    """Invalid inputs need something to make invalid: a parameter or a body (the bearer token
    is the callers', see ``budget.CONFIG``)."""
    raw = operation.definition.raw
    if raw.get("parameters") or raw.get("requestBody"):
        return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return [GenerationMode.POSITIVE]


def _call(case: Any, headers: dict[str, str], checks: list[Any]) -> None:
    try:
        case.call_and_validate(headers=headers, checks=checks, timeout=TIMEOUT)
    except FailureGroup as group:
        group.add_note(case.as_curl_command(headers))
        raise


def exercise(case: Any, callers: Callers) -> None:
    key = (case.method.upper(), case.operation.path)
    generated = dict(case.path_parameters or {})
    if isinstance((case.query or {}).get("wait"), int):
        # A long-poll holds the request up to `wait` seconds when nothing comes (the events
        # feed, a real order): one is enough to take the waiting path without spending the
        # run's budget asleep.
        case.query = {**case.query, "wait": min(case.query["wait"], 1)}
    for role in _roles(case):
        token = callers.tokens.get(role) if role else None
        if key == ("POST", "/api/v1/auth/logout") and role:
            token = callers.login(STAFF[role])  # a session of its own to end
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        case.path_parameters = generated
        _call(case, headers, [*CHECKS, negative_data_rejection])
        aimed = _aimed(case, callers)
        if aimed is not None:
            case.path_parameters = aimed
            _call(case, headers, CHECKS)  # the ids are now valid: not a negative case
    if key in SESSION_ENDING:
        requests.delete(f"{callers.base_url}/sandbox/v1/clock", timeout=30)
        callers.sign_in_staff()


def test_every_operation_answers_as_documented(
    api_schema: Any, callers: Callers, fuzz_server: FuzzServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hypothesis mixes in constants from every local module imported so far, so the cases would
    # differ between `pytest tests/fuzz` and the whole suite; without them, one seed gives one
    # run. (A private hook: if a later Hypothesis drops it, the run is still valid, only less
    # repeatable.)
    monkeypatch.setattr(providers, "_get_local_constants", providers.Constants, raising=False)
    findings = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    operations.sort(key=_run_order)
    assert len(operations) > 70  # the whole document, sandbox included
    for operation in operations:
        for mode in _modes(operation):

            @SETTINGS
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                exercise(case, callers)

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                # Only string path ids: any value is valid, so there is no invalid input.
                if mode is not GenerationMode.NEGATIVE:
                    raise
            # Every operation runs; all findings are listed at the end.
            except FailureGroup as group:
                found = "\n".join([*map(str, group.exceptions), *getattr(group, "__notes__", [])])
                findings.append(f"{operation.label} ({mode.value}):\n{found}")
            except Exception as exc:
                findings.append(f"{operation.label} ({mode.value}): {exc!r}")
    assert not findings, "\n\n".join(findings)
    # A failure that no answer shows: a background job the moved clock ran, for one.
    assert not fuzz_server.errors()
