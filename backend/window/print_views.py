"""Printable forms for the window (HTML print views, in Chinese): what staff print for the
parties to sign at the counter (guide §3.2 (六), §5)."""

from __future__ import annotations

from html import escape

from signing_flow.documents import WAIVER_STATEMENT, render_sale_contract
from signing_flow.models import Contract, Party
from signing_flow.terms import ID_TYPE_LABELS
from signing_flow.usecases.window import window_purpose
from signing_flow.validators import mask_id_number
from signing_flow.vocabulary import OrderPurpose

FORMS = {
    "filing-application": "线下办理存量房买卖合同备案申请表",
    "contract": "广东省房地产买卖合同",
    "fund-waiver": "自愿放弃存量房交易资金监管的共同声明",
    "cancellation-application": "线下办理存量房买卖合同备案注销申请表",
    "termination-agreement": "存量房买卖合同终止协议",
}

_STYLE = (
    "body{font-family:'SimSun','Songti SC',serif;max-width:780px;margin:2em auto;line-height:1.7}"
    "h1{text-align:center;font-size:1.5em}table{border-collapse:collapse;width:100%}"
    "td,th{border:1px solid #000;padding:4px 8px;text-align:left}pre{white-space:pre-wrap;"
    "font-family:inherit}.sign{margin-top:3em}@media print{body{margin:0}}"
)


# The forms of each kind of window business (docs/window.md).
FORMS_OF = {
    OrderPurpose.FILING: ("filing-application", "contract", "fund-waiver"),
    OrderPurpose.CANCELLATION: ("cancellation-application", "termination-agreement", "contract"),
}


def available_forms(contract: Contract) -> list[str]:
    """The forms of the contract's window business (``window_purpose``); the fund-supervision
    waiver only when the parties chose no fund supervision."""
    kind = FORMS_OF[window_purpose(contract)]
    return [
        key
        for key in FORMS
        if key in kind and (key != "fund-waiver" or contract.fund_supervision.enabled is False)
    ]


def _party_rows(parties: list[Party], role: str) -> str:
    """Masked as in the printed contract (DESIGN §9): paper lies about at the counter, and
    staff check the original ID documents anyway."""
    return "".join(
        f"<tr><td>{role}</td><td>{escape(p.name or '')}</td>"
        f"<td>{escape(ID_TYPE_LABELS.get(p.id_type or '', p.id_type or ''))}</td>"
        f"<td>{escape(mask_id_number(p.id_number or ''))}</td>"
        f"<td>{escape(mask_id_number(p.phone or ''))}</td><td></td></tr>"
        for p in parties
    )


def render_form(contract: Contract, key: str) -> str:
    title = FORMS[key]
    c = contract
    head = (
        f"<p>合同编号：{escape(c.number)}</p>"
        f"<p>房屋坐落：{escape(c.property.address)}</p>"
        f"<p>不动产权证号：{escape(c.property.cert_no)}　不动产单元号：{escape(c.property.unit_no)}</p>"
    )
    parties = (
        "<table><tr><th>身份</th><th>姓名</th><th>证件类型</th><th>证件号码</th><th>电话</th>"
        "<th>签字</th></tr>"
        + _party_rows(c.sellers, "甲方（卖方）")
        + _party_rows(c.buyers, "乙方（买方）")
        + "</table>"
    )
    reason = escape((c.window_case.reason if c.window_case else c.cancellation_reason) or "")
    if key == "contract":
        body = f"<pre>{escape(render_sale_contract(c))}</pre>"
    elif key == "fund-waiver":
        body = f"<p>{escape(WAIVER_STATEMENT)}</p>{parties}"
    elif key == "termination-agreement":
        body = (
            f"<p>买卖双方经协商一致，同意终止上述存量房买卖合同。终止原因：{reason}</p>" + parties
        )
    elif key == "cancellation-application":
        body = f"<p>注销原因：{reason}</p>{parties}"
    else:
        body = parties
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{title}</h1>{head}{body}"
        '<p class="sign">经办人：＿＿＿＿＿＿　日期：＿＿＿＿年＿＿月＿＿日</p></body></html>'
    )
