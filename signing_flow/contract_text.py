"""The articles of the sale contract (广东省存量房买卖合同) made from the contract's terms
(``sale_contract``): each a title and its lines, in the order the contract prints them.
``documents`` numbers them and puts them between the parties and the signatures.

Every choice is printed as the sentence its label holds, never as its stored value: an unknown
or missing value prints as 未约定, so a draft that has not been through the rules still renders.
The same contract always gives the same lines (lists with an order of their own, such as the
delivery conditions, are printed in the vocabulary's order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from signing_flow.chinese_numerals import (
    CAPITAL_LIMIT_FEN,
    capital_amount,
    small_number,
    yen_figures,
)
from signing_flow.models import Contract
from signing_flow.sale_contract import Ancillary, Annex, Lease, Mortgage, Penalty
from signing_flow.sale_terms import (
    BEARER_LABELS,
    DELIVERY_CONDITION_LABELS,
    DEPOSIT_RULE_LABELS,
    DISPUTE_MODE_LABELS,
    FEE_LABELS,
    LOAN_KIND_LABELS,
    LOAN_SHORTFALL_LABELS,
    PROPERTY_NATURE_LABELS,
    PROPERTY_USE_LABELS,
    TENANT_NOTICE_LABELS,
    DeliveryCondition,
    PenaltyMode,
    PropertyUse,
)
from signing_flow.terms import PAYMENT_METHOD_LABELS

Article = tuple[str, list[str]]

UNSET = "未约定"
INDENT = "  "
CIVIL_CODE = "《中华人民共和国民法典》"


def date_text(d: date | None) -> str:
    """2027年6月30日"""
    return f"{d.year}年{d.month}月{d.day}日" if d else f"（日期{UNSET}）"


def money(fen: int | None) -> str:
    """¥1,980,000.00（人民币壹佰玖拾捌万元整）: figures and capitals, as contracts write sums."""
    if fen is None:
        return f"（金额{UNSET}）"
    if not 0 <= fen < CAPITAL_LIMIT_FEN:  # refused by the rules; a draft still renders
        return yen_figures(fen)
    return f"{yen_figures(fen)}（{capital_amount(fen)}）"


def label(labels: Mapping[str, str], value: str | None) -> str:
    return labels.get(value or "", f"（{UNSET}）")


def numbered(items: Iterable[str], *, last: str = "；", arabic: bool = False) -> list[str]:
    """（一）…；（二）…。 — the items of one enumeration, the last closing the sentence;
    ``arabic`` numbers items inside a clause (1. …；2. …。)."""
    texts = list(items)
    return [
        f"{f'{i}. ' if arabic else f'（{small_number(i)}）'}{text}{'。' if i == len(texts) else last}"
        for i, text in enumerate(texts, 1)
    ]


def clauses(items: Iterable[str]) -> list[str]:
    """（一）…。（二）…。 — an article's clauses, each a sentence of its own."""
    return numbered(items, last="。")


# Agents often number an annex in its name (附件一：清单). The contract numbers its annexes
# itself, so that numbering is left out instead of printed twice (附件一《附件一：清单》).
_OWN_NUMBERING = re.compile(r"^附件\s*[0-9一二三四五六七八九十]+\s*[：:、.．\s]\s*")


def annex_title(i: int, annex: Annex) -> str:
    name = _OWN_NUMBERING.sub("", annex.name).strip() or annex.name
    return f"附件{small_number(i)}《{name or UNSET}》"


# 房屋基本情况


def _mortgage(m: Mortgage) -> str:
    if m.mortgaged is None:
        return UNSET
    if not m.mortgaged:
        return "该房屋未设定抵押"
    if m.discharge_before_transfer is None:
        return f"该房屋已设定抵押，抵押的处理方式{UNSET}"
    if m.discharge_before_transfer:
        by = f"、且不迟于{date_text(m.discharge_by)}" if m.discharge_by else ""
        return f"该房屋已设定抵押，甲方应在申请办理转移登记前{by}清偿所担保的债务并注销抵押登记"
    return (
        "该房屋已设定抵押，甲乙双方约定不先行注销抵押，以带押过户方式办理转移登记；"
        f"甲方应及时通知抵押权人（{CIVIL_CODE}第四百零六条），并配合乙方与抵押权人办理相关手续"
    )


def _lease(lease: Lease) -> str:
    if lease.leased is None:
        return UNSET
    if not lease.leased:
        return "该房屋未出租"
    if lease.tenant_notice not in TENANT_NOTICE_LABELS:
        return f"该房屋已出租，承租人优先购买权的处理{UNSET}"
    return (
        f"该房屋已出租，{TENANT_NOTICE_LABELS[lease.tenant_notice]}（{CIVIL_CODE}第七百二十六条）"
    )


def _ancillary(item: Ancillary) -> str:
    if item.price_fen is None:
        price = f"价款{UNSET}"
    elif item.price_fen == 0:
        price = "不另计价"
    else:
        price = f"价款{money(item.price_fen)}"
    return f"{item.name or UNSET}，{price}"


def property_article(c: Contract) -> Article:
    p, t = c.property, c.property_terms
    lines = clauses(
        [
            f"房屋坐落：{p.address}",
            f"不动产权证书号：{p.cert_no}；不动产单元号：{p.unit_no}",
            f"建筑面积：{p.area_m2}平方米",
            f"规划用途：{label(PROPERTY_USE_LABELS, t.use)}；"
            f"房屋性质：{label(PROPERTY_NATURE_LABELS, t.nature)}",
            f"抵押情况：{_mortgage(t.mortgage)}",
            f"租赁情况：{_lease(t.lease)}",
            "附属设施：" + ("下列附属设施随房屋一并转让" if t.ancillaries else "无"),
        ]
    )
    if t.ancillaries:
        lines[-1] = lines[-1].removesuffix("。") + "："
        items = numbered((_ancillary(a) for a in t.ancillaries), arabic=True)
        lines += [INDENT + line for line in items]
    return "房屋基本情况", lines


# 成交价格


def price_article(c: Contract) -> Article:
    lines = [f"该房屋成交总价为{money(c.price_fen)}。"]
    priced = [a.price_fen for a in c.property_terms.ancillaries if a.price_fen]
    if priced and c.price_fen is not None and sum(priced) <= c.price_fen:
        lines.append(
            f"成交总价包含房屋价款{money(c.price_fen - sum(priced))}"
            f"及附属设施价款{money(sum(priced))}。"
        )
    return "成交价格", lines


# 付款方式 (资金监管, the guide's own choice, follows it: ``documents``)


def payment_article(c: Contract) -> Article:
    """Only the instalments the schedule has: paid at once, the first one is the whole price."""
    pay = c.payment
    method = label(PAYMENT_METHOD_LABELS, c.payment_method)
    # No loan and no balance: the "down payment" is the whole price (一次性付款).
    first = "房价款" if pay.loan is None and pay.balance is None else "首付款"
    items: list[str] = []
    # No deposit (none or 0) is what the rules take it for: no date, no deposit rule.
    if not pay.deposit_fen:
        items.append("定金：本合同不设定金")
    else:
        items.append(
            f"定金：乙方应于{date_text(pay.deposit_due)}前支付定金{money(pay.deposit_fen)}。"
            f"定金在乙方支付{first}时抵作{first}"
        )
    down = pay.down_payment
    whole = "一次性支付全部房价款" if first == "房价款" else "支付首付款"
    down_text = f"{first}：乙方应于{date_text(down.due)}前{whole}{money(down.amount_fen)}"
    if pay.deposit_fen and down.amount_fen is not None and down.amount_fen >= pay.deposit_fen:
        down_text += (
            f"。{first}含已付定金，扣除定金后乙方应另行支付"
            f"{money(down.amount_fen - pay.deposit_fen)}"
        )
    items.append(down_text)
    if (loan := pay.loan) is not None:
        items.append(
            f"贷款：乙方以{label(LOAN_KIND_LABELS, loan.kind)}方式向{loan.bank or f'（贷款银行{UNSET}）'}"
            f"申请贷款{money(loan.amount_fen)}，贷款应于{date_text(loan.due)}前发放。"
            "贷款申请未获批准或批准金额不足的，"
            + LOAN_SHORTFALL_LABELS.get(pay.loan_shortfall or "", f"其处理方式{UNSET}")
        )
    if (balance := pay.balance) is not None:
        items.append(f"余款：乙方应于{date_text(balance.due)}前支付余款{money(balance.amount_fen)}")
    return "付款方式", [f"乙方以{method}方式支付房价款，具体如下：", *clauses(items)]


# 税费承担


def taxes_article(c: Contract) -> Article:
    items = [
        f"{name}{BEARER_LABELS[c.taxes[fee]]}"
        if c.taxes.get(fee) in BEARER_LABELS
        else f"{name}的承担：{UNSET}"
        for fee, name in FEE_LABELS.items()
    ]
    return "税费承担", ["本次交易涉及的税费按下列约定承担：", *numbered(items)]


# 转移登记、房屋交付、户口迁出


def registration_article(c: Contract) -> Article:
    by = date_text(c.transfer.registration_by)
    return "转移登记", [f"甲乙双方应于{by}前共同向不动产登记机构申请办理该房屋的转移登记。"]


def delivery_article(c: Contract) -> Article:
    lines = [f"甲方应于{date_text(c.delivery_date)}前将该房屋交付乙方。"]
    chosen = set(c.transfer.delivery_conditions)
    conditions = [text for code, text in DELIVERY_CONDITION_LABELS.items() if code in chosen]
    if not conditions:
        return "房屋交付", [*lines, f"交付条件：{UNSET}。"]
    listing = next((i for i, a in enumerate(c.annexes, 1) if a.is_furnishings_list()), None)
    if listing is not None:
        # "…按附件清单一并交付" names the list it means: "…按附件一《…清单》一并交付"
        furnishings = DELIVERY_CONDITION_LABELS[DeliveryCondition.FURNISHINGS_PER_LIST]
        named = furnishings.replace("附件清单", annex_title(listing, c.annexes[listing - 1]))
        conditions = [named if text == furnishings else text for text in conditions]
    return "房屋交付", [*lines, "交付时应符合下列条件：", *numbered(conditions)]


def hukou_article(c: Contract) -> Article:
    t = c.transfer
    use = c.property_terms.use
    if (
        use in PROPERTY_USE_LABELS
        and use != PropertyUse.RESIDENTIAL
        and t.hukou_move_out_by is None
    ):
        return "户口迁出", [f"该房屋规划用途为{PROPERTY_USE_LABELS[use]}，不涉及户口迁出。"]
    return "户口迁出", [
        f"甲方应于{date_text(t.hukou_move_out_by)}前将登记在该房屋的户口全部迁出。"
        f"逾期未迁出的，甲方应向乙方支付违约金{money(t.hukou_penalty_fen)}。"
    ]


# 违约责任、合同解除、争议解决


def _penalty(p: Penalty, payee: str, base: str, until: str) -> str:
    """What the late side pays ``payee``: a daily rate of ``base``, or a fixed sum."""
    if p.mode == PenaltyMode.DAILY_RATE:
        rate = f"万分之{small_number(p.daily_rate_bp)}" if p.daily_rate_bp is not None else UNSET
        return f"每日按{base}的{rate}向{payee}支付违约金，直至{until}之日止"
    if p.mode == PenaltyMode.FIXED_SUM:
        return f"应向{payee}支付违约金{money(p.fixed_fen)}"
    return f"违约金{UNSET}"


def breach_article(c: Contract) -> Article:
    b = c.breach
    days = (
        f"{b.terminate_after_days}日" if b.terminate_after_days is not None else f"（天数{UNSET}）"
    )
    late_payment = _penalty(b.late_payment, "甲方", "逾期未付款项", "实际付款")
    late_delivery = _penalty(b.late_delivery, "乙方", "房屋成交总价", "实际交付")
    items = [
        f"逾期付款：乙方未按本合同约定期限付款的，{late_payment}",
        f"逾期交房：甲方未按本合同约定期限交付房屋的，{late_delivery}",
        f"乙方逾期付款超过{days}，或甲方逾期交付房屋超过{days}的，守约方有权解除本合同，"
        "违约方仍应按本条约定支付违约金",
    ]
    if c.payment.deposit_fen:  # without a deposit there is no deposit rule (payment_rules)
        items.append(f"定金罚则：{DEPOSIT_RULE_LABELS.get(b.deposit_rule or '', UNSET)}")
    return "违约责任", clauses(items)


def termination_article(c: Contract) -> Article:
    return "合同解除", clauses(
        [
            "有前条第三项约定情形的，守约方可以解除本合同",
            "甲乙双方协商一致的，可以解除本合同",
            "一方依照本合同约定解除合同的，应当以书面形式通知对方，本合同自通知到达对方时解除",
            "本合同解除后，甲乙双方应共同申请注销本合同的网签备案",
        ]
    )


def dispute_article(c: Contract) -> Article:
    mode = DISPUTE_MODE_LABELS.get(c.dispute or "", f"争议解决方式{UNSET}")
    return "争议解决", [f"因本合同发生的争议，由甲乙双方协商解决；协商不成的，{mode}。"]


# 补充条款、附件


def supplementary_article(c: Contract) -> Article:
    text = c.supplementary_terms
    if not text or not text.strip():
        return "补充条款", ["无。"]
    # The parties' own words, printed as they wrote them.
    return "补充条款", ["甲乙双方约定的补充条款如下：", *text.split("\n")]


def annexes_article(c: Contract) -> Article:
    if not c.annexes:
        return "附件", ["无。"]
    titles = "；".join(annex_title(i, a) for i, a in enumerate(c.annexes, 1))
    return "附件", [
        f"本合同附件共{small_number(len(c.annexes))}份：{titles}。",
        "附件是本合同的组成部分，与本合同具有同等效力。",
    ]


def annex_texts(c: Contract) -> list[str]:
    """Each annex after the articles: its text as written, or where its image is."""
    lines: list[str] = []
    for i, annex in enumerate(c.annexes, 1):
        lines += ["", annex_title(i, annex)]
        if annex.text:
            lines += annex.text.split("\n")
        if annex.file_id:
            digest = f"，SHA-256：{annex.sha256}" if annex.sha256 else ""
            lines.append(f"见上传图片（文件编号 {annex.file_id}{digest}）")
        if not annex.text and not annex.file_id:
            lines.append(f"内容{UNSET}。")
    return lines
