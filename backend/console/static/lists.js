// 待办业务 (GET /api/v1/todo) and 合同列表 (GET /api/v1/contracts): status, number, address,
// created time and the purge deadline counting down; filtered by status and contract number
// (the to-do list is short and unpaged, so it is filtered here; the contract list by the API).

import { get } from "./api.js";
import { $, countdown, element, localTime, message, notify, showScreen } from "./dom.js";

const TITLES = { todo: "待办业务", contracts: "合同列表" };
let filterHandler = null;

function row(item) {
  const link = element("a", item.number, { href: `#/contracts/${item.id}` });
  const purge = element("td", "", item.purge_at ? { "data-purge": item.purge_at } : {});
  const cells = [
    element("td"),
    element("td", item.status_label),
    element("td", item.address),
    element("td", localTime(item.created_at)),
    purge,
    element("td", item.next_step || ""),
  ];
  cells[0].append(link);
  const tr = element("tr", undefined, { "data-contract": item.number });
  tr.append(...cells);
  return tr;
}

function tick() {
  for (const cell of document.querySelectorAll("#list-table [data-purge]")) {
    cell.textContent = countdown(cell.dataset.purge) || "即将删除";
  }
}

async function load(kind, form) {
  const status = form.status.value;
  const number = form.number.value.trim();
  let items;
  if (kind === "todo") {
    ({ items } = (await get("/api/v1/todo")).data);
    items = items.filter(
      (i) => (!status || i.status === status) && (!number || i.number.includes(number)),
    );
  } else {
    const query = new URLSearchParams();
    if (status) query.set("status", status);
    if (number) query.set("number", number);
    ({ items } = (await get(`/api/v1/contracts?${query}`)).data);
  }
  $("#list-table tbody").replaceChildren(...items.map(row));
  $("#list-empty").hidden = items.length > 0;
  $("#list-table").hidden = items.length === 0;
  tick();
}

export async function showList(kind, signal) {
  $("#list-title").textContent = TITLES[kind];
  const form = $("#list-filter");
  if (filterHandler) form.removeEventListener("submit", filterHandler);
  filterHandler = (event) => {
    event.preventDefault();
    load(kind, form).catch((error) => notify(error.message));
  };
  form.addEventListener("submit", filterHandler);
  showScreen("list");
  const timer = setInterval(tick, 1000);
  signal.addEventListener("abort", () => clearInterval(timer));
  try {
    await load(kind, form);
  } catch (error) {
    if (error.status !== 401) message($("#notice"), error.message);
  }
}
