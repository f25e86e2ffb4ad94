"""The sandbox CCB's magic amounts are the ones docs/sandbox.md documents, and nothing else is
magic."""

from __future__ import annotations

import re
from pathlib import Path

from miniapp_mock.ccb.state import MAGIC_YUAN, Rule, rule_for

DOC = Path(__file__).resolve().parents[2] / "docs" / "sandbox.md"


def test_every_magic_amount_is_documented_and_every_documented_one_is_magic() -> None:
    text = DOC.read_text("utf-8")
    section = text.split("## The sandbox bank (CCB 龙存管)")[1].split("\n## ")[0]
    documented = {int(n) for n in re.findall(r"^\| `…(\d{3})\.xx` 元", section, re.M)}
    assert documented == set(MAGIC_YUAN)


def test_the_rule_is_read_from_the_yuan_below_a_thousand() -> None:
    assert rule_for(128_040_100) is Rule.REJECT  # ¥1,280,401.00
    assert rule_for(128_040_199) is Rule.REJECT  # the fen do not matter
    assert rule_for(40_200) is Rule.HOLD  # ¥402.00
    assert rule_for(128_140_300) is Rule.DUPLICATE
    assert rule_for(404_00) is Rule.BAD_SIGNATURE
    assert rule_for(128_000_000) is Rule.NONE
    assert rule_for(128_140_500) is Rule.NONE
