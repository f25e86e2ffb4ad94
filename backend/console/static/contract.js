// One contract: what was agreed, read-only; the next step (修改, 生成电子合同订单, the open
// order); after filing, the signature receipts and 存量房合同注销线上 where the rules allow it.

import { get, post } from "./api.js";
import { $, carry, element, localTime, message, setText, showScreen, yuan } from "./dom.js";
import { clearProblems, showFieldProblems } from "./problems.js";
import { showSupervision } from "./supervision.js";

let current = null;
const screen = $("#screen-contract");

function people(parties) {
  return parties.map((p) => (p.share_bp ? `${p.name}（${p.share_bp / 100}%）` : p.name)).join("、") || "—";
}

function receiptLink(party, contract) {
  const file = new Blob([JSON.stringify(party.receipt, null, 2)], { type: "application/json" });
  const link = element("a", `${party.role_label} ${party.name} 的签名回执（JSON）`, {
    href: URL.createObjectURL(file),
    download: `${contract.number}-${party.party_id}-receipt.json`,
  });
  const item = element("li");
  item.append(link);
  return item;
}

async function showReceipts(contract) {
  const filing = contract.orders.filter((o) => o.purpose === "filing" && o.status === "submitted").at(-1);
  $("#receipts").hidden = !filing;
  if (!filing) return;
  const { data } = await get(`/api/v1/signing-orders/${filing.id}`);
  $("#receipt-list").replaceChildren(
    ...data.parties.filter((p) => p.receipt).map((p) => receiptLink(p, contract)),
  );
}

function showCancellation(contract) {
  const refused = $("#cancellation-refused");
  const online = contract.status === "filed" && contract.filed_via === "online";
  $("#cancellation").hidden = !(online && contract.allowed_actions.includes("request_cancellation"));
  if (contract.status === "filed" && !online) {
    message(refused, "该合同在交易中心窗口办理备案，须到窗口办理注销，不能线上注销。");
  } else {
    message(refused, "");
  }
}

function render(contract) {
  current = contract;
  setText(screen, "number", contract.number);
  setText(screen, "status_label", contract.status_label);
  setText(screen, "address", contract.property.address);
  setText(screen, "sellers", people(contract.sellers));
  setText(screen, "buyers", people(contract.buyers));
  setText(screen, "price", yuan(contract.price_fen));
  setText(screen, "payment_method_label", contract.payment_method_label);
  setText(screen, "delivery_date", contract.delivery_date);
  setText(screen, "fund_supervision_label", contract.fund_supervision_label);
  setText(screen, "channel_label", contract.channel_label);
  setText(screen, "purge", contract.purge_at ? localTime(contract.purge_at) : "—（已完成签字或备案）");
  const can = (action) => contract.allowed_actions.includes(action);
  $("#edit-contract").hidden = !can("edit");
  $("#generate-order").hidden = !(can("create_order") && !contract.open_order_id);
  // The signing screen is the practitioner's; the agency admin and staff read the contract only.
  $("#open-order").hidden = !contract.open_order_id || document.body.dataset.role !== "practitioner";
  showCancellation(contract);
  showSupervision(contract);
}

$("#edit-contract").addEventListener("click", () => {
  location.hash = `#/contracts/${current.id}/edit`;
});

$("#open-order").addEventListener("click", () => {
  location.hash = `#/orders/${current.open_order_id}`;
});

export async function generateOrder(contractId) {
  const { data } = await post(`/api/v1/contracts/${contractId}/signing-orders`);
  carry("电子合同订单生成成功：已创建订单，待签字。");
  location.hash = `#/orders/${data.id}`;
}

$("#generate-order").addEventListener("click", () =>
  generateOrder(current.id).catch((error) => message($("#contract-message"), error.message)),
);

$("#cancellation-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  clearProblems(form);
  const reason = form.querySelector('[data-path="reason"]').value.trim();
  try {
    await post(`/api/v1/contracts/${current.id}/cancellations`, { reason });
    form.reset();
    await generateOrder(current.id);
  } catch (error) {
    if (error.fields.length) showFieldProblems(form, error.fields);
    else message($("#cancellation-refused"), `不能线上注销：${error.message}`);
  }
});

export async function showContract(id, signal) {
  message($("#contract-message"), "");
  const { data } = await get(`/api/v1/contracts/${id}`);
  if (signal.aborted) return;
  render(data);
  showScreen("contract");
  await showReceipts(data);
}
