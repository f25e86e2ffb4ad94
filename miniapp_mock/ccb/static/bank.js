// The sandbox CCB 龙存管 page: shows the supervision agreement and lets each party confirm it.
// It only calls this bank's page routes; nothing is written as HTML (Trusted Types).
const base = "/sandbox/v1/banks/ccb/pages/";
const id = decodeURIComponent(location.pathname.slice(base.length));
const $ = (sel) => document.querySelector(sel);
let current = null;

function yuan(fen) {
  const whole = Math.floor(fen / 100).toLocaleString("zh-CN");
  return `¥${whole}.${String(fen % 100).padStart(2, "0")}`;
}

function fenOf(text) {
  const m = /^\s*(\d{1,10})(?:\.(\d{1,2}))?\s*$/.exec(text.replace(/,/g, ""));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || "").padEnd(2, "0"));
}

function show(section) {
  for (const s of ["loading", "missing", "agreement"]) $("#" + s).hidden = s !== section;
}

function say(text, error) {
  const box = $("#message");
  box.textContent = text;
  box.className = error ? "notice error" : "notice";
  box.hidden = !text;
}

function field(name, value) {
  for (const el of document.querySelectorAll(`[data-field="${name}"]`)) el.textContent = value ?? "";
}

function render(state) {
  current = state;
  show("agreement");
  for (const name of ["status_label", "application_id", "contract_number", "property_address",
    "agreement_number", "supervision_account", "reason"]) field(name, state[name]);
  field("price", yuan(state.price_fen));
  field("amount", yuan(state.amount_fen));
  const pending = state.status === "pending";
  $("#terms").hidden = !pending;
  $("#other").hidden = !pending && state.status !== "signed";
  $("#reject").hidden = !pending;
  $("#settled").hidden = pending;
  $("#agreement-row").hidden = !state.agreement_number;
  $("#account-row").hidden = !state.supervision_account;
  $("#reason-row").hidden = !state.reason;
  $("#return").href = state.return_url;
  if (!pending) return;
  if (document.activeElement !== $("#amount")) $("#amount").value = (state.amount_fen / 100).toFixed(2);
  if (state.seller_account && !$("#seller_account").value) $("#seller_account").value = state.seller_account;
  if (state.buyer_account && !$("#buyer_account").value) $("#buyer_account").value = state.buyer_account;
  const list = $("#parties");
  list.replaceChildren();
  for (const party of state.parties) {
    const li = document.createElement("li");
    const who = document.createElement("span");
    who.textContent = `${party.role_label} ${party.name}`;
    li.append(who);
    if (party.confirmed) {
      const done = document.createElement("span");
      done.className = "done";
      done.textContent = "已确认";
      li.append(done);
    } else {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.party = party.key;
      button.textContent = `${party.name}确认协议`;
      button.addEventListener("click", () => confirmAs(party));
      li.append(button);
    }
    list.append(li);
  }
}

async function call(path, method, body) {
  const resp = await fetch(base + encodeURIComponent(id) + path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await resp.json().catch(() => null);
  if (!resp.ok) throw new Error(data?.error?.message || `银行系统暂时无法处理（${resp.status}）`);
  return data;
}

async function act(path, body) {
  try {
    render(await call(path, "POST", body));
    say("", false);
  } catch (err) {
    say(err.message, true);
  }
}

function confirmAs(party) {
  const amount = fenOf($("#amount").value);
  if (amount === null) return say("请填写正确的监管金额（元，最多两位小数）", true);
  const seller = $("#seller_account").value.trim();
  const buyer = $("#buyer_account").value.trim();
  act("/confirm", {
    party: party.key,
    amount_fen: amount,
    seller_account: seller || null,
    buyer_account: buyer || null,
  });
}

async function load() {
  try {
    render(await call("/state", "GET"));
  } catch {
    show("missing");
  }
}

$("#cancel").addEventListener("click", () => act("/cancel", { reason: $("#reason").value.trim() || "当事人撤销" }));
$("#reject").addEventListener("click", () => act("/reject", { reason: $("#reason").value.trim() || "资料不全" }));
load();
