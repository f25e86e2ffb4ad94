"""Every field of every request body has a kind, and each kind normalises or refuses alike
(docs/api.md, "Identity fields, names and reasons"; issue 13 items 4 and 5)."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from annotated_types import Le, Lt
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from backend.demo import synthetic_id
from backend.routes import ROUTES
from miniapp_mock.routes import SANDBOX_ROUTES

ID = synthetic_id("19800101", "123")  # ends in a digit
ID_X = "11010519491231002X"

# (model, field) → kind. A new string field must be given one here: the test below fails until
# it is, so that nobody adds an identity or name field that skips the boundary's checks.
KINDS: dict[tuple[str, str], str] = {
    ("PartyBody", "name"): "name",
    ("PartyBody", "id_number"): "id_number",
    ("PartyBody", "phone"): "phone",
    ("ApplicantBody", "name"): "name",
    ("ApplicantBody", "phone"): "phone",
    ("EvaluationBody", "comment"): "reason",
    ("PropertyLookupBody", "cert_no"): "cert_no",
    ("PropertyLookupBody", "owner_id_number"): "id_number",
    ("PropertyLookupBody", "unit_no"): "unit_no",
    ("PropertyLookupBody", "owner_name"): "name",
    ("PoliceVerificationRequest", "name"): "name",
    ("PoliceVerificationRequest", "id_number"): "id_number",
    ("DeclineRequest", "reason"): "reason",
    ("CancellationRequest", "reason"): "reason",
    ("WindowCaseRequest", "reason"): "reason",
    ("RejectRequest", "reason"): "reason",
    ("AppearanceRequest", "proxy_name"): "name",
    ("AppearanceRequest", "proxy_id_number"): "id_number",
    ("AgencyOpenRequest", "name"): "name",
    ("AgencyOpenRequest", "filing_no"): "cert_no",
    ("AgencyOpenRequest", "username"): "name",
    ("EnterpriseInfoBody", "full_name"): "name",
    ("EnterpriseInfoBody", "uscc"): "uscc",
    ("EnterpriseInfoBody", "legal_representative"): "name",
    ("EnterpriseInfoBody", "address"): "name",
    ("EnterpriseInfoBody", "qualification_cert_no"): "cert_no",
    ("MaterialCreateRequest", "name"): "name",
    ("MaterialRenameRequest", "name"): "name",
    ("SubmitRequest", "comment"): "reason",
    ("ReviewDecisionRequest", "reason"): "reason",
    ("PractitionerRequest", "name"): "name",
    ("PractitionerRequest", "id_number"): "id_number",
    ("PractitionerRequest", "phone"): "phone",
    ("UnifiedRegistration", "applicant_name"): "name",
    ("UnifiedRegistration", "enterprise_name"): "name",
    ("UnifiedRegistration", "uscc"): "uscc",
    # fund supervision: the 农商行 agreement (its format checked by the domain) and the branch
    ("BranchAgreementRequest", "agreement_number"): "cert_no",
    ("BranchAgreementRequest", "branch"): "name",
    ("SupervisionCancelRequest", "reason"): "reason",
    # the sale contract's parts
    ("LoanBody", "bank"): "name",
    ("AncillaryBody", "name"): "name",
    ("AnnexBody", "name"): "name",
    ("AnnexBody", "text"): "reason",
    ("ContractFields", "supplementary_terms"): "reason",
    ("ContractCreateRequest", "supplementary_terms"): "reason",
    # Credentials and tokens are compared exactly as typed; a stray character fails the login.
    ("LoginRequest", "username"): "credential",
    ("LoginRequest", "password"): "credential",
    ("PasswordChangeRequest", "old_password"): "credential",
    ("PasswordChangeRequest", "new_password"): "credential",
    ("UnifiedLoginRequest", "username"): "credential",
    ("UnifiedLoginRequest", "password"): "credential",
    ("UnifiedBindingRequest", "unified_username"): "credential",
    ("UnifiedBindingRequest", "unified_password"): "credential",
    ("UnifiedBindingRequest", "username"): "credential",
    ("UnifiedBindingRequest", "password"): "credential",
    ("UnifiedRegistration", "username"): "credential",
    ("UnifiedRegistration", "password"): "credential",
    ("SessionRequest", "token"): "credential",
    # Looked up in a fixed table, or a hex pattern: anything else is refused already.
    ("AuthorizeRequest", "face_sample"): "lookup",
    ("ReviewRequest", "document_sha256"): "lookup",
    ("AnnexBody", "file_id"): "lookup",
    ("RedeliveryRequest", "event_id"): "lookup",
    # A webhook URL: the webhook rules refuse spaces, controls and anything not a URL.
    ("EndpointCreate", "url"): "lookup",
    ("EndpointUpdate", "url"): "lookup",
    ("EndpointCreate", "description"): "name",
    ("EndpointUpdate", "description"): "name",
}


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _has(annotation: Any, kind: type) -> bool:
    return annotation is kind or any(_has(a, kind) for a in typing.get_args(annotation))


def request_fields() -> dict[tuple[str, str], FieldInfo]:
    """Every field of every request body the routes take, nested bodies included."""
    found: dict[tuple[str, str], FieldInfo] = {}
    todo = [r.request for r in ROUTES + SANDBOX_ROUTES if r.request is not None]
    seen: set[type[BaseModel]] = set()
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            todo.extend(_models_in(field.annotation))
            found[(model.__name__, name)] = field
    return found


FIELDS = request_fields()
STRING_FIELDS = {k: f for k, f in FIELDS.items() if _has(f.annotation, str)}
INT_FIELDS = {k: f for k, f in FIELDS.items() if _has(f.annotation, int)}


def of_kind(*kinds: str) -> list[tuple[str, str]]:
    return sorted(k for k in STRING_FIELDS if KINDS.get(k) in kinds)


def validate(key: tuple[str, str], value: Any) -> Any:
    field = FIELDS[key]
    return TypeAdapter(Annotated[field.annotation, field]).validate_python(value)


def refused(key: tuple[str, str], value: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        validate(key, value)
    [error] = caught.value.errors()
    return str(error["type"])


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def arabic_indic(text: str) -> str:
    return "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in text)


def test_every_string_field_of_every_request_body_has_a_kind() -> None:
    assert set(STRING_FIELDS) == set(KINDS)


def test_every_integer_field_of_every_request_body_is_bounded_below_int64() -> None:
    for key, field in INT_FIELDS.items():
        bounds = [m.le for m in field.metadata if isinstance(m, Le)]
        bounds += [m.lt for m in field.metadata if isinstance(m, Lt)]
        assert bounds and max(bounds) <= 2**53, key


SAMPLES = {"id_number": ID, "phone": "13800138000", "uscc": "91350100M000100Y43"}
SAMPLES["unit_no"] = "442000001001GB00001F00010001"


@pytest.mark.parametrize("key", of_kind("id_number", "phone", "uscc", "unit_no"))
def test_full_width_identity_fields_are_stored_in_ascii(key: tuple[str, str]) -> None:
    sample = SAMPLES[KINDS[key]]
    assert validate(key, full_width(sample)) == sample
    assert validate(key, f" {sample[:4]} {sample[4:]} ") == sample


@pytest.mark.parametrize("key", of_kind("id_number", "phone", "uscc", "unit_no", "cert_no"))
@pytest.mark.parametrize("script", [arabic_indic, lambda s: s.replace("1", "\u0967")])
def test_digits_of_other_scripts_are_refused(key: tuple[str, str], script: Any) -> None:
    sample = SAMPLES.get(KINDS[key], "粤（2021）中山市不动产权第0123456号")
    assert refused(key, script(sample)) == "invalid"


@pytest.mark.parametrize("key", of_kind("id_number"))
def test_a_lower_case_check_letter_is_stored_upper_case(key: tuple[str, str]) -> None:
    assert validate(key, full_width(ID_X.lower())) == ID_X


@pytest.mark.parametrize("key", of_kind("cert_no"))
def test_certificate_numbers_keep_their_chinese_and_get_ascii_digits(key: tuple[str, str]) -> None:
    assert validate(key, "粤（２０２１）中山市不动产权第０１２３４５６号") == (
        "粤(2021)中山市不动产权第0123456号"
    )


INVISIBLE = ["\u200b", "张\u202e伟", "张\u200d伟", "张\u0000伟", "\u3164", "\ufeff张伟"]


@pytest.mark.parametrize("key", of_kind("name", "reason", "id_number", "phone", "cert_no"))
@pytest.mark.parametrize("text", INVISIBLE, ids=["zwsp", "rlo", "zwj", "nul", "filler", "bom"])
def test_invisible_characters_are_refused(key: tuple[str, str], text: str) -> None:
    assert refused(key, text) == "invalid"


@pytest.mark.parametrize("key", of_kind("name", "reason"))
def test_readable_names_and_reasons_pass_unchanged(key: tuple[str, str]) -> None:
    assert validate(key, "张伟 Zhang-Wei（代理）") == "张伟 Zhang-Wei（代理）"


@pytest.mark.parametrize("key", of_kind("reason"))
def test_reasons_may_have_line_breaks_and_names_may_not(key: tuple[str, str]) -> None:
    assert validate(key, "第一行\r\n第二行") == "第一行\r\n第二行"
    assert refused(("PartyBody", "name"), "张\n伟") == "invalid"
