// 中介服务机构信息核查 (guide §1.2): the agency admin's enterprise information, its materials
// and the submission with a comment; the review result and its reason. The API checks every
// rule (the 2-year limit on the dates among them) and reports all problems at once; each is
// shown by its field.

import { get, post, call } from "./api.js";
import { $, $$, message, notify, setText, showScreen } from "./dom.js";
import { clearProblems, listUnplaced, showFieldProblems } from "./problems.js";
import { addMaterial, showMaterials } from "./materials.js";
import { showHistory, showReview } from "./review-history.js";

const screen = $("#screen-agency");
const infoForm = $("#agency-info");
const submitForm = $("#agency-submit");
let agency = null;
let leaving = null;

const FIELDS = [
  "full_name", "uscc", "legal_representative", "address", "business_term_from",
  "business_term_to", "qualification_cert_no", "qualification_valid_to",
];

function input(path) {
  return infoForm.querySelector(`[data-path="${path}"]`);
}

function fillInfo(a) {
  const info = a.info || { full_name: a.name };
  for (const path of FIELDS) input(path).value = info[path] ?? "";
  // Without a certificate the API takes the business term's end as its validity: refilled, the
  // saved date would be refused (MUST_EQUAL_BUSINESS_TERM) once the term is changed.
  if (!info.qualification_cert_no) input("qualification_valid_to").value = "";
}

function readInfo() {
  const body = {};
  for (const path of FIELDS) body[path] = input(path).value.trim() || null;
  return body;
}

function render(a, { refill = false } = {}) {
  agency = a;
  setText(screen, "name", a.name);
  setText(screen, "filing_no", a.filing_no);
  setText(screen, "status_label", a.status_label);
  screen.dataset.status = a.status;
  showReview($("#agency-review"), a.last_review);
  const editable = a.allowed_actions.includes("edit");
  if (refill) fillInfo(a);
  for (const el of $$("input", infoForm)) el.readOnly = !editable;
  $("#agency-save").hidden = !editable;
  $("#agency-add-material").hidden = !editable;
  submitForm.hidden = !a.allowed_actions.includes("submit");
  showMaterials($("#agency-materials"), `/api/v1/agencies/${a.id}`, a.materials, {
    editable,
    changed: (next) => render(next),
    signal: leaving,
  });
  showHistory($("#agency-history"), a.history);
}

function problems(error) {
  message($("#agency-message"), error.message);
  listUnplaced($("#agency-unplaced"), showFieldProblems(screen, error.fields));
}

function clear() {
  clearProblems(screen);
  message($("#agency-message"), "");
  listUnplaced($("#agency-unplaced"), []);
}

infoForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clear();
  try {
    const { data } = await call("PUT", `/api/v1/agencies/${agency.id}/info`, readInfo());
    render(data, { refill: true });
    notify("企业信息已保存。");
  } catch (error) {
    problems(error);
  }
});

$("#agency-add-material").addEventListener("click", async () => {
  clear();
  try {
    render(await addMaterial(`/api/v1/agencies/${agency.id}`));
  } catch (error) {
    problems(error);
  }
});

submitForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clear();
  const comment = $('[data-path="comment"]', submitForm).value.trim();
  try {
    const { data } = await post(`/api/v1/agencies/${agency.id}/submit`, { comment });
    submitForm.reset();
    render(data);
    notify("已提交，请等待交易中心审核。");
  } catch (error) {
    problems(error);
  }
});

export async function showAgency(agencyId, signal) {
  leaving = signal;
  clear();
  showScreen("agency");
  try {
    const { data } = await get(`/api/v1/agencies/${agencyId}`, { signal });
    render(data, { refill: true });
  } catch (error) {
    if (error.status !== 401) message($("#agency-message"), error.message);
  }
}
