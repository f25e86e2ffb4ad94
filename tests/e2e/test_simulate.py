"""Whole handshakes through the phone client against a real server (``wangqian simulate``)."""

from __future__ import annotations

import asyncio
import copy
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from backend.cli import main
from backend.demo import demo_scenario
from miniapp_mock.agent import Agent
from miniapp_mock.phone import Phone, token_from_url
from miniapp_mock.qr import decode_qr_png
from miniapp_mock.run import Run, SimulationResult
from miniapp_mock.simulate import prepare_order, simulate
from miniapp_mock.simulate_options import Options, parse_decline, parse_failure
from tests.e2e.conftest import Server


def options(server: Server, *fail: str, decline: tuple[str, ...] = ()) -> Options:
    return Options(
        base_url=server.base_url,
        failures=tuple(parse_failure(spec) for spec in fail),
        declines=dict(parse_decline(spec) for spec in decline),
        retry_delay=0,
    )


async def run(server: Server, *fail: str, **kwargs: Any) -> tuple[SimulationResult, list[str]]:
    prop = kwargs.pop("property", "prop-joint")
    lines: list[str] = []
    result = await simulate(options(server, *fail, **kwargs), demo_scenario(prop), lines.append)
    return result, lines


def steps(result: SimulationResult) -> dict[str, str]:
    return {p["party_id"]: p["step"] for p in result.order["parties"]}


async def test_two_joint_sellers_and_two_buyers_by_shares_all_sign_and_the_agent_files_the_contract(
    server: Server,
) -> None:
    result, lines = await run(server)
    assert (result.expected, result.outcome, result.ok) == ("filed", "filed", True)
    order = result.order
    assert order["status"] == "submitted"
    assert (order["contract_status"], order["contract_status_label"]) == ("filed", "已签约")
    assert [(p["party_id"], p["role"]) for p in order["parties"]] == [
        ("s1", "seller"),
        ("s2", "seller"),
        ("b1", "buyer"),
        ("b2", "buyer"),
    ]
    assert set(steps(result).values()) == {"signed"}
    assert sorted(result.receipt_checks) == ["b1", "b2", "s1", "s2"] and result.receipts_ok
    for party in result.parties:
        assert party.qr_source == "png"
        assert party.qr_url.startswith(f"{server.base_url}/mp/scan?token=")
        assert len(token_from_url(party.qr_url)) >= 16
    assert any("孙丽 60%、吴斌 40%，乙方按份共有" in line for line in lines)
    assert lines[-1] == "  退出码 (exit code): 0"


async def test_each_qr_png_decodes_with_zxing_cpp_into_the_scan_link_with_its_token(
    server: Server,
) -> None:
    async with ClientSession() as http:
        agent = Agent(http, server.base_url)
        ctx = Run(
            http, options(server), demo_scenario(), lambda _: None, agent, SimulationResult("")
        )
        order = await prepare_order(ctx)
        for party in order["parties"]:
            path = f"/api/v1/signing-orders/{order['id']}/parties/{party['party_id']}/qrcode"
            png, expires_at = await agent.qr_png(order["id"], party["party_id"])
            assert png.startswith(b"\x89PNG\r\n\x1a\n") and expires_at
            # An unused token with time left is shown again, so the PNG and the JSON agree.
            assert decode_qr_png(png) == (await agent.call("GET", path))["url"]
        view = await Phone(http, server.base_url).scan(decode_qr_png(png))
        assert (view["party_id"], view["step_label"]) == ("b2", "已扫码")


async def test_three_failed_face_checks_lock_the_party_out_and_fail_the_order(
    server: Server,
) -> None:
    result, lines = await run(server, "b1:face=mismatch")
    assert (result.expected, result.outcome, result.ok) == ("failed", "failed", True)
    assert result.order["status_label"] == "认证失败次数过多，订单失效"
    assert result.order["contract_status"] == "submitted"
    assert steps(result) == {"s1": "signed", "s2": "signed", "b1": "locked", "b2": "pending"}
    b1 = next(p for p in result.order["parties"] if p["party_id"] == "b1")
    assert b1["failed_checks"] == 3 and b1["receipt"] is None
    assert sorted(result.receipt_checks) == ["s1", "s2"] and result.receipts_ok
    assert sum("FACE_MISMATCH" in line for line in lines) == 3


async def test_fewer_than_three_failed_checks_leave_the_party_able_to_sign(server: Server) -> None:
    result, _ = await run(server, "b1:police:1", "b2:face=no_liveness:1", "s1:face=timeout")
    assert (result.outcome, result.ok) == ("filed", True)
    failed = {p["party_id"]: p["failed_checks"] for p in result.order["parties"]}
    # The face service's timeout (503) uses no attempt.
    assert failed == {"s1": 0, "s2": 0, "b1": 1, "b2": 1}


async def test_a_declining_party_ends_the_order_and_nobody_after_it_is_asked(
    server: Server,
) -> None:
    result, _ = await run(server, decline=("s2:价格有误",))
    assert (result.expected, result.outcome, result.ok) == ("declined", "declined", True)
    assert result.order["status_label"] == "当事人拒绝签署"
    assert steps(result) == {"s1": "signed", "s2": "declined", "b1": "pending", "b2": "pending"}


async def test_a_police_outage_uses_no_attempt_and_the_agent_cancels_when_the_party_gives_up(
    server: Server,
) -> None:
    result, lines = await run(server, "b2:police=unavailable")
    assert (result.expected, result.outcome, result.ok) == ("cancelled", "cancelled", True)
    assert result.order["contract_status"] == "draft"
    b2 = next(p for p in result.order["parties"] if p["party_id"] == "b2")
    assert (b2["step"], b2["failed_checks"]) == ("confirmed", 0)
    assert sum("POLICE_SERVICE_UNAVAILABLE" in line for line in lines) == 2


async def test_a_rerun_deletes_the_unfinished_contract_an_earlier_run_left_on_the_property(
    server: Server,
) -> None:
    first, _ = await run(server, "s1:police=mismatch")
    assert first.outcome == "failed"
    second, lines = await run(server)
    assert second.outcome == "filed" and second.contract_number != first.contract_number
    assert any(f"删除此前留下的合同 {first.contract_number}" in line for line in lines)


def test_the_simulate_command_exits_0_as_expected_and_2_once_the_property_is_filed(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "--base-url", server.base_url, "--property", "prop-sole"]) == 0
    assert "与预期一致 ✓" in capsys.readouterr().out
    assert main(["simulate", "--base-url", server.base_url, "--property", "prop-sole"]) == 2
    assert "已有状态为「已签约」的合同" in capsys.readouterr().out


def test_verify_receipt_accepts_a_genuine_receipt_and_rejects_a_tampered_one(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = asyncio.run(simulate(options(server), demo_scenario("prop-sole"), lambda _: None))
    receipt = result.order["parties"][0]["receipt"]
    genuine, tampered, keys = tmp_path / "r.json", tmp_path / "t.json", tmp_path / "keys.json"
    genuine.write_text(json.dumps(receipt, ensure_ascii=False), encoding="utf-8")
    forged: dict[str, Any] = copy.deepcopy(receipt)
    forged["payload"]["name"] = "张三"
    tampered.write_text(json.dumps(forged, ensure_ascii=False), encoding="utf-8")
    assert main(["verify-receipt", str(genuine), "--base-url", server.base_url]) == 0
    assert capsys.readouterr().out.startswith("OK")
    keys.write_text(json.dumps(_keys(server)), encoding="utf-8")
    assert main(["verify-receipt", str(genuine), "--keys", str(keys)]) == 0
    capsys.readouterr()
    assert main(["verify-receipt", str(tampered), "--keys", str(keys)]) == 1
    assert "FAILED" in capsys.readouterr().out


def _keys(server: Server) -> Any:
    with urllib.request.urlopen(f"{server.base_url}/api/v1/signing-keys", timeout=5) as resp:
        return json.load(resp)


async def test_simulate_prints_the_events_the_run_caused_in_order(server: Server) -> None:
    lines: list[str] = []
    opts = Options(base_url=server.base_url, retry_delay=0, events=True)
    result = await simulate(opts, demo_scenario("prop-sole"), lines.append)
    assert result.ok
    start = lines.index("事件流 (the events this run caused, GET /api/v1/events):")
    events = [line.split()[1] for line in lines[start + 1 :] if line.startswith("  #")]
    assert events[:2] == ["contract.submitted", "order.created"]
    assert events[-2:] == ["order.completed", "contract.filed"]
    assert events.count("party.signed") == len(result.order["parties"])
