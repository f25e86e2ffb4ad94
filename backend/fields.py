"""The identity, name and reason fields of request bodies, one annotated type per kind, so that
every model normalises and refuses alike (docs/api.md, "Identity fields, names and reasons").

Identity fields are normalised, not refused: NFKC (a Chinese input method types full-width
``４４２…``), whitespace removed, upper case; then only ASCII may remain. What NFKC leaves
non-ASCII (Arabic-Indic ``٤``, other scripts' digits) is refused with 422 naming the field. So
the stored value, the unique keys built from it and the receipt's hash see one spelling of each
number. Whether a number is *valid* (check digit, length) stays with the domain's rules, which
run on submit for drafts. Names and reasons refuse invisible characters
(``signing_flow.validators.check_visible_text``). Blank counts as not given: the field's own
``min_length`` or the domain's REQUIRED decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from signing_flow.validators import (
    check_visible_text,
    normalize_id_number,
    normalize_phone,
    normalize_unit_no,
    normalize_uscc,
)


def _invalid(message: str) -> PydanticCustomError:
    # The type becomes the field problem's code (INVALID), as the domain's checks name theirs.
    return PydanticCustomError("invalid", message)


def _ascii_code(
    normalize: Callable[[str], str], pattern: str, max_length: int, what: str
) -> AfterValidator:
    allowed = re.compile(pattern)

    def check(value: str) -> str:
        v = normalize(value)
        if not allowed.fullmatch(v):
            raise _invalid(f"{what} (full-width digits are converted; other scripts are not)")
        if len(v) > max_length:
            raise _invalid(f"is longer than {max_length} characters")
        return v

    return AfterValidator(check)


def _cert_no(value: str) -> str:
    v = unicodedata.normalize("NFKC", value).strip()
    if reason := check_visible_text(v):
        raise _invalid(reason)
    if any(unicodedata.category(ch) == "Nd" and not "0" <= ch <= "9" for ch in v):
        raise _invalid(
            "digits must be 0-9 (full-width digits are converted; other scripts are not)"
        )
    if len(v) > 64:
        raise _invalid("is longer than 64 characters")
    return v


def _visible(multiline: bool) -> AfterValidator:
    def check(value: str) -> str:
        if reason := check_visible_text(value, multiline=multiline):
            raise _invalid(reason)
        return value

    return AfterValidator(check)


# GB 11643 numbers and the letters-and-digits numbers of passes and passports.
IdNumber = Annotated[
    str,
    Field(max_length=32),
    _ascii_code(normalize_id_number, r"[0-9A-Z]*", 32, "must be ASCII letters and digits"),
]
# Mainland mobiles and +852/+853/+886 numbers; spaces and hyphens are dropped.
Phone = Annotated[
    str,
    Field(max_length=20),
    _ascii_code(normalize_phone, r"\+?[0-9]*", 20, "must be digits, with + before a country code"),
]
Uscc = Annotated[
    str,
    Field(max_length=32),
    _ascii_code(normalize_uscc, r"[0-9A-Z]*", 32, "must be ASCII letters and digits"),
]
UnitNo = Annotated[
    str,
    Field(max_length=40),
    _ascii_code(normalize_unit_no, r"[0-9A-Z]*", 40, "must be ASCII letters and digits"),
]
# Certificate and filing numbers mix Chinese and digits: NFKC, visible, ASCII digits.
CertNo = Annotated[str, Field(max_length=64), AfterValidator(_cert_no)]
# Names of people, agencies and materials, and one-line text such as an address.
Name = Annotated[str, _visible(multiline=False)]
# Reasons and comments: line breaks allowed.
Reason = Annotated[str, _visible(multiline=True)]

# Upper bounds every store can hold (BSON int64, orjson 64-bit), the same on both stores.
MAX_PRICE_FEN = 10**13  # 1000 亿元
SHARE_BP_TOTAL = 10_000
MAX_RATE_BP = 10_000  # a rate in basis points: 100 %
MAX_DAYS = 3_650  # a period in days: ten years
