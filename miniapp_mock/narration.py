"""What ``wangqian simulate`` prints: the header with the expected outcome, the agent's status
lines and the summary. Labels come from the server's answers; only the expectations stated
before the first call are worded here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from miniapp_mock.run import SimulationResult
from miniapp_mock.scenario import Scenario
from miniapp_mock.simulate_options import Options

CITY_TZ = ZoneInfo("Asia/Shanghai")

# The outcomes a run can end in, described for the header before the server has said anything;
# the summary uses the server's own labels.
OUTCOMES = {
    "filed": "已签约 (every party signed, the agent filed)",
    "failed": "订单失效 (a party was locked out after 3 failed checks)",
    "declined": "当事人拒绝签署 (a party declined)",
    "cancelled": "已注销电子合同订单 (a party gave up; the agent cancelled the order)",
}


def hhmmss(iso: str) -> str:
    """A time from the API as Zhongshan's clock shows it, with the date when not today."""
    try:
        local = datetime.fromisoformat(iso).astimezone(CITY_TZ)
    except ValueError:
        return iso
    today = datetime.now(CITY_TZ).date()
    return local.strftime("%H:%M:%S" if local.date() == today else "%Y-%m-%d %H:%M:%S")


def short(token_url: str) -> str:
    """A QR link with its token cut short: enough to recognise, too little to use."""
    head, sep, token = token_url.partition("token=")
    return f"{head}{sep}{token[:8]}…" if sep else token_url


def progress_key(order: Mapping[str, Any]) -> tuple[str, int]:
    """What the agent's status screen reports on: the order's status and how many signed."""
    return order["status"], sum(1 for p in order["parties"] if p["step"] == "signed")


def progress_line(order: Mapping[str, Any]) -> str:
    _, signed = progress_key(order)
    return (
        f"签名状态 v{order['version']}：{order['status_label']}"
        f"（已签 {signed}/{len(order['parties'])}）"
    )


def header(options: Options, scenario: Scenario, expected: str) -> list[str]:
    buyers = "，".join(
        f"{b.name} {b.share_bp / 100:g}%" if b.share_bp else b.name for b in scenario.buyers
    )
    lines = [
        "wangqian simulate — 存量房网签电子签名握手 (e-signing handshake, sandbox)",
        f"  服务 {options.base_url} · 经纪人 {options.username} · 房源 {scenario.property_id}"
        f"（卖方 {len(scenario.sellers)} 人，买方 {buyers}）",
    ]
    if options.failures:
        lines.append("  注入失败 (--fail): " + "; ".join(f.describe() for f in options.failures))
    if options.declines:
        lines.append("  拒绝签署 (--decline): " + ", ".join(options.declines))
    lines.append(f"  预期结果 (expected): {expected} — {OUTCOMES[expected]}")
    return lines


def summary(result: SimulationResult) -> list[str]:
    order = result.order
    verdict = "与预期一致 ✓" if result.outcome == result.expected else "与预期不符 ✗"
    lines = [
        "",
        "小结 (summary)",
        f"  合同 {result.contract_number or '-'} · 订单 {order.get('id', '-')}",
        f"  结果 (outcome): {result.outcome} — 订单「{order.get('status_label', '-')}」，"
        f"合同「{order.get('contract_status_label', '-')}」；{verdict}（预期 {result.expected}）",
    ]
    walked = {p.party_id: p for p in result.parties}
    for progress in order.get("parties", []):
        run = walked.get(progress["party_id"])
        check = result.receipt_checks.get(progress["party_id"])
        extra = f"，失败 {progress['failed_checks']} 次" if progress["failed_checks"] else ""
        receipt = f"，回执验签 {'OK' if check.ok else 'FAILED'}" if check else ""
        via = f"，二维码来自 {run.qr_source.upper()}" if run else "，未轮到 (not reached)"
        lines.append(
            f"  {progress['party_id']:<3}{progress['role_label']} {progress['name']}："
            f"{progress['step_label']}{extra}{receipt}{via}"
        )
    total = len(result.receipt_checks)
    good = sum(1 for c in result.receipt_checks.values() if c.ok)
    lines.append(f"  回执 (receipts): {good}/{total} 验签通过")
    lines.append(f"  退出码 (exit code): {0 if result.ok else 1}")
    return lines
