"""Each party through the mini-program with the phone client, one after another, as they would
queue at the agent's desk: the QR code, scan, read, review, confirm, the police check and face
recognition, with the failures and declines the options ask for."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from miniapp_mock.narration import hhmmss, short
from miniapp_mock.phone import ApiError, PartyView, Phone
from miniapp_mock.qr import decode_qr_png, qr_decoder_available
from miniapp_mock.run import PartyRun, Run

T = TypeVar("T")


async def show_qr(run: Run, order_id: str, party: PartyRun) -> None:
    """查看二维码: the PNG, decoded as a phone's camera would, into the link with the token."""
    png, expires_at = await run.agent.qr_png(order_id, party.party_id)
    if qr_decoder_available():
        party.qr_url, party.qr_source = decode_qr_png(png), "png"
        how = f"PNG {len(png):,} 字节，zxing-cpp 解码"
    else:
        path = f"/api/v1/signing-orders/{order_id}/parties/{party.party_id}/qrcode"
        party.qr_url, party.qr_source = str((await run.agent.call("GET", path))["url"]), "json"
        how = "未安装 zxing-cpp，读取 JSON 链接 (zxing-cpp not installed)"
    run.agent_says(
        f"二维码 {party.label}：{how} → {short(party.qr_url)}（有效至 {hhmmss(expires_at)}）"
    )
    if not party.qr_url.startswith(run.options.base_url.rstrip("/") + "/"):
        run.agent_says(
            "  注意：二维码链接不指向 --base-url (check WANGQIAN_PUBLIC_BASE_URL on the server)"
        )


class PartyWalk:
    """One party through the mini-program, printing each step; stops where the party stops."""

    def __init__(self, run: Run, phone: Phone, party: PartyRun) -> None:
        self.run, self.phone, self.party = run, phone, party

    def says(self, text: str) -> None:
        self.run.say(f"  [{self.party.label}] {text}")

    def saw(self, view: PartyView) -> PartyView:
        self.party.step, self.party.step_label = view["step"], view["step_label"]
        if view.get("receipt"):
            self.party.receipt = view["receipt"]
        return view

    async def go(self) -> None:
        opts = self.run.options
        view = self.saw(await self.phone.scan(self.party.qr_url))
        assert self.phone.session_expires_at is not None
        self.says(
            f"扫码 → {view['step_label']}（{view['purpose_label']}，合同 {view['contract_number']}，"
            f"会话有效至 {hhmmss(self.phone.session_expires_at)}）"
        )
        document = await self.phone.document()
        self.says(
            f"阅读文件《{document.title}》{len(document.text):,} 字，"
            f"SHA-256 {document.sha256[:12]}… 与本机计算一致"
        )
        view = self.saw(await self.phone.review(document))
        self.says(f"查阅文件 → {view['step_label']}")
        if self.party.party_id in opts.declines:
            await self.decline(opts.declines[self.party.party_id])
            return
        view = self.saw(await self.phone.confirm())
        self.says(f"确定签署 → {view['step_label']}")
        if await self.police_check() and await self.face_check():
            receipt = self.party.receipt or {}
            self.says(f"签名回执：{receipt.get('alg')} · {receipt.get('key_id')}")

    async def decline(self, reason: str) -> None:
        view = self.saw(await self.phone.decline(reason))
        self.party.ended = "declined"
        self.says(f"拒绝签署（{reason}）→ {view['step_label']}；订单 {view['order_status_label']}")

    async def police_check(self) -> bool:
        name, id_number = self.run.people[self.party.party_id]
        f = self.run.options.failure(self.party.party_id, "police")
        # "mismatch": the party types a wrong last digit; the sandbox numbers fail on their own.
        wrong = id_number[:-1] + ("1" if id_number[-1] != "1" else "2")
        plan = [id_number]
        if f is not None:
            plan = [wrong if f.kind == "mismatch" else id_number] * f.times
            plan += [id_number] if f.recovers else []

        def label(entered: str) -> str:
            what = "证件号码" if entered == id_number else "错误号码"
            return f"微警认证（{name}，{what} {entered[:6]}…{entered[-2:]}）"

        return await self.attempts(plan, lambda n: self.phone.verify_identity(name, n), label)

    async def face_check(self) -> bool:
        f = self.run.options.failure(self.party.party_id, "face")
        plan = ["match"]
        if f is not None:
            plan = [f.kind] * f.times + (["match"] if f.recovers else [])
        return await self.attempts(
            plan, self.phone.authorize, lambda sample: f"确认授权（人脸 {sample}）"
        )

    async def attempts(
        self,
        plan: Sequence[T],
        act: Callable[[T], Awaitable[PartyView]],
        label: Callable[[T], str],
    ) -> bool:
        """Try each input in turn until one passes. A failed check (422) uses an attempt and
        may lock the party; an unavailable service (503) uses none and is retried after its
        Retry-After. False when the party is locked out or runs out of inputs (gives up)."""
        for i, value in enumerate(plan):
            try:
                view = self.saw(await act(value))
            except ApiError as err:
                if err.status == 422 and "attempts_left" in err.details:
                    self.says(f"{label(value)} ✗ {err.status} {err.code}：{err.message}")
                    if err.details.get("party_step") == "locked":
                        self.party.step, self.party.ended = "locked", "locked"
                        return False
                    continue
                if err.retryable:
                    delay = self.retry_delay(err)
                    last = i == len(plan) - 1
                    then = "放弃 (giving up)" if last else f"{delay:g} 秒后重试，不计失败次数"
                    self.says(f"{label(value)} ✗ {err.status} {err.code}：{err.message}；{then}")
                    if not last:
                        await asyncio.sleep(delay)
                    continue
                raise
            self.says(f"{label(value)} → {view['step_label']}")
            return True
        self.party.ended = "gave_up"
        return False

    def retry_delay(self, err: ApiError) -> float:
        if self.run.options.retry_delay is not None:
            return self.run.options.retry_delay
        return err.retry_after if err.retry_after is not None else 1.0


async def walk_parties(run: Run, order: dict[str, Any]) -> None:
    """The parties one after another, as they would queue at the agent's desk. Once a party
    ends the order (declined, locked out) or gives up, the rest are not called."""
    for progress in order["parties"]:
        party = PartyRun(progress["party_id"], f"{progress['party_id']} {progress['name']}")
        run.result.parties.append(party)
        await show_qr(run, order["id"], party)
        await PartyWalk(run, Phone(run.http, run.options.base_url), party).go()
        if party.ended:
            return
