"""Identifier validators, checked against published vectors."""

from __future__ import annotations

from datetime import date

import pytest

from signing_flow.validators import (
    age_on,
    check_cert_no,
    check_id_number,
    check_phone,
    check_unit_no,
    check_uscc,
    check_visible_text,
    id15_to_id18,
    mask_id_number,
    normalize_cert_no,
    normalize_id_number,
)


def test_the_gb_11643_example_number_is_valid() -> None:
    assert check_id_number("11010519491231002X") is None
    assert check_id_number("11010519491231002x") is None


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "check digit"),
        ("11010519491331002X", "birth date"),
        ("91010519491231002X", "region"),
        ("1101051949123100", "18 characters"),
    ],
)
def test_an_invalid_id_number_says_why(number: str, reason: str) -> None:
    problem = check_id_number(number)
    assert problem is not None and reason in problem


def test_a_15_digit_first_generation_number_converts_to_its_18_digit_successor() -> None:
    assert id15_to_id18("110105491231002") == "11010519491231002X"
    with pytest.raises(ValueError):
        id15_to_id18("11010549123100")


def test_residence_permit_numbers_validate_like_citizen_numbers() -> None:
    from backend.demo import synthetic_id

    assert check_id_number(synthetic_id("19780506", "215", "810000")) is None


def test_age_counts_whole_years_up_to_the_birthday() -> None:
    assert age_on("11010519491231002X", date(1967, 12, 30)) == 17
    assert age_on("11010519491231002X", date(1967, 12, 31)) == 18


def test_the_gb_32100_example_credit_code_is_valid() -> None:
    assert check_uscc("91350100M000100Y43") is None
    problem = check_uscc("91350100M000100Y42")
    assert problem is not None and "check" in problem
    assert check_uscc("91350100M00010OY43") is not None  # O is not in the alphabet


def test_unit_numbers_follow_gb_t_37346_and_belong_to_zhongshan() -> None:
    assert check_unit_no("442000001001GB00001F00010001") is None
    assert check_unit_no("442000 001001 GB00001 F00010001") is None
    outside = check_unit_no("440100001001GB00001F00010001")
    assert outside is not None and "Zhongshan" in outside
    assert check_unit_no("442000001001XX00001F00010001") is not None
    assert check_unit_no("442000001001GB00001F0001000") is not None


def test_certificate_numbers_are_normalised_to_full_width_brackets_without_spaces() -> None:
    assert (
        normalize_cert_no(" 粤(2021) 中山市不动产权第0123456号")
        == "粤（2021）中山市不动产权第0123456号"
    )
    assert check_cert_no("粤(2021)中山市不动产权第0123456号") is None
    assert check_cert_no("粤（21）中山市不动产权第0123456号") is not None
    assert check_cert_no("粤房地证字第C4567890号") is None
    assert check_cert_no("  ") is not None


def test_phone_numbers_are_mainland_mobiles_or_carry_a_hmt_country_code() -> None:
    assert check_phone("13800138000") is None
    assert check_phone("+85291234567") is None
    assert check_phone("12800138000") is not None
    assert check_phone("0760-88300526") is not None


def test_masking_keeps_the_first_three_and_last_four_characters() -> None:
    assert mask_id_number("11010519491231002X") == "110***********002X"


FULL_WIDTH_ID = "１１０１０５１９４９１２３１００２ｘ"
ARABIC_INDIC_ID = "".join(chr(0x0660 + int(c)) for c in "11010519491231002") + "X"


def test_full_width_numbers_normalise_to_ascii_and_other_scripts_do_not_pass() -> None:
    # Python's \d and int() take any script's digits: the checks must not.
    assert normalize_id_number(FULL_WIDTH_ID) == "11010519491231002X"
    assert check_id_number(FULL_WIDTH_ID) is None
    assert check_id_number(ARABIC_INDIC_ID) is not None
    assert check_phone("１３８００１３８０００") is None
    assert check_phone("١٣٨٠٠١٣٨٠٠٠") is not None
    assert check_uscc("９１３５０１００Ｍ０００１００Ｙ４３") is None
    assert check_uscc("91350100M٠٠٠100Y43") is not None
    assert check_unit_no("４４２０００００１００１ＧＢ００００１Ｆ０００１０００１") is None
    assert check_unit_no("442000001001GB00001F0001000١") is not None
    assert normalize_cert_no("粤(２０２１)中山市不动产权第０１２３４５６号") == (
        "粤（2021）中山市不动产权第0123456号"
    )
    assert check_cert_no("粤（2021）中山市不动产权第٠123456号") is not None


@pytest.mark.parametrize("text", ["\u200b", "张\u202e伟", "张\u200d伟", "张\u0000伟", "\u2800"])
def test_text_with_invisible_characters_says_why(text: str) -> None:
    assert check_visible_text(text) is not None


def test_visible_text_passes_and_only_multiline_text_keeps_line_breaks() -> None:
    assert check_visible_text("") is None
    assert check_visible_text("张伟") is None
    assert check_visible_text("第一行\n第二行", multiline=True) is None
    assert check_visible_text("第一行\n第二行") is not None
