"""The one error hierarchy of the domain.

Every refusal the product can give is one of these classes. Each carries a stable machine code
(UPPER_SNAKE), a message a person can read, and details. The HTTP layer maps the *class* to a
status code in exactly one table (``backend/errors.py``); nothing here knows about HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class DomainError(Exception):
    """Base of every refusal. ``code`` is part of the public API: never rename one."""

    code = "DOMAIN_ERROR"

    def __init__(
        self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = details or {}


@dataclass(frozen=True)
class FieldProblem:
    """One invalid or missing field, by its path in the request body (``buyers[0].id_number``)."""

    path: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


class ValidationFailed(DomainError):
    """One or more fields are missing or invalid; all of them are reported at once."""

    code = "VALIDATION_FAILED"

    def __init__(self, problems: list[FieldProblem], message: str | None = None) -> None:
        super().__init__(
            message or f"{len(problems)} 个字段有误 ({len(problems)} invalid field(s))",
            details={"fields": [p.as_dict() for p in problems]},
        )
        self.problems = problems


class MalformedRequest(DomainError):
    """The body is not parseable at all (not JSON, wrong top-level type)."""

    code = "MALFORMED_REQUEST"


class NotAuthenticated(DomainError):
    """No credentials, or credentials that expired or were revoked."""

    code = "NOT_AUTHENTICATED"


class Forbidden(DomainError):
    """The actor is known but its role may not do this."""

    code = "FORBIDDEN"


class NotFound(DomainError):
    """Unknown, or not visible to this actor: the two are deliberately indistinguishable."""

    code = "NOT_FOUND"


class InvalidState(DomainError):
    """The record is in a state that does not allow this action."""

    code = "INVALID_STATE"

    def __init__(
        self,
        message: str,
        *,
        current: str,
        allowed: list[str],
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            message,
            code=code,
            details={"current_state": current, "allowed_actions": allowed, **(extra or {})},
        )


class AlreadyExists(DomainError):
    """A uniqueness rule refused the write (one active contract per property, …)."""

    code = "ALREADY_EXISTS"


class VersionConflict(DomainError):
    """A compare-and-set write lost: somebody else changed the record first."""

    code = "VERSION_CONFLICT"


class Gone(DomainError):
    """A token that was used, expired or replaced."""

    code = "GONE"


class TooLarge(DomainError):
    code = "TOO_LARGE"


class UnsupportedMediaType(DomainError):
    code = "UNSUPPORTED_MEDIA_TYPE"


class DependencyUnavailable(DomainError):
    """A store or provider did not answer; the same call may succeed later."""

    code = "DEPENDENCY_UNAVAILABLE"


class DuplicateKey(Exception):
    """Raised by stores when an insert collides with a unique key. Not a domain error: use
    cases translate it into the refusal that makes sense for them."""

    def __init__(self, collection: str, key: str) -> None:
        super().__init__(f"duplicate key in {collection}: {key}")
        self.collection = collection
        self.key = key


class NotEligible(DomainError):
    """The request is well-formed but this record cannot take this path (online signing for a
    minor, online cancellation of a contract filed at the window, …); details say why."""

    code = "NOT_ELIGIBLE"


class CheckFailed(DomainError):
    """A party's identity or face check failed; it counts towards the lock-out."""

    code = "CHECK_FAILED"


# ---- the registry of codes -------------------------------------------------------------------

# Every code the product answers with, under the class that carries it. The class decides the
# HTTP status (``backend/errors.py``, one table); docs/api.md lists each code under that status;
# tests/unit/test_error_codes.py checks that these, the docs and the code raising them agree.
# A code may be carried by two classes when two paths refuse the same thing differently.
CODES: dict[type[DomainError], frozenset[str]] = {
    MalformedRequest: frozenset({"MALFORMED_REQUEST", "CALLBACK_MALFORMED"}),
    NotAuthenticated: frozenset(
        {
            "NOT_AUTHENTICATED",
            "INVALID_CREDENTIALS",
            "SESSION_INVALID",
            "SESSION_REPLACED",
            "SESSION_EXPIRED",
            "ACCOUNT_DISABLED",
            "UNIFIED_INVALID_CREDENTIALS",
            "CALLBACK_SIGNATURE_INVALID",  # a bank callback not provably from the bank
        }
    ),
    Forbidden: frozenset(
        {
            "ROLE_NOT_ALLOWED",
            "PASSWORD_CHANGE_REQUIRED",
            "CSRF_REFUSED",
            "UNIFIED_ENTERPRISE_MISMATCH",
        }
    ),
    NotFound: frozenset(
        {
            "CONTRACT_NOT_FOUND",
            "ORDER_NOT_FOUND",
            "PARTY_NOT_FOUND",
            "PROPERTY_NOT_FOUND",
            "TOKEN_NOT_FOUND",
            "AGENCY_NOT_FOUND",
            "PRACTITIONER_NOT_FOUND",
            "MATERIAL_NOT_FOUND",
            "FILE_NOT_FOUND",
            "FORM_NOT_FOUND",
            "DOCUMENT_KIND_NOT_FOUND",
            "WEBHOOK_ENDPOINT_NOT_FOUND",
            "EVENT_NOT_FOUND",
            "BANK_APPLICATION_NOT_FOUND",
        }
    ),
    InvalidState: frozenset(
        {
            "CONTRACT_STATE_CONFLICT",
            "ORDER_STATE_CONFLICT",
            "OUT_OF_ORDER",
            "AGENCY_STATE_CONFLICT",
            "PRACTITIONER_STATE_CONFLICT",
            "BINDING_NEEDS_PASSWORD_CHANGE",
            "PARTY_FINISHED",  # the agent asks for the QR code of a party who is done
            "DOCUMENT_CHANGED",
            "PROPERTY_SEIZED",
            "PROPERTY_HAS_ACTIVE_CONTRACT",
            "NO_WINDOW_CASE",
            "WINDOW_CASE_OPEN",
            "WINDOW_CASE_IN_REVIEW",
            "WINDOW_CASE_NOT_IN_REVIEW",
            "AGENCY_NOT_APPROVED",
            "MATERIAL_NOT_SAVED",
            "TOO_MANY_MATERIALS",
            "UNIFIED_ACCOUNT_NOT_BOUND",
            "UNIFIED_ACCOUNT_NOT_VERIFIED",
            "TOO_MANY_WEBHOOK_ENDPOINTS",
            "SUPERVISION_STATE_CONFLICT",
            "SUPERVISION_CANCEL_REQUIRED",
            "SUPERVISION_CANCEL_REFUSED",
        }
    ),
    NotEligible: frozenset(
        {
            "CHANNEL_OFFLINE",
            "CHANNEL_ONLINE",
            "ONLINE_SIGNING_NOT_AVAILABLE",
            "FILED_AT_WINDOW",
            "FILED_ONLINE",
            "PROPERTY_TRANSFER_ACCEPTED",
            "PROPERTY_TRANSFERRED",
            "SUPERVISION_NOT_ONLINE",
            "SUPERVISION_NOT_AT_BRANCH",
            "SUPERVISION_DEADLINE_PASSED",
        }
    ),
    AlreadyExists: frozenset(
        {
            "FILING_NO_TAKEN",
            "USERNAME_TAKEN",
            "PRACTITIONER_ALREADY_REGISTERED",
            "NETSIGN_ACCOUNT_ALREADY_BOUND",
            "UNIFIED_ACCOUNT_ALREADY_BOUND",
            "UNIFIED_USERNAME_TAKEN",
            "AGREEMENT_NUMBER_TAKEN",
        }
    ),
    VersionConflict: frozenset({"VERSION_CONFLICT"}),
    # PARTY_FINISHED: the party scans again after it is done
    Gone: frozenset(
        {"TOKEN_USED", "TOKEN_REPLACED", "TOKEN_EXPIRED", "ORDER_CLOSED", "PARTY_FINISHED"}
    ),
    TooLarge: frozenset({"FILE_TOO_LARGE"}),
    UnsupportedMediaType: frozenset({"UNSUPPORTED_MEDIA_TYPE", "FILE_TYPE_NOT_ALLOWED"}),
    ValidationFailed: frozenset({"VALIDATION_FAILED"}),
    # what the police and face verifiers answer (``ports.PoliceVerifier``, ``ports.FaceVerifier``)
    CheckFailed: frozenset(
        {"POLICE_MISMATCH", "ID_REVOKED", "ID_INVALID", "FACE_MISMATCH", "LIVENESS_FAILED"}
    ),
    DependencyUnavailable: frozenset(
        {
            "STORE_UNAVAILABLE",
            "POLICE_SERVICE_UNAVAILABLE",
            "FACE_SERVICE_UNAVAILABLE",
            "SMS_SERVICE_UNAVAILABLE",
            "EVIDENCE_UNAVAILABLE",
            "BANK_UNAVAILABLE",
        }
    ),
}
