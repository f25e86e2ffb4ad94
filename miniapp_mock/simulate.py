"""``wangqian simulate``: one whole e-signing handshake against a running server, scripted the
way an integrator would script it.

The agent's side goes through ``/api/v1`` (login, 房源验证, draft, submit, 生成电子合同订单, each
party's QR code as a PNG decoded with zxing-cpp, the status long-poll, 提交); each party's side
goes through ``/mp/v1`` with the phone client (``party_walk``). Like the phone client, this
talks HTTP only; the demo data it uses comes in as a ``Scenario`` (``backend/cli.py`` builds it
from the seeded demo data), so nothing here imports the service.

Failures can be injected per party (``--fail``) and parties can decline (``--decline``), so the
lock-out, decline and retry paths of DESIGN §8 can be watched (``simulate_options``). The run
states its expected outcome up front and exits 0 only when that is what happened and every
receipt verifies.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout

from miniapp_mock.agent import Agent
from miniapp_mock.narration import CITY_TZ, header, hhmmss, progress_key, progress_line, summary
from miniapp_mock.party_walk import walk_parties
from miniapp_mock.phone import ApiError, DocumentMismatch
from miniapp_mock.qr import QrDecodeError
from miniapp_mock.receipt_checks import verify_receipts
from miniapp_mock.run import Run, Say, SetupError, SimulationResult
from miniapp_mock.scenario import Scenario, contract_body
from miniapp_mock.simulate_events import feed_end, say_events
from miniapp_mock.simulate_options import (
    Options,
    check_options,
    expected_outcome,
    scenario_with_failures,
)

# Contracts in these states no longer hold their property (DESIGN §4). The API names no
# contract in PROPERTY_HAS_ACTIVE_CONTRACT, so the run looks for the one holding the demo
# property itself, and must know which ones do not.
ENDED_CONTRACT_STATUSES = ("cancelled", "deleted")


async def verify_property(run: Run) -> dict[str, Any]:
    """房源验证; a contract left on the demo property by an earlier run is deleted first."""
    lookup = {"cert_no": run.scenario.cert_no, "owner_id_number": run.scenario.owner_id_number}
    try:
        return dict(await run.agent.call("POST", "/api/v1/properties/verify", lookup))
    except ApiError as err:
        if err.code != "PROPERTY_HAS_ACTIVE_CONTRACT":
            raise
    await release_property(run)
    return dict(await run.agent.call("POST", "/api/v1/properties/verify", lookup))


async def release_property(run: Run) -> None:
    """Delete this agent's unfinished contract on the demo property, so the demo can run again.
    A filed (or signed) contract is never touched: the run stops and says what to do."""
    listing = await run.agent.call("GET", "/api/v1/contracts?limit=200")
    for item in listing["items"]:
        if item["status"] in ENDED_CONTRACT_STATUSES:
            continue
        contract = await run.agent.call("GET", f"/api/v1/contracts/{item['id']}")
        if contract["property"]["property_id"] != run.scenario.property_id:
            continue
        if "delete" not in contract["allowed_actions"]:
            raise SetupError(
                f"房源 {run.scenario.property_id} 已有状态为「{contract['status_label']}」的合同 "
                f"{contract['number']}，不能再次签约。请换一个演示房源（--property），或用新的存储"
                f"重新启动服务 (the property already has a {contract['status']} contract; pick "
                "another --property or restart the server on a fresh WANGQIAN_STORE)"
            )
        await run.agent.call("DELETE", f"/api/v1/contracts/{contract['id']}")
        run.agent_says(
            f"删除此前留下的合同 {contract['number']}（{contract['status_label']}），"
            "以便重新演示 (deleted an unfinished contract left by an earlier run)"
        )
        return
    raise SetupError(
        f"房源 {run.scenario.property_id} 已有其他从业人员未完结的合同 (another practitioner's "
        "contract holds the property; log in as that practitioner or restart on a fresh store)"
    )


async def log_in(run: Run) -> None:
    opts = run.options
    try:
        login = await run.agent.login(opts.username, opts.password)
    except ApiError as err:
        raise SetupError(f"登录失败 (login as {opts.username} failed): {err.message}") from err
    if login["must_change_password"]:
        raise SetupError(f"{opts.username} 须先修改初始密码 (must change its password first)")
    account = login["account"]
    run.agent_says(f"登录 {opts.username}：{account['display_name']}（{account['role_label']}）")


async def draft_contract(run: Run) -> dict[str, Any]:
    """签订合同 with every field a submit needs; remembers each party's name and ID number,
    which is what that party types into the police check."""
    today = datetime.now(CITY_TZ).date()
    draft = await run.agent.call("POST", "/api/v1/contracts", contract_body(run.scenario, today))
    run.result.contract_id, run.result.contract_number = draft["id"], draft["number"]
    run.people = {p["id"]: (p["name"], p["id_number"]) for p in draft["sellers"] + draft["buyers"]}
    buyers = "、".join(
        f"{b['name']} {b['share_bp'] / 100:g}%" if b["share_bp"] else b["name"]
        for b in draft["buyers"]
    )
    mode = f"，乙方{draft['co_ownership_label']}" if draft.get("co_ownership_label") else ""
    run.agent_says(
        f"签订合同 {draft['number']}（{draft['status_label']}）：买方 {buyers}{mode}，"
        f"成交价 {draft['price_fen'] / 100:,.2f} 元"
    )
    return dict(draft)


async def prepare_order(run: Run, *, logged_in: bool = False) -> dict[str, Any]:
    """Login, 房源验证, draft, submit and 生成电子合同订单."""
    if not logged_in:
        await log_in(run)
    prop = (await verify_property(run))["property"]
    owners = "、".join(o["name"] for o in prop["owners"])
    mode = f"，{prop['co_ownership_label']}" if prop.get("co_ownership_label") else ""
    run.agent_says(f"房源验证通过：{prop['address']}（产权人 {owners}{mode}）")
    draft = await draft_contract(run)
    submitted = await run.agent.call("POST", f"/api/v1/contracts/{draft['id']}/submit")
    run.agent_says(f"提交合同 → {submitted['status_label']}")
    order = await run.agent.call("POST", f"/api/v1/contracts/{draft['id']}/signing-orders")
    run.agent_says(
        f"生成电子合同订单 {order['id']} → {order['status_label']}，"
        f"{len(order['parties'])} 位当事人，订单有效至 {hhmmss(order['expires_at'])}"
    )
    return dict(order)


async def follow_order(
    run: Run, order: dict[str, Any], phones: asyncio.Task[None]
) -> dict[str, Any]:
    """The agent's status screen: long-poll (``?wait=&version=``, ``If-None-Match``) until the
    order leaves 已创建订单，待签字, or the phones stop without it leaving."""
    etag: str | None = None
    # Every step moves the version; only a new signature or a new status is worth a line.
    shown = progress_key(order)
    while order["status"] == "awaiting_signatures":
        poll = asyncio.ensure_future(
            run.agent.poll(order["id"], order["version"], run.options.poll_wait, etag)
        )
        done, _ = await asyncio.wait({poll, phones}, return_when=asyncio.FIRST_COMPLETED)
        if poll not in done:
            # The phones have stopped: no more changes are coming, so read once and stop.
            poll.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poll
            order = dict(await run.agent.call("GET", f"/api/v1/signing-orders/{order['id']}"))
            break
        body, etag = poll.result()
        if body is not None:
            order = body
        if progress_key(order) != shown:
            shown = progress_key(order)
            run.agent_says(progress_line(order))
    if progress_key(order) != shown:
        run.agent_says(progress_line(order))
    return order


async def finish_order(run: Run, order: dict[str, Any]) -> dict[str, Any]:
    """提交 a completed order; cancel one whose party gave up; otherwise just report."""
    path = f"/api/v1/signing-orders/{order['id']}"
    if order["status"] == "completed":
        order = dict(await run.agent.call("POST", f"{path}/submit"))
        run.agent_says(
            f"提交 → 订单 {order['status_label']}，合同 {order['contract_status_label']}"
        )
        return order
    if order["status"] == "awaiting_signatures":
        order = dict(await run.agent.call("POST", f"{path}/cancel"))
        run.agent_says(f"注销电子合同订单 → {order['status_label']}")
    run.agent_says(f"订单 {order['status_label']}；合同退回「{order['contract_status_label']}」")
    return order


def outcome_of(order: Mapping[str, Any]) -> str:
    """The order's status (failed, declined, cancelled, expired, …), or filed once the
    contract is."""
    if order.get("contract_status") == "filed":
        return "filed"
    return str(order.get("status"))


async def simulate(
    options: Options, scenario: Scenario, say: Say = print, http: ClientSession | None = None
) -> SimulationResult:
    """Run the whole handshake; ``SetupError`` or ``ApiError`` if it cannot get going."""
    check_options(options, scenario)
    expected = expected_outcome(options, scenario)
    scenario = scenario_with_failures(scenario, options)
    for line in header(options, scenario, expected):
        say(line)
    # The long-poll holds requests up to poll_wait seconds: leave it room.
    owned = http is None
    session = http or ClientSession(timeout=ClientTimeout(total=options.poll_wait + 30))
    try:
        run = Run(
            session,
            options,
            scenario,
            say,
            Agent(session, options.base_url),
            SimulationResult(expected),
        )
        await handshake(run)
        for line in summary(run.result):
            say(line)
        return run.result
    finally:
        if owned:
            await session.close()


async def handshake(run: Run) -> None:
    cursor = None
    if run.options.events:
        await log_in(run)
        cursor = await feed_end(run)
    order = await prepare_order(run, logged_in=cursor is not None)
    phones = asyncio.create_task(walk_parties(run, order))
    try:
        order = await follow_order(run, order, phones)
        await phones  # re-raises what stopped a phone unexpectedly
    finally:
        if not phones.done():
            phones.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await phones
    order = await finish_order(run, order)
    run.result.order, run.result.outcome = order, outcome_of(order)
    await verify_receipts(run, order)
    if cursor is not None:
        await say_events(run, cursor)


async def run_cli(options: Options, scenario: Scenario, say: Say = print) -> int:
    """``wangqian simulate``: 0 on the expected outcome with every receipt valid, 1 otherwise,
    2 when the run could not start (bad flags, server unreachable, property taken)."""
    try:
        check_options(options, scenario)
    except ValueError as exc:
        say(f"wangqian simulate: {exc}")
        return 2
    try:
        result = await simulate(options, scenario, say)
    except SetupError as exc:
        say(f"wangqian simulate: {exc}")
        return 2
    except (ClientError, TimeoutError) as exc:
        say(f"wangqian simulate: cannot reach {options.base_url}: {exc!r}")
        return 2
    except (ApiError, DocumentMismatch, QrDecodeError, ValueError) as exc:
        say(f"wangqian simulate: 意外的错误 (unexpected refusal): {exc}")
        return 1
    return 0 if result.ok else 1
