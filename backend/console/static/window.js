// 窗口业务 (交易中心): find a contract by its number to open its window case, and the cases
// already open (GET /api/v1/window/cases), the ones waiting for review first.

import { get } from "./api.js";
import { $, element, localTime, message, showScreen } from "./dom.js";

const lookup = $("#window-lookup");

export function stageLabel(caseOrNull) {
  if (!caseOrNull) return $("#stage-none").textContent;
  return $(caseOrNull.in_review ? "#stage-in-review" : "#stage-preparing").textContent;
}

function row(item) {
  const link = element("a", item.number, { href: `#/window/${item.contract_id}` });
  const cells = [
    element("td"),
    element("td", item.purpose_label),
    element("td", item.address),
    element("td", stageLabel(item)),
    element("td", localTime(item.opened_at)),
  ];
  cells[0].append(link);
  const tr = element("tr", undefined, { "data-case": item.number });
  tr.append(...cells);
  return tr;
}

lookup.addEventListener("submit", async (event) => {
  event.preventDefault();
  const number = lookup.querySelector("[data-path=number]").value.trim();
  const note = $("#window-message");
  if (!number) {
    message(note, "请输入合同编号。");
    return;
  }
  try {
    const { data } = await get(`/api/v1/contracts?number=${encodeURIComponent(number)}`);
    if (!data.items.length) {
      message(note, `没有找到合同编号为 ${number} 的合同。`);
      return;
    }
    message(note, "");
    location.hash = `#/window/${data.items[0].id}`;
  } catch (error) {
    message(note, error.message);
  }
});

export async function showWindow(signal) {
  message($("#window-message"), "");
  showScreen("window");
  try {
    const { data } = await get("/api/v1/window/cases", { signal });
    const items = data.items.sort((a, b) => Number(b.in_review) - Number(a.in_review));
    $("#window-cases tbody").replaceChildren(...items.map(row));
    $("#window-empty").hidden = items.length > 0;
    $("#window-cases").hidden = items.length === 0;
  } catch (error) {
    if (error.status !== 401 && !signal.aborted) message($("#window-message"), error.message);
  }
}
