// Small helpers: the page writes text only (textContent), never HTML.

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

export function setText(root, field, value) {
  for (const el of $$(`[data-field="${field}"]`, root)) el.textContent = value ?? "—";
}

export function element(tag, text, attributes = {}) {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  return el;
}

export function message(el, text) {
  el.textContent = text || "";
  el.hidden = !text;
}

export function showScreen(name) {
  for (const screen of $$(".screen")) screen.hidden = screen.id !== `screen-${name}`;
  const title = $(`#screen-${name} h1`);
  if (title) title.focus({ preventScroll: true });
}

export function notify(text) {
  message($("#notice"), text);
}

// A notice for the screen the agent is sent to next (shown by the router, then forgotten).
let carried = "";
export function carry(text) {
  carried = text;
}
export function takeCarried() {
  const text = carried;
  carried = "";
  return text;
}

// Money: integer fen in the API, 元 with two decimals on screen.
export function yuan(fen) {
  if (fen === null || fen === undefined) return "—";
  const whole = Math.trunc(fen / 100).toLocaleString("zh-CN");
  return `${whole}.${String(fen % 100).padStart(2, "0")} 元`;
}

export function toFen(text) {
  const cleaned = text.replace(/[,，\s]/g, "");
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return NaN;
  const [whole, part = ""] = cleaned.split(".");
  return Number(whole) * 100 + Number(part.padEnd(2, "0"));
}

export function fenToText(fen) {
  return fen === null || fen === undefined ? "" : (fen / 100).toFixed(2);
}

const timeFormat = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  dateStyle: "medium",
  timeStyle: "short",
});

export function localTime(iso) {
  return iso ? timeFormat.format(new Date(iso)) : "—";
}

// "1 小时 05 分 09 秒" until the moment, or "" once it passed.
export function countdown(iso, now = Date.now()) {
  const left = Math.floor((new Date(iso).getTime() - now) / 1000);
  if (left <= 0) return "";
  const h = Math.floor(left / 3600);
  const m = String(Math.floor((left % 3600) / 60)).padStart(2, "0");
  const s = String(left % 60).padStart(2, "0");
  return h > 0 ? `${h} 小时 ${m} 分 ${s} 秒` : `${m} 分 ${s} 秒`;
}

// Asks with the page's own dialog; resolves true for 确定.
export function confirmWith(text) {
  const dialog = $("#confirm-dialog");
  $("#confirm-text").textContent = text;
  return new Promise((resolve) => {
    const answered = (event) => {
      const answer = event.target.closest("[data-answer]");
      if (!answer) return;
      dialog.removeEventListener("click", answered);
      dialog.close();
      resolve(answer.dataset.answer === "yes");
    };
    dialog.addEventListener("click", answered);
    dialog.showModal();
  });
}
