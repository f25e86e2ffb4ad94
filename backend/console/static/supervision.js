// 资金监管 on the contract screen: where the agreement stands; for 建设银行 the jump to 龙存管
// (the API opens the application, or returns the open one, and the page goes to the bank);
// for 农商行 the agreement number and branch, entered after the parties signed at the branch.

import { post, call } from "./api.js";
import { $, message, setText } from "./dom.js";
import { clearProblems, showFieldProblems } from "./problems.js";

const box = $("#supervision");
const jump = $("#supervision-jump");
const link = $("#supervision-link");
const form = $("#branch-form");
const note = $("#supervision-message");
let contract = null;

const path = (tail) => `/api/v1/contracts/${contract.id}/fund-supervision/${tail}`;
const AFTER_SUBMIT = ["submitted", "signing", "signed", "window_review", "filed"];

export function showSupervision(current) {
  contract = current;
  const fund = current.fund_supervision;
  const app = current.supervision;
  message(note, "");
  box.hidden = !fund.enabled;
  if (!fund.enabled) return;
  setText(box, "supervision_status", app ? app.status_label : "尚未办理");
  setText(box, "supervision_step", current.fund_supervision_next_step || "无需操作");
  setText(box, "agreement_number", app?.agreement_number);
  setText(box, "supervision_reason", app?.reason);
  const open = AFTER_SUBMIT.includes(current.status);
  const online = fund.bank === "ccb";
  jump.hidden = !(online && open && current.fund_supervision_next_step);
  const waiting = online && app?.status === "pending" && app.redirect_url;
  link.hidden = !waiting;
  if (waiting) link.href = app.redirect_url;
  form.hidden = !(fund.bank === "zsrcb" && open && current.fund_supervision_next_step);
}

jump.addEventListener("click", async () => {
  try {
    const { data } = await post(path("applications"));
    location.assign(data.redirect_url);
  } catch (error) {
    message(note, error.message);
  }
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(form);
  const value = (name) => form.querySelector(`[data-path="${name}"]`).value.trim();
  const body = { agreement_number: value("agreement_number"), branch: value("branch") };
  try {
    const { data } = await call("PUT", path("branch-agreement"), body);
    form.reset();
    showSupervision(data);
    message(note, "已录入农商行资金监管协议。");
  } catch (error) {
    if (error.fields.length) showFieldProblems(form, error.fields);
    else message(note, error.message);
  }
});
