"""The documents the parties sign, rendered deterministically: the same contract always gives
the same text, so its SHA-256 identifies what was shown and signed.

ID numbers are masked in the document: every party reads the same text, and no party may see
another's full number (DESIGN §9).
"""

from __future__ import annotations

import hashlib

from signing_flow.models import Contract, Party
from signing_flow.terms import (
    ACKNOWLEDGEMENT_TEXTS,
    BANK_LABELS,
    CO_OWNERSHIP_LABELS,
    ID_TYPE_LABELS,
    PAYMENT_METHOD_LABELS,
)
from signing_flow.validators import mask_id_number

WAIVER_STATEMENT = (
    "自愿放弃存量房交易资金监管的共同声明：买卖双方经协商一致，自愿不选择存量房交易资金监管，"
    "自行承担交易资金支付的风险。"
)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _yuan(fen: int) -> str:
    return f"人民币 {fen // 100:,}.{fen % 100:02d} 元"


def _party_line(p: Party) -> str:
    share = f"，份额 {p.share_bp / 100:.2f}%" if p.share_bp is not None else ""
    return (
        f"  {p.name}（{ID_TYPE_LABELS.get(p.id_type or '', p.id_type)}：{mask_id_number(p.id_number or '')}"
        f"，电话：{mask_id_number(p.phone or '')}{share}）"
    )


def _header(c: Contract, title: str) -> list[str]:
    return [
        title,
        f"合同编号：{c.number}",
        "",
        "房屋信息",
        f"  坐落：{c.property.address}",
        f"  不动产权证号：{c.property.cert_no}",
        f"  不动产单元号：{c.property.unit_no}",
        f"  建筑面积：{c.property.area_m2} 平方米",
        "",
        "甲方（卖方）",
        *[_party_line(p) for p in c.sellers],
        "乙方（买方）",
        *[_party_line(p) for p in c.buyers],
    ]


def render_sale_contract(c: Contract) -> str:
    lines = _header(c, "广东省存量房买卖合同（中山市）")
    if len(c.buyers) > 1:
        lines.append(f"  乙方共有性质：{CO_OWNERSHIP_LABELS.get(c.co_ownership or '', '')}")
    lines += [
        "",
        f"第一条 成交价格：{_yuan(c.price_fen or 0)}。",
        f"第二条 付款方式：{PAYMENT_METHOD_LABELS.get(c.payment_method or '', '')}。",
        f"第三条 交付日期：甲方应于 {c.delivery_date} 前将房屋交付乙方。",
    ]
    if c.fund_supervision.enabled:
        lines.append(
            f"第四条 资金监管：交易资金由{BANK_LABELS.get(c.fund_supervision.bank or '', '')}监管。"
        )
    else:
        lines += ["第四条 资金监管：不选择资金监管。", "", WAIVER_STATEMENT]
    lines += [
        "",
        "注意事项",
        *[f"  {i}. {text}" for i, text in enumerate(ACKNOWLEDGEMENT_TEXTS.values(), 1)],
        "",
        "买卖双方确认以上内容真实、准确，同意通过电子签名签署本合同并办理网签备案。",
    ]
    return "\n".join(lines) + "\n"


def render_cancellation_statement(c: Contract, reason: str) -> str:
    lines = _header(c, "存量房买卖合同网签备案注销申请")
    lines += [
        "",
        f"注销原因：{reason}",
        "",
        "买卖双方协商一致，同意注销上述存量房买卖合同的网签备案。",
    ]
    return "\n".join(lines) + "\n"
