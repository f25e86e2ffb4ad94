"""Amounts as a contract writes them: in figures (¥1,980,000.00) and in capital numerals
(人民币壹佰玖拾捌万元整), and small counts in ordinary numerals (第十三条, 万分之五).

The capital form follows the 支付结算办法 rules for 中文大写金额 (its annex, 正确填写票据和结算
凭证的基本规定): 零 is written once for a run of zeros between two non-zero digits, also across the
万 and 亿 groups (壹拾万零伍佰元整, 壹亿零壹元整); a leading 拾 is 壹拾; an amount that ends at
元 ends with 整; 元 followed by 分 without 角 takes 零 (壹元零伍分). Where the rules leave a choice,
this module takes the shorter form: no 整 after 角 (叁元伍角) and no 零 between 元 and 角
(壹拾元伍角), nor between a group unit and a following 仟 (壹拾万柒仟元整).
"""

from __future__ import annotations

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")  # within a group of four digits
_GROUPS = ("", "万", "亿")  # the groups of four, lowest first
# 亿 is the highest group: up to 9999亿 9999万 9999 元 (a contract's amounts stay far below).
CAPITAL_LIMIT_FEN = 10**14

_SMALL_DIGITS = "零一二三四五六七八九"
_SMALL_PLACES = ("", "十", "百", "千")


def _group(value: int, digits: str, places: tuple[str, ...]) -> str:
    """1 ≤ value ≤ 9999 in the group's own places; inner zeros read as one 零, trailing zeros
    as nothing. Leading zeros (value < 1000) are the caller's to read."""
    out = ""
    zero_pending = False
    for place in range(3, -1, -1):
        digit = value // 10**place % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out += digits[0]
            zero_pending = False
        out += digits[digit] + places[place]
    return out


def _integer(value: int) -> str:
    """0 < value < 10**12 in capitals, without a unit."""
    groups = [value // 10 ** (4 * i) % 10000 for i in range(len(_GROUPS))]
    out = ""
    zero_pending = False
    for i in range(len(_GROUPS) - 1, -1, -1):
        group = groups[i]
        if group == 0:
            zero_pending = bool(out)
            continue
        # Zeros between this group and the higher ones: a whole zero group, or this group's
        # own leading zeros (壹亿零壹元, 壹拾万零伍佰元).
        if out and (zero_pending or group < 1000):
            out += _DIGITS[0]
        out += _group(group, _DIGITS, _PLACES) + _GROUPS[i]
        zero_pending = False
    return out


def capital_amount(fen: int) -> str:
    """``fen`` in capital numerals, as a contract writes it: 人民币壹拾万零伍佰元整.

    Raises ValueError for a negative amount or one of 10**14 fen (1万亿元) or more."""
    if not 0 <= fen < CAPITAL_LIMIT_FEN:
        raise ValueError(f"capital numerals cover 0 to {CAPITAL_LIMIT_FEN - 1} fen, not {fen}")
    if fen == 0:
        return "人民币零元整"
    yuan, cents = divmod(fen, 100)
    jiao, cent = divmod(cents, 10)
    out = "人民币"
    if yuan:
        out += _integer(yuan) + "元"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif cent and yuan:
        out += _DIGITS[0]
    if cent:
        out += _DIGITS[cent] + "分"
    return out if cents else out + "整"


def figures(fen: int) -> str:
    """``fen`` in figures with thousands separators: 1,980,000.00 (−12.50 for a negative)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def yen_figures(fen: int) -> str:
    """¥1,980,000.00"""
    return f"¥{figures(fen)}"


def yuan_figures(fen: int) -> str:
    """1,980,000.00 元"""
    return f"{figures(fen)} 元"


def small_number(n: int) -> str:
    """0 ≤ n < 10000 in ordinary numerals, as an article number or a rate reads: 十三, 二十,
    一百零五. Other values stay in figures."""
    if not 0 <= n < 10000:
        return str(n)
    if n == 0:
        return _SMALL_DIGITS[0]
    text = _group(n, _SMALL_DIGITS, _SMALL_PLACES)
    # 十三, not 一十三: only when 十 leads the number.
    return text[1:] if 10 <= n < 20 else text
