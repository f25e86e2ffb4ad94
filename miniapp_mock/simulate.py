"""``wangqian simulate``: one whole e-signing handshake against a running server, scripted the
way an integrator would script it.

The agent's side goes through ``/api/v1`` (login, 房源验证, draft, submit, 生成电子合同订单, each
party's QR code as a PNG decoded with zxing-cpp, the status long-poll, 提交); each party's side
goes through ``/mp/v1`` with the phone client. Like the phone client, this module talks HTTP
only; the demo data it uses comes in as a ``Scenario`` (``backend/cli.py`` builds it from the
seeded demo data), so nothing here imports the service.

Failures can be injected per party (``Failure``, ``--fail``) and parties can decline
(``--decline``), so the lock-out, decline and retry paths of DESIGN §8 can be watched. The run
states its expected outcome up front and exits 0 only when that is what happened and every
receipt verifies.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib.util
import io
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import ClientError, ClientSession, ClientTimeout

from miniapp_mock.phone import (
    USER_AGENT,
    ApiError,
    DocumentMismatch,
    PartyView,
    Phone,
    ReceiptCheck,
    error_from,
    fetch_signing_keys,
    request_json,
    token_from_url,
    verify_receipt,
)

Say = Callable[[str], None]
T = TypeVar("T")

CITY_TZ = ZoneInfo("Asia/Shanghai")
# DESIGN §8: the third failed check locks the party and fails the order.
MAX_FAILED_CHECKS = 3
# The long-poll's hold time; the server allows up to 30 s.
DEFAULT_POLL_WAIT = 5

Check = Literal["police", "face"]
# kind → (counts as a failed check, the party gets past it by entering the right thing after)
FAILURE_KINDS: dict[Check, dict[str, tuple[bool, bool]]] = {
    "police": {
        "mismatch": (True, True),  # a wrong ID number typed, then the right one
        "revoked": (True, False),  # the buyer's ID is a sandbox 999 number: never passes
        "unavailable": (False, False),  # a sandbox 998 number: 503 every time
    },
    "face": {
        "mismatch": (True, True),
        "no_liveness": (True, True),
        "timeout": (False, True),  # 503, retried with a matching face
    },
}
DEFAULT_TIMES = {"unavailable": 2, "timeout": 1}
# Sandbox ID numbers whose sequence digits (positions 15–17) make the police check misbehave.
SANDBOX_SEQUENCES = {"revoked": "999", "unavailable": "998"}

# The outcomes a run can end in, described for the header before the server has said anything;
# the summary uses the server's own labels.
OUTCOMES = {
    "filed": "已签约 (every party signed, the agent filed)",
    "failed": "订单失效 (a party was locked out after 3 failed checks)",
    "declined": "当事人拒绝签署 (a party declined)",
    "cancelled": "已注销电子合同订单 (a party gave up; the agent cancelled the order)",
}
# Contracts in these states no longer hold their property (DESIGN §4).
ENDED_CONTRACT_STATUSES = ("cancelled", "deleted")
ORDER_OUTCOMES = {
    "failed": "failed",
    "declined": "declined",
    "cancelled": "cancelled",
    "expired": "expired",
    "completed": "completed",
}


class SetupError(Exception):
    """The run cannot start (bad login, the demo property taken, …); the message says why."""


class QrDecodeError(Exception):
    """The QR code PNG did not decode to a link with a token."""


# ---- what to simulate ---------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    id_type: str
    id_number: str
    phone: str
    share_bp: int | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "id_type": self.id_type,
            "id_number": self.id_number,
            "phone": self.phone,
        }
        if self.share_bp is not None:
            body["share_bp"] = self.share_bp
        return body


@dataclass(frozen=True)
class Scenario:
    """A property in the sandbox registry and the people on both sides of the sale."""

    property_id: str
    cert_no: str
    owner_id_number: str  # one registered owner's number: the 房源验证 lookup
    sellers: tuple[Person, ...]
    buyers: tuple[Person, ...]
    co_ownership: str | None = "shares"
    price_fen: int = 198_000_000
    applicant: Person | None = None

    def party_ids(self) -> list[str]:
        """Ids as the service numbers parties: s1… for sellers, then b1… for buyers."""
        return [f"s{i}" for i in range(1, len(self.sellers) + 1)] + [
            f"b{i}" for i in range(1, len(self.buyers) + 1)
        ]


@dataclass(frozen=True)
class Failure:
    """Make ``party_id`` fail ``check`` with ``kind``, ``times`` times (see ``parse_failure``)."""

    party_id: str
    check: Check
    kind: str
    times: int

    @property
    def counted(self) -> bool:
        return FAILURE_KINDS[self.check][self.kind][0]

    @property
    def recovers(self) -> bool:
        return FAILURE_KINDS[self.check][self.kind][1]

    def describe(self) -> str:
        return f"{self.party_id} {self.check}={self.kind} ×{self.times}"


def parse_failure(spec: str) -> Failure:
    """``PARTY:CHECK[=KIND][:TIMES]``, e.g. ``b1:face=mismatch``, ``b1:police``, ``s2:face=timeout:2``.

    Counted failures default to 3 times (the lock-out); ``timeout`` to once, ``unavailable`` to
    twice. Fewer than 3 counted failures followed by the right input show ``attempts_left``."""
    parts = spec.split(":")
    if len(parts) not in (2, 3) or not parts[0]:
        raise ValueError(
            f"--fail {spec!r}: expected PARTY:CHECK[=KIND][:TIMES], e.g. b1:face=mismatch"
        )
    party_id, check_kind = parts[0].strip(), parts[1].strip()
    check, _, kind = check_kind.partition("=")
    if check not in FAILURE_KINDS:
        raise ValueError(f"--fail {spec!r}: the check is police or face")
    checked: Check = "police" if check == "police" else "face"
    kind = kind or "mismatch"
    if kind not in FAILURE_KINDS[checked]:
        raise ValueError(f"--fail {spec!r}: {check} kinds are {', '.join(FAILURE_KINDS[checked])}")
    times = DEFAULT_TIMES.get(kind, MAX_FAILED_CHECKS)
    if len(parts) == 3:
        if not parts[2].isdigit() or not 1 <= int(parts[2]) <= 10:
            raise ValueError(f"--fail {spec!r}: TIMES is a number from 1 to 10")
        times = int(parts[2])
    return Failure(party_id, checked, kind, times)


def parse_decline(spec: str) -> tuple[str, str]:
    """``PARTY[:REASON]`` → (party id, reason)."""
    party_id, _, reason = spec.partition(":")
    if not party_id.strip():
        raise ValueError(f"--decline {spec!r}: expected PARTY[:REASON], e.g. b2")
    return party_id.strip(), reason.strip() or "成交价格与约定不符，拒绝签署"


@dataclass(frozen=True)
class Options:
    base_url: str
    username: str = "agent_li"
    password: str = "Wangqian2026"
    failures: tuple[Failure, ...] = ()
    declines: Mapping[str, str] = field(default_factory=dict)
    poll_wait: int = DEFAULT_POLL_WAIT
    # Seconds to wait before retrying a 503; None honours the server's Retry-After.
    retry_delay: float | None = None

    def failure(self, party_id: str, check: Check) -> Failure | None:
        return next((f for f in self.failures if f.party_id == party_id and f.check == check), None)


def check_options(options: Options, scenario: Scenario) -> None:
    """Refuse flags that name unknown parties or contradict each other, before any call."""
    known = scenario.party_ids()
    seen: set[tuple[str, str]] = set()
    for f in options.failures:
        if f.party_id not in known:
            raise ValueError(f"--fail {f.party_id}: no such party (parties: {', '.join(known)})")
        if (f.party_id, f.check) in seen:
            raise ValueError(f"--fail {f.party_id}:{f.check} given twice")
        seen.add((f.party_id, f.check))
        if f.party_id in options.declines:
            raise ValueError(f"{f.party_id} declines: it cannot also fail a check")
        if f.kind in SANDBOX_SEQUENCES and not f.party_id.startswith("b"):
            raise ValueError(
                f"--fail {f.party_id}:police={f.kind}: only a buyer can be given a sandbox ID "
                "number (sellers must be the registered owners)"
            )
    for party_id in options.declines:
        if party_id not in known:
            raise ValueError(f"--decline {party_id}: no such party (parties: {', '.join(known)})")


def party_outcome(options: Options, party_id: str) -> str | None:
    """How this party ends the order, if it does: declined, failed, cancelled or None."""
    if party_id in options.declines:
        return "declined"
    failed = 0
    checks: tuple[Check, ...] = ("police", "face")
    for check in checks:
        f = options.failure(party_id, check)
        if f is None:
            continue
        if f.counted:
            failed += f.times
            if failed >= MAX_FAILED_CHECKS:
                return "failed"
        if not f.recovers:
            return "cancelled"
    return None


def expected_outcome(options: Options, scenario: Scenario) -> str:
    """Parties go in order, so the first one that ends the order decides the outcome."""
    for party_id in scenario.party_ids():
        outcome = party_outcome(options, party_id)
        if outcome:
            return outcome
    return "filed"


def with_sequence(id_number: str, sequence: str) -> str:
    """The same person's 18-digit number with other sequence digits and a correct GB 11643
    check digit: how a sandbox 999/998 number is made for a buyer."""
    first17 = id_number[:14] + sequence
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def scenario_with_failures(scenario: Scenario, options: Options) -> Scenario:
    """Buyers told to fail with a revoked or unavailable ID get a sandbox number of that kind."""
    buyers = list(scenario.buyers)
    for f in options.failures:
        if f.kind in SANDBOX_SEQUENCES:
            i = int(f.party_id[1:]) - 1
            b = buyers[i]
            buyers[i] = Person(
                b.name,
                b.id_type,
                with_sequence(b.id_number, SANDBOX_SEQUENCES[f.kind]),
                b.phone,
                b.share_bp,
            )
    return replace(scenario, buyers=tuple(buyers))


def contract_body(scenario: Scenario, today: date) -> dict[str, Any]:
    """Every field a submit needs (price, payment, delivery, 申请人, 好差评, 资金监管, 注意事项)."""
    applicant = scenario.applicant or Person("李经纪", "resident_id", "", "13700137000")
    body: dict[str, Any] = {
        "property": {"cert_no": scenario.cert_no, "owner_id_number": scenario.owner_id_number},
        "sellers": [p.as_json() for p in scenario.sellers],
        "buyers": [p.as_json() for p in scenario.buyers],
        "price_fen": scenario.price_fen,
        "payment_method": "lump_sum",
        # Well in the future, so a sandbox clock moved forward a little still accepts it.
        "delivery_date": (today + timedelta(days=180)).isoformat(),
        "applicant": {"name": applicant.name, "phone": applicant.phone},
        "evaluation": {"level": 5},
        "fund_supervision": {"enabled": True, "bank": "ccb"},
        "acknowledgements": {
            "parties_consent": True,
            "information_accurate": True,
            "deadline_known": True,
        },
    }
    if len(scenario.buyers) > 1:
        body["co_ownership"] = scenario.co_ownership
    return body


# ---- results ------------------------------------------------------------------------------


@dataclass
class PartyRun:
    party_id: str
    label: str  # "s1 李娜", for the output
    qr_url: str = ""
    qr_source: str = ""  # "png" (decoded with zxing-cpp) or "json"
    step: str = "pending"
    step_label: str = "待扫码"
    failed_checks: int = 0
    ended: str | None = None  # "locked", "declined", "gave_up"
    receipt: Mapping[str, Any] | None = None


@dataclass
class SimulationResult:
    expected: str
    outcome: str = "error"
    contract_id: str = ""
    contract_number: str = ""
    order: dict[str, Any] = field(default_factory=dict)
    parties: list[PartyRun] = field(default_factory=list)
    receipt_checks: dict[str, ReceiptCheck] = field(default_factory=dict)

    @property
    def receipts_ok(self) -> bool:
        return all(c.ok for c in self.receipt_checks.values())

    @property
    def ok(self) -> bool:
        return self.outcome == self.expected and self.receipts_ok


# ---- the agent ----------------------------------------------------------------------------


@dataclass
class Agent:
    """The practitioner's side, /api/v1, with a bearer token once logged in."""

    http: ClientSession
    base_url: str
    token: str | None = None

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        return await request_json(self.http, method, self.url(path), token=self.token, body=body)

    async def login(self, username: str, password: str) -> dict[str, Any]:
        body = await self.call(
            "POST", "/api/v1/auth/login", {"username": username, "password": password}
        )
        self.token = str(body["token"])
        return dict(body)

    async def qr_png(self, order_id: str, party_id: str) -> tuple[bytes, str]:
        """查看二维码 as the PNG an agent shows on screen, and when its token expires."""
        path = f"/api/v1/signing-orders/{order_id}/parties/{party_id}/qrcode.png"
        headers = {"Authorization": f"Bearer {self.token}", "User-Agent": USER_AGENT}
        async with self.http.get(self.url(path), headers=headers) as resp:
            raw = await resp.read()
            if resp.status >= 400:
                raise error_from(resp.status, resp.headers.get("Retry-After"), raw)
            return raw, resp.headers.get("X-QR-Expires-At", "")

    async def poll(
        self, order_id: str, version: int, wait: int, etag: str | None
    ) -> tuple[dict[str, Any] | None, str | None]:
        """签名状态, held up to ``wait`` s until the version moves past ``version``; None when
        the ETag still matches (304: nothing changed)."""
        path = f"/api/v1/signing-orders/{order_id}?wait={wait}&version={version}"
        headers = {"Authorization": f"Bearer {self.token}", "User-Agent": USER_AGENT}
        if etag:
            headers["If-None-Match"] = etag
        async with self.http.get(self.url(path), headers=headers) as resp:
            if resp.status == 304:
                return None, etag
            raw = await resp.read()
            if resp.status >= 400:
                raise error_from(resp.status, resp.headers.get("Retry-After"), raw)
            return dict(await resp.json()), resp.headers.get("ETag")


def qr_decoder_available() -> bool:
    """zxing-cpp comes with the test extras; without it the QR link is read from the JSON."""
    return importlib.util.find_spec("zxingcpp") is not None


def decode_qr_png(png: bytes) -> str:
    """The text of the QR code in a PNG, as a phone's camera would read it."""
    import zxingcpp  # optional: only the test extras install it
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        found = zxingcpp.read_barcodes(image)
    if not found:
        raise QrDecodeError("no QR code found in the PNG")
    url = str(found[0].text)
    try:
        token_from_url(url)
    except ValueError as exc:
        raise QrDecodeError(str(exc)) from exc
    return url


# ---- the run ------------------------------------------------------------------------------


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


@dataclass
class Run:
    """One simulation in progress: the connections, the options and what happened so far."""

    http: ClientSession
    options: Options
    scenario: Scenario
    say: Say
    agent: Agent
    result: SimulationResult
    people: dict[str, tuple[str, str]] = field(default_factory=dict)  # party → (name, ID)

    def agent_says(self, text: str) -> None:
        self.say(f"[经纪人] {text}")


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


async def prepare_order(run: Run) -> dict[str, Any]:
    """Login, 房源验证, draft, submit and 生成电子合同订单."""
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
                    self.party.failed_checks += 1
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


def progress_key(order: Mapping[str, Any]) -> tuple[str, int]:
    """What the agent's status screen reports on: the order's status and how many signed."""
    return order["status"], sum(1 for p in order["parties"] if p["step"] == "signed")


def progress_line(order: Mapping[str, Any]) -> str:
    _, signed = progress_key(order)
    return (
        f"签名状态 v{order['version']}：{order['status_label']}"
        f"（已签 {signed}/{len(order['parties'])}）"
    )


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
    if order.get("contract_status") == "filed":
        return "filed"
    return ORDER_OUTCOMES.get(str(order.get("status")), str(order.get("status")))


def receipt_problem(
    run: Run, order: Mapping[str, Any], progress: Mapping[str, Any], party: PartyRun | None
) -> str | None:
    """Beyond the signature: the receipt must name this order, party and document, hash the ID
    number the party entered, and be the one the party's phone was given."""
    payload = progress["receipt"]["payload"]
    _, id_number = run.people.get(progress["party_id"], ("", ""))
    expected = {
        "order_id": order["id"],
        "party_id": progress["party_id"],
        "document_sha256": order["document_sha256"],
        "id_number_sha256": hashlib.sha256(id_number.encode("utf-8")).hexdigest(),
    }
    wrong = [k for k, v in expected.items() if payload.get(k) != v]
    if wrong:
        return f"payload fields differ: {', '.join(wrong)}"
    if party is not None and party.receipt is not None and party.receipt != progress["receipt"]:
        return "differs from the receipt the phone received"
    return None


async def verify_receipts(run: Run, order: Mapping[str, Any]) -> None:
    """Every receipt in the order, checked offline against GET /api/v1/signing-keys."""
    keys = await fetch_signing_keys(run.http, run.options.base_url)
    ids = ", ".join(k["key_id"] for k in keys.get("keys", []))
    run.say(f"[验签] 平台公钥 (signing keys): {ids}")
    by_id = {p.party_id: p for p in run.result.parties}
    for progress in order["parties"]:
        if not progress.get("receipt"):
            continue
        check = verify_receipt(progress["receipt"], keys)
        problem = receipt_problem(run, order, progress, by_id.get(progress["party_id"]))
        if check.ok and problem:
            check = ReceiptCheck(False, problem, check.key_id)
        run.result.receipt_checks[progress["party_id"]] = check
        mark = "OK" if check.ok else "FAILED"
        run.say(
            f"  [验签] {progress['party_id']} {progress['name']}：{mark}（{check.reason}；"
            f"signed_at {hhmmss(progress['receipt']['payload'].get('signed_at', ''))}）"
        )
    if not run.result.receipt_checks:
        run.say("  [验签] 没有签名回执 (no party signed)")


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
    order = await prepare_order(run)
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
