// The center's review queues (交易中心): agencies' information checks (GET /api/v1/agencies)
// and practitioners (GET /api/v1/practitioners), by status, the ones awaiting review first.

import { get } from "./api.js";
import { $, $$, element, localTime, message, notify, showScreen } from "./dom.js";

const screen = $("#screen-reviews");
let filterHandler = null;
let shownKind = null;

// Only the words of this kind of queue (the template holds both).
export function showKind(root, kind) {
  for (const el of $$("[data-kind]", root)) el.hidden = el.dataset.kind !== kind;
}

// The last submission's time: what the queue is ordered by for the reviewer.
export function submittedAt(item) {
  const submits = item.history.filter((r) => r.action === "submit");
  return submits.length ? submits.at(-1).at : null;
}

async function agencyNames() {
  const { data } = await get("/api/v1/agencies");
  return new Map(data.items.map((a) => [a.id, a.name]));
}

function row(kind, item, names) {
  const link = element("a", item.name, { href: `#/reviews/${kind}/${item.id}` });
  const open = element("a", item.status === "submitted" ? "审核" : "查看", {
    href: `#/reviews/${kind}/${item.id}`,
  });
  const second = kind === "agencies" ? item.filing_no : names.get(item.agency_id) || "—";
  const cells = [
    element("td"),
    element("td", second),
    element("td", item.status_label),
    element("td", localTime(submittedAt(item))),
    element("td"),
  ];
  cells[0].append(link);
  cells[4].append(open);
  const tr = element("tr", undefined, { "data-review": item.id });
  tr.append(...cells);
  return tr;
}

async function load(kind, form) {
  const status = form.status.value;
  const query = status ? `?status=${status}` : "";
  const [{ data }, names] = await Promise.all([
    get(`/api/v1/${kind}${query}`),
    kind === "practitioners" ? agencyNames() : Promise.resolve(new Map()),
  ]);
  // Oldest submission first: the queue is worked in the order applicants sent it.
  const items = data.items.sort((a, b) => (submittedAt(a) || "").localeCompare(submittedAt(b) || ""));
  $("#reviews-table tbody").replaceChildren(...items.map((item) => row(kind, item, names)));
  $("#reviews-empty").hidden = items.length > 0;
  $("#reviews-table").hidden = items.length === 0;
}

export async function showReviews(kind, signal) {
  showKind(screen, kind);
  const form = $("#reviews-filter");
  if (kind !== shownKind) form.status.value = "submitted"; // a queue opens on what awaits review
  shownKind = kind;
  if (filterHandler) form.removeEventListener("submit", filterHandler);
  filterHandler = (event) => {
    event.preventDefault();
    load(kind, form).catch((error) => notify(error.message));
  };
  form.addEventListener("submit", filterHandler);
  showScreen("reviews");
  try {
    await load(kind, form);
  } catch (error) {
    if (error.status !== 401 && !signal.aborted) message($("#notice"), error.message);
  }
}
