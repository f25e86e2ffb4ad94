// The signing screen: each party's QR code (the API's PNG), replaced when its token rotates or
// is used; per-party progress kept live by the status long-poll (?wait=25&version=N: the
// request is held until something changes, so the screen follows at once without hammering);
// the order's expiry counting down; 注销电子合同订单 and 提交.

import { get, post } from "./api.js";
import { $, carry, confirmWith, countdown, message, setText, showScreen } from "./dom.js";
import { generateOrder } from "./contract.js";

const WAIT_SECONDS = 25;
const RETRY_MS = 2000;
// A QR token is rotated when less than 60 s is left: ask again just after that point.
const ROTATE_MARGIN_MS = 55000;
const FINISHED_STEPS = new Set(["signed", "declined", "locked"]);
const screen = $("#screen-signing");
let order = null;
let qrs = new Map(); // party id → {url, step, timer}

const OUTCOMES = {
  completed: () => "订单已经完成签字。请确认后点击“提交”完成网签备案。",
  submitted: (o) =>
    o.purpose === "filing" ? "已提交，合同已签约。" : "已提交，合同已注销。",
  cancelled: () => "电子合同订单已注销，二维码已作废。如需继续，请修改或确认合同后重新生成电子合同订单。",
  expired: () =>
    "订单已过期：有效期内未完成全部签字，二维码已作废。请重新生成电子合同订单；合同到自动删除时间仍未完成签字的将被删除。",
  declined: (o) =>
    `${names(o, "declined")}拒绝签署，订单已终止。请与当事人沟通，必要时修改合同后重新生成电子合同订单。`,
  failed: (o) =>
    `${names(o, "locked")}多次认证未通过，已被锁定，订单失败。请核对当事人的姓名和证件号码；无法通过认证的当事人须到交易中心窗口办理。可重新生成电子合同订单。`,
};

function names(o, step) {
  return o.parties.filter((p) => p.step === step).map((p) => `${p.role_label}${p.name}`).join("、");
}

function card(party) {
  let item = screen.querySelector(`[data-party="${party.party_id}"]`);
  if (!item) {
    item = $("#party-card").content.firstElementChild.cloneNode(true);
    item.dataset.party = party.party_id;
    $("img", item).alt = `${party.role_label}${party.name}的签名二维码`;
    $('[data-action="fullscreen"]', item).addEventListener("click", () => fullscreen(party));
    $("#party-cards").append(item);
  }
  return item;
}

function fullscreen(party) {
  const dialog = $("#qr-dialog");
  dialog.dataset.party = party.party_id;
  $("#qr-dialog-title").textContent = `${party.role_label} ${party.name}：请用手机微信扫码`;
  $("img", dialog).src = qrs.get(party.party_id)?.url || "";
  $("img", dialog).alt = `${party.name}的签名二维码（全屏）`;
  dialog.showModal();
}

$("#qr-dialog").addEventListener("click", (event) => {
  if (event.target.closest('[data-answer="close"]')) $("#qr-dialog").close();
});

function dropQr(partyId) {
  const held = qrs.get(partyId);
  if (!held) return;
  clearTimeout(held.timer);
  URL.revokeObjectURL(held.url);
  qrs.delete(partyId);
}

// The step each party's QR code is wanted for; a party who needs none is absent.
const wanted = new Map();

async function loadQr(party, signal) {
  const step = party.step;
  const response = await fetch(
    `/api/v1/signing-orders/${order.id}/parties/${party.party_id}/qrcode.png`,
    { credentials: "same-origin", cache: "no-store", signal },
  );
  if (!response.ok) return;
  const blob = await response.blob();
  // The party moved on (or finished) while this image was on its way: a newer one is coming.
  if (wanted.get(party.party_id) !== step || signal.aborted) return;
  const url = URL.createObjectURL(blob);
  const expires = new Date(response.headers.get("X-QR-Expires-At")).getTime();
  dropQr(party.party_id);
  const timer = setTimeout(
    () => loadQr(party, signal).catch(() => {}),
    Math.max(5000, expires - Date.now() - ROTATE_MARGIN_MS),
  );
  qrs.set(party.party_id, { url, step, timer });
  const item = card(party);
  const img = $("img.qr", item);
  img.src = url;
  img.hidden = false;
  $('[data-action="fullscreen"]', item).hidden = false;
  const dialog = $("#qr-dialog");
  if (dialog.open && dialog.dataset.party === party.party_id) $("img", dialog).src = url;
}

function render(next, signal) {
  order = next;
  setText(screen, "contract_number", order.contract_number);
  setText(screen, "purpose_label", order.purpose_label);
  setText(screen, "status_label", order.status_label);
  const open = order.status === "awaiting_signatures";
  for (const party of order.parties) {
    const item = card(party);
    setText(item, "role_label", party.role_label);
    setText(item, "name", party.name);
    setText(item, "step_label", party.step_label);
    const wantsQr = open && !FINISHED_STEPS.has(party.step);
    setText(item, "qr_hint", wantsQr ? (party.step === "pending" ? "请当事人扫码" : "已扫码；如需在另一部手机继续，请重新扫码") : "");
    if (!wantsQr) {
      wanted.delete(party.party_id);
      dropQr(party.party_id);
      $("img.qr", item).hidden = true;
      $('[data-action="fullscreen"]', item).hidden = true;
    } else if (wanted.get(party.party_id) !== party.step) {
      // a scan spends the token: the screen shows the next one
      wanted.set(party.party_id, party.step);
      loadQr(party, signal).catch(() => {});
    }
  }
  const outcome = OUTCOMES[order.status];
  message($("#order-message"), outcome ? outcome(order) : "");
  $("#cancel-order").hidden = !open;
  $("#submit-order").hidden = order.status !== "completed";
  $("#regenerate-order").hidden = !["cancelled", "expired", "declined", "failed"].includes(order.status);
  if (!open && $("#qr-dialog").open) $("#qr-dialog").close();
  tick();
}

function tick() {
  if (!order) return;
  const left = order.status === "awaiting_signatures" ? countdown(order.expires_at) : "";
  $("#expires-in").textContent = left ? `剩余 ${left}` : order.status === "awaiting_signatures" ? "已到期" : "—";
}

async function follow(signal) {
  while (!signal.aborted) {
    try {
      const path = `/api/v1/signing-orders/${order.id}?wait=${WAIT_SECONDS}&version=${order.version}`;
      const { data } = await get(path, { signal });
      if (data.version !== order.version || data.status !== order.status) render(data, signal);
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

async function act(action) {
  try {
    const { data } = await post(`/api/v1/signing-orders/${order.id}/${action}`);
    render(data, currentSignal);
  } catch (error) {
    message($("#order-message"), error.message);
  }
}

let currentSignal = null;

$("#cancel-order").addEventListener("click", async () => {
  if (await confirmWith("确定注销此电子合同订单吗？注销后所有二维码作废，已完成的签字不再有效。")) {
    await act("cancel");
  }
});

$("#submit-order").addEventListener("click", () => act("submit"));

$("#back-to-contract").addEventListener("click", () => {
  location.hash = `#/contracts/${order.contract_id}`;
});

$("#regenerate-order").addEventListener("click", async () => {
  const { data } = await get(`/api/v1/contracts/${order.contract_id}`);
  if (data.allowed_actions.includes("create_order")) {
    await generateOrder(order.contract_id).catch((error) => message($("#order-message"), error.message));
  } else {
    carry("合同已退回草稿：请确认合同信息，提交后再生成电子合同订单。");
    location.hash = `#/contracts/${order.contract_id}/edit`;
  }
});

export async function showSigning(id, signal) {
  for (const partyId of [...qrs.keys()]) dropQr(partyId);
  wanted.clear();
  $("#party-cards").replaceChildren();
  currentSignal = signal;
  const { data } = await get(`/api/v1/signing-orders/${id}`);
  if (signal.aborted) return;
  render(data, signal);
  showScreen("signing");
  const timer = setInterval(tick, 1000);
  signal.addEventListener("abort", () => {
    clearInterval(timer);
    for (const partyId of [...qrs.keys()]) dropQr(partyId);
  });
  follow(signal);
}
