// 从业人员管理 (guide §1.3), the list: every practitioner record of the agency with its review
// status and login, and 人员添加 (name, ID number, phone; the API checks them all at once).

import { get, post } from "./api.js";
import { $, carry, element, message, showScreen } from "./dom.js";
import { clearProblems, showFieldProblems } from "./problems.js";

const form = $("#practitioner-add");

function accountLabel(p) {
  if (p.account_disabled === null || p.account_disabled === undefined) return "—";
  return p.account_disabled ? "已停用" : "正常";
}

function row(p) {
  const name = element("td");
  name.append(element("a", p.name, { href: `#/practitioners/${p.id}` }));
  const tr = element("tr", undefined, { "data-practitioner": p.id });
  tr.append(
    name,
    element("td", p.id_number_masked),
    element("td", p.phone),
    element("td", p.status_label),
    element("td", p.username || "—"),
    element("td", accountLabel(p)),
  );
  return tr;
}

async function load(signal) {
  const { items } = (await get("/api/v1/practitioners", { signal })).data;
  $("#practitioners-table tbody").replaceChildren(...items.map(row));
  $("#practitioners-empty").hidden = items.length > 0;
  $("#practitioners-table").hidden = items.length === 0;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(form);
  message($("#practitioners-message"), "");
  const value = (path) => form.querySelector(`[data-path="${path}"]`).value.trim() || null;
  const body = { name: value("name"), id_number: value("id_number"), phone: value("phone") };
  try {
    const { data } = await post("/api/v1/practitioners", body);
    form.reset();
    carry(`已添加 ${data.name}：请上传身份证图片并提交审核。`);
    location.hash = `#/practitioners/${data.id}`;
  } catch (error) {
    const unplaced = error.fields.length ? showFieldProblems(form, error.fields) : [];
    if (!error.fields.length || unplaced.length) message($("#practitioners-message"), error.message);
  }
});

export async function showPractitioners(signal) {
  clearProblems(form);
  message($("#practitioners-message"), "");
  showScreen("practitioners");
  try {
    await load(signal);
  } catch (error) {
    if (error.status !== 401) message($("#practitioners-message"), error.message);
  }
}
