"""Validators for the identifiers the guide's forms take.

Each ``check_*`` returns None when the value is valid, else a short English reason; the caller
turns reasons into field problems so that every bad field is reported at once.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# GB 11643-1999: weights 2^(17-i) mod 11 for the first 17 digits, check = (12 - sum % 11) % 11.
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
# ASCII digits only: Python's \d also matches full-width and Arabic-Indic digits.
_ID18 = re.compile(r"^[0-9]{17}[0-9X]$")
_ID15 = re.compile(r"^[0-9]{15}$")
# 港澳台居民居住证 carry these prefixes in place of a mainland region code.
RESIDENCE_PERMIT_PREFIXES = ("810000", "820000", "830000")


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def ascii_form(value: str) -> str:
    """NFKC without whitespace: full-width ``４４２`` becomes ``442``, ``（`` becomes ``(``.
    Digits of other scripts (Arabic-Indic ``٤``) stay as they are, for the checks to refuse."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def normalize_id_number(value: str) -> str:
    return ascii_form(value).upper()


def birth_date_of(id_number: str) -> date | None:
    """The birth date encoded in an 18- or 15-digit number, None if it is not a real date."""
    digits = id_number[6:14] if len(id_number) == 18 else "19" + id_number[6:12]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def check_id_number(value: str) -> str | None:
    """GB 11643 18-digit citizen number (also 港澳台居民居住证), with MOD 11-2 check digit."""
    v = normalize_id_number(value)
    if not _ID18.match(v):
        return "must be 18 characters: 17 digits and a check digit (0-9 or X)"
    if v[0] not in "12345678":
        return "region code is not valid"
    born = birth_date_of(v)
    if born is None or born.year < 1900:
        return "birth date is not a real date"
    if id_check_digit(v[:17]) != v[17]:
        return "check digit does not match (GB 11643 MOD 11-2)"
    return None


def id15_to_id18(value: str) -> str:
    """Convert a first-generation 15-digit number (born 19xx) to its 18-digit form."""
    if not _ID15.match(value):
        raise ValueError("not a 15-digit first-generation ID number")
    first17 = value[:6] + "19" + value[6:]
    return first17 + id_check_digit(first17)


def age_on(id_number: str, day: date) -> int | None:
    born = birth_date_of(normalize_id_number(id_number))
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# GB 32100-2015 unified social credit code: 18 characters over a 31-symbol alphabet.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalize_uscc(value: str) -> str:
    return ascii_form(value).upper()


def check_uscc(value: str) -> str | None:
    v = normalize_uscc(value)
    if not _USCC.match(v):
        return "must be 18 characters: 2 codes, a 6-digit region and 10 code characters"
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(v[:17], _USCC_WEIGHTS, strict=True))
    if _USCC_ALPHABET[(31 - total % 31) % 31] != v[17]:
        return "check character does not match (GB 32100 mod 31)"
    return None


# GB/T 37346-2019 不动产单元号: 6-digit county + 6-digit cadastral zone/subzone + 7-character
# parcel (feature code pair + 5 digits) + 9-character fixture (F/L/Q/W + 8 digits) = 28.
_UNIT_NO = re.compile(r"^[0-9]{12}[GJZ][ABSXCDEFWY][0-9]{5}[FLQW][0-9]{8}$")
ZHONGSHAN_DIVISION = "442000"


def normalize_unit_no(value: str) -> str:
    return ascii_form(value).upper()


def check_unit_no(value: str) -> str | None:
    v = normalize_unit_no(value)
    if len(v) != 28 or not _UNIT_NO.match(v):
        return "must be a 28-character GB/T 37346 unit number"
    if not v.startswith(ZHONGSHAN_DIVISION):
        return "is not a Zhongshan unit number (must start with 442000)"
    return None


_BRACKETS = str.maketrans({"(": "（", ")": "）", "〔": "（", "〕": "）", "[": "（", "]": "）"})
_REAL_ESTATE_CERT = re.compile(r"^粤（[0-9]{4}）中山市不动产权第[0-9]{7}号$")


def normalize_cert_no(value: str) -> str:
    """Certificates are typed with half- or full-width brackets and stray spaces; compare one form."""
    return ascii_form(value).translate(_BRACKETS)


def check_cert_no(value: str) -> str | None:
    v = normalize_cert_no(value)
    if not v:
        return "is required"
    if len(v) > 64:
        return "is longer than 64 characters"
    if "不动产权" in v and not _REAL_ESTATE_CERT.match(v):
        return "must look like 粤（2021）中山市不动产权第0123456号"
    return None


# Mainland mobile numbers, and Hong Kong, Macao and Taiwan numbers with their country code.
_PHONE = re.compile(r"^(1[3-9][0-9]{9}|\+852[0-9]{8}|\+853[0-9]{8}|\+886[0-9]{9})$")


def normalize_phone(value: str) -> str:
    return ascii_form(value).replace("-", "")


def check_phone(value: str) -> str | None:
    if not _PHONE.match(normalize_phone(value)):
        return "must be an 11-digit mainland mobile number, or +852/+853/+886 with the number"
    return None


def mask_id_number(value: str) -> str:
    """What one party may see of another's number (DESIGN §9)."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


# Names and reasons are read by people, on screens and printed forms: a character that shows
# nothing (control, format — zero-width and bidi overrides —, private use, unassigned, line and
# paragraph separators) can hide a second name inside the first or turn the text around.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
# Letters and symbols that render as blank: the Hangul fillers and the braille blank.
_BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_LINE_BREAKS = frozenset("\n\r")


def check_visible_text(value: str, *, multiline: bool = False) -> str | None:
    """None when ``value`` is empty or readable text; ``multiline`` (reasons, comments) lets
    line breaks through. The one check of every name and reason field."""
    for ch in value:
        if multiline and ch in _LINE_BREAKS:
            continue
        if unicodedata.category(ch) in _INVISIBLE_CATEGORIES or ch in _BLANK_LOOKALIKES:
            return f"contains an invisible or control character (U+{ord(ch):04X})"
    if value and not any(
        unicodedata.category(ch)[0] in "LNPS" and ch not in _BLANK_LOOKALIKES for ch in value
    ):
        return "has no visible character"
    return None
