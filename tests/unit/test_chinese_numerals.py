"""Amounts in capital numerals (中文大写金额) and in figures, as contracts write them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signing_flow.chinese_numerals import (
    CAPITAL_LIMIT_FEN,
    capital_amount,
    figures,
    small_number,
    yen_figures,
    yuan_figures,
)

YUAN = 100


@pytest.mark.parametrize(
    ("fen", "capitals"),
    [
        (0, "人民币零元整"),
        (1, "人民币壹分"),
        (5, "人民币伍分"),
        (10, "人民币壹角"),
        (25, "人民币贰角伍分"),
        (1 * YUAN, "人民币壹元整"),
        (105, "人民币壹元零伍分"),
        (350, "人民币叁元伍角"),
        (10 * YUAN, "人民币壹拾元整"),
        (1050, "人民币壹拾元伍角"),
        (11 * YUAN, "人民币壹拾壹元整"),
        (20 * YUAN, "人民币贰拾元整"),
        (101 * YUAN, "人民币壹佰零壹元整"),
        (110 * YUAN, "人民币壹佰壹拾元整"),
        (1001 * YUAN, "人民币壹仟零壹元整"),
        (1010 * YUAN, "人民币壹仟零壹拾元整"),
        (140950, "人民币壹仟肆佰零玖元伍角"),
        (600714, "人民币陆仟零柒元壹角肆分"),
        (1640902, "人民币壹万陆仟肆佰零玖元零贰分"),
        (10000 * YUAN, "人民币壹万元整"),
        (10001 * YUAN, "人民币壹万零壹元整"),
        (10010 * YUAN, "人民币壹万零壹拾元整"),
        (10100 * YUAN, "人民币壹万零壹佰元整"),
        (11000 * YUAN, "人民币壹万壹仟元整"),
        (100000 * YUAN, "人民币壹拾万元整"),
        (100500 * YUAN, "人民币壹拾万零伍佰元整"),
        (107000 * YUAN, "人民币壹拾万柒仟元整"),
        (10700053, "人民币壹拾万柒仟元伍角叁分"),
        (1_980_000 * YUAN, "人民币壹佰玖拾捌万元整"),
        (1_830_000 * YUAN, "人民币壹佰捌拾叁万元整"),
        (1_980_000 * YUAN + 1, "人民币壹佰玖拾捌万元零壹分"),
        (1_000_000 * YUAN, "人民币壹佰万元整"),
        (1_000_001 * YUAN, "人民币壹佰万零壹元整"),
        (10_000_000 * YUAN, "人民币壹仟万元整"),
        (100_000_000 * YUAN, "人民币壹亿元整"),
        (100_000_001 * YUAN, "人民币壹亿零壹元整"),
        (100_001_000 * YUAN, "人民币壹亿零壹仟元整"),
        (100_010_000 * YUAN, "人民币壹亿零壹万元整"),
        (110_000_000 * YUAN, "人民币壹亿壹仟万元整"),
        (10_0100_0000 * YUAN, "人民币壹拾亿零壹佰万元整"),
        (12_3456_7890 * YUAN + 12, "人民币壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分"),
        (10**13, "人民币壹仟亿元整"),
        (
            CAPITAL_LIMIT_FEN - 1,
            "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
        ),
    ],
)
def test_amounts_read_in_capitals_by_the_settlement_rules(fen: int, capitals: str) -> None:
    assert capital_amount(fen) == capitals


@pytest.mark.parametrize("fen", [-1, CAPITAL_LIMIT_FEN])
def test_amounts_outside_the_numerals_range_are_refused(fen: int) -> None:
    with pytest.raises(ValueError):
        capital_amount(fen)


_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_PLACE = {"拾": 10, "佰": 100, "仟": 1000}


def _read(capitals: str) -> int:
    """The fen a capital amount names: an independent reading, to check the writing against."""
    text = capitals.removeprefix("人民币").removesuffix("整")
    yuan_text, _, cents_text = text.rpartition("元") if "元" in text else ("", "", text)
    yi, wan, section, digit = 0, 0, 0, 0
    for ch in yuan_text:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
        elif ch in _PLACE:
            section, digit = section + digit * _PLACE[ch], 0
        elif ch == "万":
            wan, section, digit = section + digit, 0, 0
        elif ch == "亿":
            yi, section, digit = section + digit, 0, 0
    jiao = re.search("(.)角", cents_text)
    cent = re.search("(.)分", cents_text)
    return (
        (yi * 10**8 + wan * 10**4 + section + digit) * 100
        + (_DIGIT[jiao.group(1)] * 10 if jiao else 0)
        + (_DIGIT[cent.group(1)] if cent else 0)
    )


# Amounts full of zeros are where the 零 rules bite: digits drawn mostly from 0.
_ZERO_HEAVY = st.lists(st.sampled_from([0, 0, 0, 1, 5, 9]), min_size=1, max_size=14).map(
    lambda digits: int("".join(map(str, digits)))
)


def _zeros_expected(fen: int) -> int:
    """How many 零 the rules put in: one for each run of zeros between two non-zero digits of
    the yuan, except a run that only ends a group which is not all zeros (壹拾万柒仟元: 万位 0,
    仟位 not); and one between 元 and 分 when there is no 角."""
    yuan, cents = divmod(fen, 100)
    digits = str(yuan)
    count = 0
    for run in re.finditer("0+(?=[1-9])", digits):
        high, low = len(digits) - 1 - run.start(), len(digits) - run.end()
        tail_of_a_group = low % 4 == 0 and high // 4 == low // 4 and high % 4 != 3
        count += not tail_of_a_group
    return count + (yuan > 0 and cents < 10 and cents > 0)


@settings(database=None, derandomize=True, max_examples=400)
@given(st.integers(min_value=1, max_value=CAPITAL_LIMIT_FEN - 1) | _ZERO_HEAVY.filter(bool))
def test_every_amount_reads_back_as_itself_and_keeps_the_zero_rules(fen: int) -> None:
    capitals = capital_amount(fen)
    assert _read(capitals) == fen
    assert capitals.count("零") == _zeros_expected(fen)
    assert capitals.startswith("人民币") and "零零" not in capitals
    # 零 never before a unit or at the end, 拾 never without its digit at the start
    assert not re.search("零[元万亿整角分]", capitals) and not capitals.endswith("零")
    assert not capitals.startswith("人民币拾")
    assert capitals.endswith("整") == (fen % 100 == 0)
    assert set(capitals) <= set("人民币零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


def test_figures_have_thousands_separators_and_two_decimals() -> None:
    assert figures(198_000_000) == "1,980,000.00"
    assert figures(5) == "0.05"
    assert figures(-1250) == "-12.50"
    assert yen_figures(198_000_000) == "¥1,980,000.00"
    assert yuan_figures(198_000_000) == "1,980,000.00 元"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "零"),
        (5, "五"),
        (10, "十"),
        (13, "十三"),
        (20, "二十"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1010, "一千零一十"),
        (10000, "10000"),
    ],
)
def test_counts_read_in_ordinary_numerals(n: int, text: str) -> None:
    assert small_number(n) == text
