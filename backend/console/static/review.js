// One application under review (交易中心): an agency's enterprise information or a
// practitioner, its materials as images (each opens full size), its review history, and the
// decision: 审核通过 (a remark optional) or 审核不通过 with the reason the applicant will read.

import { get, post } from "./api.js";
import { $, element, localTime, message, setText, showScreen } from "./dom.js";
import { clearProblems, showFieldProblems } from "./problems.js";
import { showKind } from "./reviews.js";

const screen = $("#screen-review");
const form = $("#review-form");
let current = null; // {kind, item}

const DONE = {
  approve: { agencies: "已审核通过。", practitioners: "已审核通过，登录账号和初始密码已短信发送给从业人员。" },
  reject: { agencies: "已审核不通过，原因已告知申请机构。", practitioners: "已审核不通过，原因已告知申请机构。" },
};

function size(bytes) {
  return bytes ? `${Math.ceil(bytes / 1024)} KB` : "";
}

function material(kind, item, m) {
  const li = $("#material-item").content.firstElementChild.cloneNode(true);
  li.querySelector("[data-field=name]").textContent = m.name;
  li.querySelector("[data-field=size]").textContent = m.uploaded ? size(m.size) : "（未上传图片）";
  const link = li.querySelector("a");
  if (m.uploaded) {
    const url = `/api/v1/${kind}/${item.id}/materials/${m.id}/file`;
    link.href = url;
    const img = li.querySelector("img");
    img.src = url;
    img.alt = m.name;
  } else {
    link.remove();
  }
  return li;
}

function historyItem(r) {
  const text = `${localTime(r.at)}　${r.action_label}${r.comment ? `：${r.comment}` : ""}`;
  return element("li", text);
}

async function facts(kind, item) {
  setText(screen, "name", item.name);
  setText(screen, "status_label", item.status_label);
  if (kind === "agencies") {
    const info = item.info || {};
    setText(screen, "filing_no", item.filing_no);
    for (const key of ["full_name", "uscc", "legal_representative", "address", "qualification_cert_no"]) {
      setText(screen, key, info[key] || "—");
    }
    const term = info.business_term_to ? `${info.business_term_from || "—"} 至 ${info.business_term_to}` : "—";
    setText(screen, "business_term", term);
    setText(screen, "qualification_valid_to", info.qualification_valid_to || "—");
  } else {
    setText(screen, "id_number_masked", item.id_number_masked);
    setText(screen, "phone", item.phone);
    setText(screen, "username", item.username || "（审核通过后开通）");
    const agency = await get(`/api/v1/agencies/${item.agency_id}`).catch(() => null);
    setText(screen, "agency_name", agency ? agency.data.name : "—");
  }
}

async function render(kind, item) {
  current = { kind, item };
  await facts(kind, item);
  const uploaded = item.materials;
  $("#review-materials").replaceChildren(...uploaded.map((m) => material(kind, item, m)));
  $("#review-no-materials").hidden = uploaded.length > 0;
  $("#review-history").replaceChildren(...item.history.map(historyItem));
  form.hidden = !item.allowed_actions.includes("approve");
}

async function decide(decision) {
  const { kind, item } = current;
  const reason = form.querySelector("[data-path=reason]").value.trim();
  clearProblems(form);
  message($("#review-message"), "");
  try {
    const { data } = await post(`/api/v1/${kind}/${item.id}/${decision}`, reason ? { reason } : {});
    const after = kind === "agencies" ? data : data.practitioner || data;
    form.reset();
    await render(kind, after);
    let done = DONE[decision][kind];
    if (decision === "approve" && kind === "practitioners" && data.password_sms_sent === false) {
      done = "已审核通过，但短信未能发送：请用「重置密码」重新发送初始密码。";
    }
    message($("#notice"), done);
  } catch (error) {
    if (error.fields.length) showFieldProblems(form, error.fields);
    else message($("#review-message"), error.message);
  }
}

for (const button of form.querySelectorAll("[data-decision]")) {
  button.addEventListener("click", () => decide(button.dataset.decision));
}

export async function showReview(kind, id, signal) {
  // A failed load must leave nothing to decide on: the decision buttons act on ``current``.
  current = null;
  form.hidden = true;
  $("#review-materials").replaceChildren();
  $("#review-history").replaceChildren();
  showKind(screen, kind);
  screen.querySelector("[data-field=back]").href = `#/reviews/${kind}`;
  message($("#review-message"), "");
  clearProblems(form);
  form.reset();
  try {
    const { data } = await get(`/api/v1/${kind}/${id}`, { signal });
    await render(kind, data);
    showScreen("review");
  } catch (error) {
    if (error.status === 401 || signal.aborted) return;
    showScreen("review");
    message($("#review-message"), error.status === 404 ? "没有找到该申请。" : error.message);
  }
}
