// 签订合同: the whole sale contract in fieldsets, saved as a draft (PATCH) and submitted; every
// field the API refuses is shown next to its input, all at once.

import { get, patch, post } from "./api.js";
import { $, $$, carry, message, notify, showScreen, toFen, yuan } from "./dom.js";
import { collect, fill } from "./fields.js";
import { clearProblems, listUnplaced, showFieldProblems } from "./problems.js";

const form = $("#contract-form");
const LISTS = {
  sellers: "party-row",
  buyers: "party-row",
  "property_terms.ancillaries": "ancillary-row",
  annexes: "annex-row",
};
// Top-level fields the form edits: a PATCH names them all, null where the form is empty.
const TOP = [
  "sellers", "buyers", "co_ownership", "price_fen", "payment_method", "delivery_date",
  "applicant", "evaluation", "fund_supervision", "acknowledgements", "property_terms",
  "payment", "taxes", "transfer", "breach", "dispute", "supplementary_terms", "annexes",
];
let contractId = null;

function listEl(name) {
  return form.querySelector(`[data-list="${name}"]`);
}

// Each row's inputs get their API path: buyers[1].share_bp.
function renumber(name) {
  $$("[data-row]", listEl(name)).forEach((row, i) => {
    for (const input of $$("[data-field]", row)) {
      input.dataset.path = `${name}[${i}].${input.dataset.field}`;
    }
    row.dataset.path = `${name}[${i}]`;
  });
  updateTotals();
}

function addRow(name, data = {}) {
  const row = $(`#${LISTS[name]}`).content.firstElementChild.cloneNode(true);
  if (name === "sellers") {
    // as registered: only the phone is the agent's to enter
    for (const input of $$('[data-field="name"], [data-field="id_number"]', row)) input.readOnly = true;
    $('[data-field="id_type"]', row).disabled = true;
    $("[data-share]", row).remove();
    $('[data-action="remove"]', row).remove();
  }
  if (data.file_id) row.dataset.fileId = data.file_id;
  listEl(name).append(row);
  renumber(name);
  return row;
}

function setRows(name, items) {
  listEl(name).replaceChildren();
  for (const item of items) addRow(name, item);
}

form.addEventListener("click", (event) => {
  const remove = event.target.closest('[data-action="remove"]');
  if (!remove) return;
  const list = remove.closest("[data-list]");
  remove.closest("[data-row]").remove();
  renumber(list.dataset.list);
});
$("#add-buyer").addEventListener("click", () => addRow("buyers").querySelector("input").focus());
$("#add-ancillary").addEventListener("click", () => addRow("property_terms.ancillaries"));
$("#add-annex").addEventListener("click", () => addRow("annexes").querySelector("input").focus());
form.addEventListener("input", updateTotals);
form.addEventListener("change", updateTotals);

function amount(path) {
  const input = form.querySelector(`[data-path="${path}"]`);
  const fen = input ? toFen(input.value.trim() || "0") : 0;
  return Number.isNaN(fen) ? 0 : fen;
}

// The running total of the buyers' shares, and the payment schedule against the price.
function updateTotals() {
  const byShares = form.querySelector('[data-path="co_ownership"]').value === "shares";
  const shares = $$('[data-list="buyers"] [data-field="share_bp"]', form);
  for (const input of shares) input.closest("label").hidden = !byShares;
  const total = shares.reduce((sum, input) => sum + (toFen(input.value.trim() || "0") || 0), 0);
  $("#share-total").textContent = byShares
    ? `份额合计：${(total / 100).toFixed(2)}%${total === 10000 ? "" : "（须为 100%）"}`
    : "";
  const parts = ["payment.down_payment.amount_fen", "payment.loan.amount_fen", "payment.balance.amount_fen"];
  const paid = parts.reduce((sum, path) => sum + amount(path), 0);
  const price = amount("price_fen");
  $("#payment-total").textContent = price
    ? `首付款 + 贷款 + 尾款 = ${yuan(paid)}；成交价 ${yuan(price)}${paid === price ? "" : "（须相等）"}`
    : "";
}

function asForm(contract) {
  return {
    ...contract,
    taxes: Object.fromEntries(contract.taxes.map((t) => [t.fee, t.bearer])),
  };
}

function bodyOf() {
  const { body, problems } = collect(form);
  for (const row of $$('[data-list="annexes"] [data-row]', form)) {
    const i = Number(row.dataset.path.match(/\[(\d+)\]/)[1]);
    if (row.dataset.fileId && body.annexes?.[i] && !body.annexes[i].text) {
      body.annexes[i].file_id = row.dataset.fileId;
    }
  }
  for (const key of TOP) if (body[key] === undefined) body[key] = null;
  // A row left blank stays a row (the API names what it lacks by its index, as on screen).
  const rows = (name) => $$(`[data-list="${name}"] [data-row]`, form).length;
  const padded = (items, count) => Array.from({ length: count }, (_, i) => items?.[i] ?? {});
  body.buyers = padded(body.buyers, rows("buyers"));
  if (rows("annexes") || body.annexes) body.annexes = padded(body.annexes, rows("annexes"));
  const ancillaries = rows("property_terms.ancillaries");
  if (ancillaries) {
    body.property_terms = body.property_terms || {};
    body.property_terms.ancillaries = padded(body.property_terms.ancillaries, ancillaries);
  }
  return { body, problems };
}

function showProblems(problems) {
  const unplaced = showFieldProblems(form, problems);
  listUnplaced($("#form-unplaced"), unplaced);
  message($("#form-summary"), `${problems.length} 个字段有误，请按提示修改后重试。`);
}

async function save() {
  clearProblems(form);
  listUnplaced($("#form-unplaced"), []);
  message($("#form-summary"), "");
  const { body, problems } = bodyOf();
  if (problems.length) {
    showProblems(problems);
    return null;
  }
  try {
    return (await patch(`/api/v1/contracts/${contractId}`, body)).data;
  } catch (error) {
    if (error.fields.length) showProblems(error.fields);
    else message($("#form-summary"), error.message);
    return null;
  }
}

$("#save-draft").addEventListener("click", async () => {
  if (await save()) notify("草稿已保存。");
});

$("#submit-contract").addEventListener("click", async () => {
  if (!(await save())) return;
  try {
    await post(`/api/v1/contracts/${contractId}/submit`);
    carry("提交完成。请确认合同信息无误后生成电子合同订单。");
    location.hash = `#/contracts/${contractId}`;
  } catch (error) {
    if (error.fields.length) showProblems(error.fields);
    else message($("#form-summary"), error.message);
  }
});

export async function showForm(id, signal) {
  contractId = id;
  clearProblems(form);
  listUnplaced($("#form-unplaced"), []);
  message($("#form-summary"), "");
  const { data } = await get(`/api/v1/contracts/${id}`);
  if (signal.aborted) return;
  if (!data.allowed_actions.includes("edit")) {
    location.hash = `#/contracts/${id}`;
    return;
  }
  $("#form-number").textContent = data.number;
  const values = asForm(data);
  setRows("sellers", data.sellers);
  setRows("buyers", data.buyers.length ? data.buyers : [{}]);
  setRows("property_terms.ancillaries", data.property_terms.ancillaries);
  setRows("annexes", data.annexes);
  fill(form, values);
  updateTotals();
  showScreen("form");
}
