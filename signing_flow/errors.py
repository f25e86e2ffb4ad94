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


class TooManyAttempts(DomainError):
    code = "TOO_MANY_ATTEMPTS"


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
