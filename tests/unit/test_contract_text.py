"""The rendered sale contract: the whole 广东省存量房买卖合同 in the model's order, amounts in
figures and capitals, every choice a sentence, IDs and phones masked, the same text every time.

The complete contract of ``tests/unit/rendered_contract_fixture.py`` is compared byte for byte with
``tests/golden/sale_contract_joint_shares_loan_ccb.txt``. After an intended change of the text,
run ``WANGQIAN_UPDATE_GOLDEN=1 pytest tests/unit/test_contract_text.py`` to rewrite the golden
file, and read its diff before committing (``tests/golden_files.py``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from signing_flow.documents import (
    WAIVER_STATEMENT,
    render_cancellation_statement,
    render_sale_contract,
    sha256_hex,
)
from signing_flow.models import Contract, FundSupervision
from signing_flow.sale_contract import (
    Annex,
    BreachTerms,
    Lease,
    Loan,
    Mortgage,
    Penalty,
    PropertyTerms,
)
from signing_flow.sale_terms import (
    Bearer,
    DisputeMode,
    Fee,
    PenaltyMode,
    PropertyUse,
    TenantNotice,
)
from signing_flow.validators import mask_id_number
from tests.golden_files import assert_matches_golden
from tests.unit.rendered_contract_fixture import BUYERS, SELLERS, empty_draft, sale_contract

ARTICLES = [
    "房屋基本情况",
    "成交价格",
    "付款方式",
    "资金监管",
    "税费承担",
    "转移登记",
    "房屋交付",
    "户口迁出",
    "违约责任",
    "合同解除",
    "争议解决",
    "补充条款",
    "附件",
]
UNSET_DATE = "（日期未约定）"
NUMBERS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]


def text_of(c: Contract) -> str:
    return render_sale_contract(c)


def article(text: str, title: str) -> str:
    """The body of the article titled ``title``."""
    match = re.search(rf"^第[一二三四五六七八九十]+条 {title}\n(.*?)(?=\n\n|\Z)", text, re.M | re.S)
    assert match, f"no article {title}"
    return match.group(1)


def test_the_complete_contract_matches_its_golden_file() -> None:
    assert_matches_golden("sale_contract_joint_shares_loan_ccb.txt", text_of(sale_contract()))


def test_the_same_contract_always_gives_the_same_text_and_hash() -> None:
    first, second = text_of(sale_contract()), text_of(sale_contract())
    assert first == second and sha256_hex(first) == sha256_hex(second)
    # the order the agent ticked the delivery conditions in does not matter
    c = sale_contract()
    c.transfer.delivery_conditions.reverse()
    assert text_of(c) == first


def test_the_articles_are_numbered_in_the_models_order() -> None:
    headings = re.findall(r"^第(.+?)条 (.+)$", text_of(sale_contract()), re.M)
    assert headings == list(zip(NUMBERS, ARTICLES, strict=True))


def test_every_amount_is_written_in_figures_and_in_capitals() -> None:
    text = text_of(sale_contract())
    for sum_in_words in [
        "成交总价为¥1,980,000.00（人民币壹佰玖拾捌万元整）",
        "房屋价款¥1,830,000.00（人民币壹佰捌拾叁万元整）",
        "附属设施价款¥150,000.00（人民币壹拾伍万元整）",
        "支付定金¥50,000.00（人民币伍万元整）",
        "支付首付款¥600,000.00（人民币陆拾万元整）",
        "另行支付¥550,000.00（人民币伍拾伍万元整）",
        "申请贷款¥1,200,000.00（人民币壹佰贰拾万元整）",
        "支付余款¥180,000.00（人民币壹拾捌万元整）",
        "支付违约金¥20,000.00（人民币贰万元整）",
    ]:
        assert sum_in_words in text
    figures = re.findall(r"¥[\d,]+\.\d\d(?!（人民币)", text)
    assert figures == []  # no amount in figures alone


def test_id_numbers_and_phones_are_masked() -> None:
    text = text_of(sale_contract())
    for person in [*SELLERS, *BUYERS]:
        id_number, phone = person[1], person[2]
        assert id_number not in text and phone not in text
        assert f"居民身份证号码：{mask_id_number(id_number)}" in text
        assert f"联系电话：{mask_id_number(phone)}" in text


def test_the_parties_read_with_their_co_ownership_and_shares() -> None:
    text = text_of(sale_contract())
    assert "甲方共同共有该房屋，全体共有人一致同意出卖该房屋。" in text
    assert "陈明" in text and "份额60.00%" in text and "份额40.00%" in text
    assert "乙方购买该房屋后按份共有，各人份额如上。" in text


def test_every_choice_reads_as_a_sentence_and_none_as_its_stored_value() -> None:
    text = text_of(sale_contract())
    without_file_ids = text.replace("f-20270225-0001", "").replace("ab" * 32, "")
    assert not re.search(r"[a-z_]{2,}", without_file_ids)
    assert "以商业贷款方式向中国建设银行中山分行申请贷款" in text
    assert "贷款申请未获批准或批准金额不足的，乙方应于收到银行不予贷款" in text
    assert "每日按逾期未付款项的万分之五向甲方支付违约金" in text
    assert "每日按房屋成交总价的万分之五向乙方支付违约金" in text
    assert "乙方逾期付款超过30日，或甲方逾期交付房屋超过30日的，守约方有权解除本合同" in text
    assert "定金罚则：给付定金的乙方不履行债务" in text
    assert "协商不成的，提交中山仲裁委员会仲裁。" in text
    assert "定金在乙方支付首付款时抵作首付款" in text
    assert "甲乙双方应于2027年4月30日前共同向不动产登记机构申请办理该房屋的转移登记。" in text
    assert "甲方应于2027年6月30日前将该房屋交付乙方。" in text
    assert "室内现有装修及设施设备按附件一《室内家具家电清单》一并交付。" in text
    assert "甲方应于2027年7月31日前将登记在该房屋的户口全部迁出。" in text
    assert "甲乙双方选择由中国建设银行对本次交易资金进行监管。" in text


def test_taxes_read_one_sentence_per_fee_in_the_fee_order() -> None:
    c = sale_contract()
    c.taxes = {Fee.DEED_TAX: Bearer.BUYER, Fee.AGENCY_FEE: Bearer.SELLER}
    body = article(text_of(c), "税费承担").splitlines()
    assert body == [
        "本次交易涉及的税费按下列约定承担：",
        "（一）契税全部由乙方承担；",
        "（二）增值税及附加的承担：未约定；",
        "（三）个人所得税的承担：未约定；",
        "（四）印花税的承担：未约定；",
        "（五）不动产登记费的承担：未约定；",
        "（六）中介服务费全部由甲方承担。",
    ]


def test_the_waiver_statement_stays_when_there_is_no_fund_supervision() -> None:
    c = sale_contract()
    c.fund_supervision = FundSupervision(enabled=False)
    body = article(text_of(c), "资金监管")
    assert body.splitlines() == ["甲乙双方不选择资金监管，并共同声明如下：", WAIVER_STATEMENT]
    assert WAIVER_STATEMENT not in text_of(sale_contract())


@pytest.mark.parametrize(
    ("mortgage", "sentence"),
    [
        (Mortgage(mortgaged=False), "抵押情况：该房屋未设定抵押。"),
        (
            Mortgage(
                mortgaged=True, discharge_before_transfer=True, discharge_by=date(2027, 4, 15)
            ),
            "抵押情况：该房屋已设定抵押，甲方应在申请办理转移登记前、且不迟于2027年4月15日"
            "清偿所担保的债务并注销抵押登记。",
        ),
        (
            Mortgage(mortgaged=True, discharge_before_transfer=False),
            "抵押情况：该房屋已设定抵押，甲乙双方约定不先行注销抵押，以带押过户方式办理转移登记；",
        ),
    ],
)
def test_the_mortgage_reads_with_its_discharge_plan(mortgage: Mortgage, sentence: str) -> None:
    c = sale_contract()
    c.property_terms.mortgage = mortgage
    assert sentence in text_of(c)


@pytest.mark.parametrize(
    ("notice", "sentence"),
    [
        (TenantNotice.WAIVED, "该房屋已出租，承租人已书面放弃优先购买权"),
        (TenantNotice.NOTIFIED, "该房屋已出租，甲方已于出卖前合理期限内通知承租人"),
    ],
)
def test_a_lease_reads_with_the_tenants_pre_emptive_right(notice: str, sentence: str) -> None:
    c = sale_contract()
    c.property_terms.lease = Lease(leased=True, tenant_notice=notice)
    text = text_of(c)
    assert sentence in text and "《中华人民共和国民法典》第七百二十六条" in text


def test_a_fixed_penalty_and_the_court_read_as_chosen() -> None:
    c = sale_contract()
    c.breach.late_delivery = Penalty(mode=PenaltyMode.FIXED_SUM, fixed_fen=3_000_050)
    c.dispute = DisputeMode.COURT
    text = text_of(c)
    assert (
        "甲方未按本合同约定期限交付房屋的，应向乙方支付违约金¥30,000.50（人民币叁万元伍角）。"
        in text
    )
    assert "协商不成的，依法向房屋所在地人民法院起诉。" in text and "仲裁" not in text


def test_a_property_not_for_living_needs_no_household_move_out() -> None:
    c = sale_contract()
    c.property_terms.use = PropertyUse.COMMERCIAL
    c.transfer.hukou_move_out_by = c.transfer.hukou_penalty_fen = None
    assert article(text_of(c), "户口迁出") == "该房屋规划用途为商业，不涉及户口迁出。"


def test_supplementary_terms_and_annexes_are_printed_as_written() -> None:
    text = text_of(sale_contract())
    assert "甲方应于交付前自行清理阳台杂物。\n双方同意交付当日共同抄录水、电、燃气表读数。" in text
    assert "本合同附件共二份：附件一《室内家具家电清单》；附件二《定金收据》。" in text
    assert "\n附件一《室内家具家电清单》\n客厅：三人位布艺沙发一张" in text
    # the image's digest is in the text, so the signed hash covers the image itself
    digest = "ab" * 32
    assert (
        f"\n附件二《定金收据》\n见上传图片（文件编号 f-20270225-0001，SHA-256：{digest}）\n" in text
    )
    bare = replace(sale_contract(), supplementary_terms=None, annexes=[])
    assert article(text_of(bare), "补充条款") == "无。" and article(text_of(bare), "附件") == "无。"


def test_an_empty_draft_renders_with_what_is_missing_as_not_agreed() -> None:
    text = text_of(empty_draft())
    headings = re.findall(r"^第.+?条 (.+)$", text, re.M)
    assert headings == ARTICLES
    assert article(text, "成交价格") == "该房屋成交总价为（金额未约定）。"
    assert article(text, "资金监管") == "未约定。"
    assert "买受人（乙方）：\n  未约定" in text
    assert "协商不成的，争议解决方式未约定。" in text


def test_values_the_rules_would_refuse_still_render_and_never_as_codes() -> None:
    c = sale_contract()
    c.price_fen = -5
    c.payment.deposit_fen = 10**20
    c.payment.loan = Loan(kind="bogus_kind")
    c.payment.loan_shortfall = "bogus_shortfall"
    c.property_terms = PropertyTerms(use="bogus_use", mortgage=Mortgage(mortgaged=True))
    c.breach = BreachTerms(late_payment=Penalty(mode=PenaltyMode.DAILY_RATE))
    c.taxes = {"bogus_fee": "bogus_bearer", Fee.VAT: "bogus_bearer"}
    c.annexes = [Annex()]
    text = text_of(c)
    assert "bogus" not in text
    assert "成交总价为¥-0.05。" in text and "¥1,000,000,000,000,000,000.00" in text
    assert "每日按逾期未付款项的未约定向甲方支付违约金" in text


def test_the_cancellation_statement_names_the_contract_and_masks_the_parties() -> None:
    c = sale_contract()
    text = render_cancellation_statement(c, "买方贷款未获批准")
    assert "注销原因：买方贷款未获批准" in text and c.number in text
    assert all(person[1] not in text for person in [*SELLERS, *BUYERS])


def test_a_price_paid_at_once_reads_as_the_whole_price_without_loan_or_balance() -> None:
    c = sale_contract()
    c.payment.loan = c.payment.balance = c.payment.loan_shortfall = None
    c.payment.down_payment.amount_fen = c.price_fen
    body = article(text_of(c), "付款方式").splitlines()
    assert body[2:] == [
        "（二）房价款：乙方应于2027年3月15日前一次性支付全部房价款¥1,980,000.00"
        "（人民币壹佰玖拾捌万元整）。房价款含已付定金，扣除定金后乙方应另行支付"
        "¥1,930,000.00（人民币壹佰玖拾叁万元整）。"
    ]
    assert body[1].endswith("定金在乙方支付房价款时抵作房价款。")


@pytest.mark.parametrize("deposit", [None, 0])
def test_without_a_deposit_there_is_neither_a_deposit_nor_a_deposit_rule(
    deposit: int | None,
) -> None:
    c = sale_contract()
    c.payment.deposit_fen, c.payment.deposit_due, c.breach.deposit_rule = deposit, None, None
    text = text_of(c)
    assert "（一）定金：本合同不设定金。" in text
    assert "定金罚则" not in text and UNSET_DATE not in text


def test_an_annex_numbered_in_its_name_is_not_numbered_twice() -> None:
    c = sale_contract()
    c.annexes[0].name = "附件一：室内家具家电清单"
    c.annexes[1].name = "附件 2、定金收据"
    text = text_of(c)
    assert "本合同附件共二份：附件一《室内家具家电清单》；附件二《定金收据》。" in text
    assert "《附件" not in text
