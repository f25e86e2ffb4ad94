// One contract at the window (交易中心): 受理 a filing or a cancellation (with its reason), print
// the forms, record each party and upload its documents and the signed pages, 提交审核 — a
// refusal lists every missing item, each shown on its party's card — then 审核通过 or 审核退回
// with the reason. Everything shown is GET /api/v1/window/contracts/{id}/case.

import { get, post } from "./api.js";
import { $, $$, element, message, notify, setText, showScreen } from "./dom.js";
import { clearProblems, showFieldProblems } from "./problems.js";
import { stageLabel } from "./window.js";
import { partyCard, sendFile } from "./window-party.js";

const screen = $("#screen-window-case");
const openForm = $("#case-open-form");
const decideForm = $("#case-decide-form");
let view = null;

const base = () => `/api/v1/window/contracts/${view.contract_id}`;
const ENDED = ["cancelled", "deleted"];

const DONE = {
  submit: "已提交审核。",
  approve: { filing: "审核通过：合同已备案（线下办理）。", cancellation: "审核通过：合同已注销网签备案。" },
  reject: "已退回，退回原因已记录，可补正后重新提交审核。",
};

// A missing item as staff read it: whose it is, then what is missing.
function describe(problem) {
  const who = problem.path.match(/^parties\.([\w-]+)\./);
  const party = who && view.parties.find((p) => p.id === who[1]);
  const text = problem.message.replace(/\s*\([^()]*\)\s*$/, "");
  return party ? `${party.role_label} ${party.name}：${text}` : `签章页：${text}`;
}

function formLink(key, title) {
  const link = element("a", `打印 ${title}`, {
    href: `${base()}/forms/${key}.html`,
    target: "_blank",
    rel: "noopener",
    "data-form": key,
  });
  const li = element("li");
  li.append(link);
  return li;
}

function render(data) {
  view = data;
  const kase = data.case;
  const business = kase ? kase.purpose : data.business;
  for (const key of ["number", "status_label", "address", "business_label"]) setText(screen, key, data[key]);
  $("#case-contract-link").href = `#/contracts/${data.contract_id}`;
  setText(screen, "stage", stageLabel(kase));
  setText(screen, "reason", kase?.reason || "");
  setText(screen, "rejection", kase?.rejection || "");
  for (const el of $$("[data-show=reason]", screen)) el.hidden = !kase?.reason;
  for (const el of $$("[data-show=rejection]", screen)) el.hidden = !kase?.rejection;

  openForm.hidden = Boolean(kase) || ENDED.includes(data.status);
  for (const el of $$("[data-business]", openForm)) el.hidden = el.dataset.business !== business;
  const forms = Object.entries(data.forms);
  $("#case-forms").hidden = forms.length === 0 || ENDED.includes(data.status);
  $("#case-form-links").replaceChildren(...forms.map(([key, title]) => formLink(key, title)));

  const editable = Boolean(kase) && !kase.in_review;
  $("#case-work").hidden = !kase;
  $("#case-parties").replaceChildren(...data.parties.map((p) => partyCard(data, p, editable, reload)));
  setText(screen, "signed_pages", String(kase?.signed_pages ?? 0));
  screen.querySelector("[data-upload=signed-pages]").closest("label").hidden = !editable;
  $("#case-submit").hidden = !editable;
  $("#case-missing").hidden = data.missing.length === 0;
  setText(screen, "missing_count", String(data.missing.length));
  $("#case-missing-list").replaceChildren(...data.missing.map((p) => element("li", describe(p))));
  decideForm.hidden = !kase?.in_review;
}

// Until a case has loaded, nothing can act: a failed load must not leave the previous
// contract's forms to act on (their handlers read ``view``).
function forget() {
  view = null;
  for (const el of [openForm, $("#case-forms"), $("#case-work"), $("#case-submit"), decideForm]) el.hidden = true;
  $("#case-parties").replaceChildren();
}

async function reload(notice) {
  const { data } = await get(`/api/v1/window/contracts/${view.contract_id}/case`);
  clearProblems(screen);
  message($("#case-message"), ""); // a refusal shown before is answered by this change
  render(data);
  if (notice !== undefined) notify(notice);
}

openForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(openForm);
  message($("#case-message"), "");
  const purpose = view.business;
  const reason = openForm.querySelector("[data-path=reason]").value.trim();
  try {
    await post(`${base()}/case`, { purpose, reason: purpose === "cancellation" ? reason : null });
    openForm.reset();
    await reload(`已受理：${view.business_label}。`);
  } catch (error) {
    if (error.fields.length) showFieldProblems(openForm, error.fields);
    else message($("#case-message"), error.message);
  }
});

screen.querySelector("[data-upload=signed-pages]").addEventListener("change", async (event) => {
  const input = event.target;
  const file = input.files[0];
  if (!file) return;
  clearProblems(screen);
  try {
    await sendFile("POST", `${base()}/signed-pages`, file);
    input.value = "";
    await reload(`已上传签章页：${file.name}`);
  } catch (error) {
    input.value = "";
    showFieldProblems(screen, [{ path: "signed_pages", message: error.message }]);
  }
});

$("#case-submit").addEventListener("click", async () => {
  clearProblems(screen);
  message($("#case-message"), "");
  try {
    await post(`${base()}/submit`);
    await reload(DONE.submit);
  } catch (error) {
    if (!error.fields.length) {
      message($("#case-message"), error.message);
      return;
    }
    // Refused: the list is the API's, every item at once, and each goes on its card too.
    await reload();
    message($("#case-message"), `${error.message}：共 ${error.fields.length} 项，见各当事人下方的提示。`);
    showFieldProblems(screen, error.fields);
  }
});

for (const button of decideForm.querySelectorAll("[data-decision]")) {
  button.addEventListener("click", async () => {
    const decision = button.dataset.decision;
    const reason = decideForm.querySelector("[data-path=reason]").value.trim();
    const purpose = view.case.purpose;
    clearProblems(decideForm);
    message($("#case-message"), "");
    try {
      await post(`${base()}/${decision}`, decision === "reject" ? { reason } : undefined);
      decideForm.reset();
      await reload(decision === "approve" ? DONE.approve[purpose] : DONE.reject);
    } catch (error) {
      if (error.fields.length) showFieldProblems(decideForm, error.fields);
      else message($("#case-message"), error.message);
    }
  });
}

export async function showWindowCase(id, signal) {
  forget();
  message($("#case-message"), "");
  clearProblems(screen);
  try {
    const { data } = await get(`/api/v1/window/contracts/${id}/case`, { signal });
    render(data);
    showScreen("window-case");
  } catch (error) {
    if (error.status === 401 || signal.aborted) return;
    showScreen("window-case");
    message($("#case-message"), error.status === 404 ? "没有找到该合同。" : error.message);
  }
}
