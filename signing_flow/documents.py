"""The documents the parties sign, rendered deterministically: the same contract always gives
the same text, so its SHA-256 identifies what was shown and signed.

The sale contract is the parties, then numbered articles (the terms' articles come from
``contract_text``; fund supervision, the guide's own choice, is here with the waiver statement it
may carry), then the annexes, the acknowledgements and the signing sentence.

ID numbers are masked in the document: every party reads the same text, and no party may see
another's full number (DESIGN §9).
"""

from __future__ import annotations

import hashlib

from signing_flow.chinese_numerals import small_number
from signing_flow.contract_text import (
    INDENT,
    UNSET,
    Article,
    annex_texts,
    annexes_article,
    breach_article,
    delivery_article,
    dispute_article,
    hukou_article,
    payment_article,
    price_article,
    property_article,
    registration_article,
    supplementary_article,
    taxes_article,
    termination_article,
)
from signing_flow.models import Contract, Party
from signing_flow.terms import (
    ACKNOWLEDGEMENT_TEXTS,
    BANK_CONTRACT_NAMES,
    CO_OWNERSHIP_LABELS,
    ID_TYPE_LABELS,
    CoOwnership,
)
from signing_flow.validators import mask_id_number

WAIVER_STATEMENT = (
    "自愿放弃存量房交易资金监管的共同声明：买卖双方经协商一致，自愿不选择存量房交易资金监管，"
    "自行承担交易资金支付的风险。"
)
SALE_CONTRACT_TITLE = "广东省存量房买卖合同（中山市）"
PREAMBLE = (
    "根据《中华人民共和国民法典》及有关法律、法规的规定，甲乙双方在平等、自愿、协商一致的基础上，"
    "就乙方购买甲方存量房屋的有关事宜，订立本合同。"
)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _party_line(i: int, p: Party) -> str:
    id_label = ID_TYPE_LABELS.get(p.id_type or "", "证件")
    share = f"，份额{p.share_bp / 100:.2f}%" if p.share_bp is not None else ""
    return (
        f"{INDENT}{i}. {p.name or UNSET}，{id_label}号码：{mask_id_number(p.id_number or '') or UNSET}"
        f"，联系电话：{mask_id_number(p.phone or '') or UNSET}{share}。"
    )


def _co_ownership(side: str, parties: list[Party], mode: str | None, selling: bool) -> list[str]:
    """How several sellers own the property, or several buyers will."""
    if len(parties) < 2:
        return []
    how = CO_OWNERSHIP_LABELS.get(mode or "")
    if selling:
        owned = f"{side}{how}该房屋" if how else f"{side}为该房屋的共有人"
        return [f"{owned}，全体共有人一致同意出卖该房屋。"]
    if how is None:
        return [f"{side}的共有方式：{UNSET}。"]
    shares = "，各人份额如上" if mode == CoOwnership.SHARES else ""
    return [f"{side}购买该房屋后{how}{shares}。"]


def _parties(c: Contract) -> list[str]:
    return [
        "出卖人（甲方）：",
        *([_party_line(i, p) for i, p in enumerate(c.sellers, 1)] or [INDENT + UNSET]),
        *_co_ownership("甲方", c.sellers, c.property.co_ownership, selling=True),
        "",
        "买受人（乙方）：",
        *([_party_line(i, p) for i, p in enumerate(c.buyers, 1)] or [INDENT + UNSET]),
        *_co_ownership("乙方", c.buyers, c.co_ownership, selling=False),
    ]


def _fund_supervision_article(c: Contract) -> Article:
    """The guide's own choice: a bank holds the money, or the parties sign the waiver."""
    fs = c.fund_supervision
    if fs.enabled is None:
        return "资金监管", [f"{UNSET}。"]
    if not fs.enabled:
        return "资金监管", ["甲乙双方不选择资金监管，并共同声明如下：", WAIVER_STATEMENT]
    bank = BANK_CONTRACT_NAMES.get(fs.bank or "", f"（监管银行{UNSET}）")
    return "资金监管", [
        f"甲乙双方选择由{bank}对本次交易资金进行监管。乙方支付的购房款及贷款银行发放的贷款"
        "均应存入资金监管账户，监管资金的划转按甲乙双方与监管银行签订的资金监管协议办理。"
    ]


def _articles(c: Contract) -> list[Article]:
    return [
        property_article(c),
        price_article(c),
        payment_article(c),
        _fund_supervision_article(c),
        taxes_article(c),
        registration_article(c),
        delivery_article(c),
        hukou_article(c),
        breach_article(c),
        # right after the breach article: its first clause refers to the one before it
        termination_article(c),
        dispute_article(c),
        supplementary_article(c),
        annexes_article(c),
    ]


def render_sale_contract(c: Contract) -> str:
    lines = [SALE_CONTRACT_TITLE, f"合同编号：{c.number}", "", *_parties(c), "", PREAMBLE]
    for i, (title, body) in enumerate(_articles(c), 1):
        lines += ["", f"第{small_number(i)}条 {title}", *body]
    lines += annex_texts(c)
    lines += [
        "",
        "注意事项",
        *[f"{INDENT}{i}. {text}。" for i, text in enumerate(ACKNOWLEDGEMENT_TEXTS.values(), 1)],
        "",
        "甲乙双方确认以上内容真实、准确，同意通过电子签名签署本合同并办理网签备案。"
        "本合同自甲乙双方全部完成电子签名之日起生效。",
    ]
    return "\n".join(lines) + "\n"


def render_cancellation_statement(c: Contract, reason: str) -> str:
    p = c.property
    lines = [
        "存量房买卖合同网签备案注销申请",
        f"合同编号：{c.number}",
        "",
        f"合同名称：{SALE_CONTRACT_TITLE}",
        f"房屋坐落：{p.address}",
        f"不动产权证书号：{p.cert_no}；不动产单元号：{p.unit_no}；建筑面积：{p.area_m2}平方米",
        "",
        *_parties(c),
        "",
        f"注销原因：{reason}",
        "",
        "甲乙双方协商一致，同意注销上述存量房买卖合同的网签备案。",
    ]
    return "\n".join(lines) + "\n"
