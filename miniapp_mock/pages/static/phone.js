// The phone page of the simulated mini-program (粤信签): one party walks the guide's steps by
// calling the public /mp/v1 API, nothing else. The words people read are in the page itself
// (#messages); this module only chooses them. No innerHTML anywhere: text goes in as text.

const API = "/mp/v1";
const KEY = "wangqian.party-session"; // sessionStorage only: it dies with the tab
const POLL_MS = 2000;
const SCREEN_OF_STEP = {
  opened: "review",
  reviewed: "confirm",
  confirmed: "police",
  identity_verified: "face",
  signed: "done",
  declined: "declined",
  locked: "locked",
};
const PROGRESS = ["review", "confirm", "police", "face", "done"];
const FINAL = new Set(["locked", "declined", "ended", "invalid", "session", "start"]);

const $ = (id) => document.getElementById(id);
let session = null; // {token, expires_at}
let view = null; // the last PartyViewOut
let current = "loading";
let busy = false;
let seq = 0; // bumped by every action, so a poll that raced one is not rendered
let pollTimer = 0;
let clockTimer = 0;
let camera = null;
let receiptUrl = null;
let othersShown = "";

function msg(name, vars = {}) {
  const el = document.querySelector(`#messages [data-msg="${name}"]`);
  let text = el ? el.textContent : "";
  for (const [k, v] of Object.entries(vars)) text = text.replace(`{${k}}`, String(v));
  return text;
}

// The API's messages read "中文 (English)…"; the party gets the Chinese.
const chinese = (message) => (message || "").split(" (")[0];

class ApiError extends Error {
  constructor(status, error) {
    super(error.message || "");
    this.status = status;
    this.code = error.code || `HTTP_${status}`;
    this.details = error.details || {};
  }
}

async function api(method, path, body) {
  const headers = {};
  if (session) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let resp;
  try {
    resp = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, { code: "NETWORK", message: msg("NETWORK") });
  }
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new ApiError(resp.status, data.error || {});
  return data;
}

// --- SHA-256 of the text shown: Web Crypto where the page is a secure context (https,
// localhost); a phone on plain http in the office network has none, hence the fallback.
async function sha256Hex(text) {
  const bytes = new TextEncoder().encode(text);
  if (globalThis.crypto?.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return sha256Plain(bytes);
}

function sha256Plain(bytes) {
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  const H = [];
  const K = [];
  for (let n = 2, found = 0; found < 64; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
    if (!prime) continue;
    if (found < 8) H[found] = (Math.pow(n, 1 / 2) * 2 ** 32) | 0;
    K[found++] = (Math.pow(n, 1 / 3) * 2 ** 32) | 0;
  }
  const len = bytes.length;
  const words = new Uint32Array(((len + 8) >> 6) * 16 + 16);
  for (let i = 0; i < len; i++) words[i >> 2] |= bytes[i] << (24 - (i & 3) * 8);
  words[len >> 2] |= 0x80 << (24 - (len & 3) * 8);
  words[words.length - 2] = Math.floor(len / 2 ** 29);
  words[words.length - 1] = len * 8;
  const w = new Uint32Array(64);
  let h = H.slice();
  for (let j = 0; j < words.length; j += 16) {
    let [a, b, c, d, e, f, g, k] = h;
    for (let i = 0; i < 64; i++) {
      if (i < 16) w[i] = words[j + i];
      else {
        const x = w[i - 15];
        const y = w[i - 2];
        w[i] = w[i - 16] + (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) + w[i - 7] +
          (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10));
      }
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      [k, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
    }
    h = [a, b, c, d, e, f, g, k].map((x, i) => (x + h[i]) | 0);
  }
  return h.map((x) => (x >>> 0).toString(16).padStart(8, "0")).join("");
}

// GB 11643: 17 digits, then the MOD 11-2 check character.
function idProblem(id) {
  if (!id) return "ID_REQUIRED";
  if (!/^\d{17}[\dX]$/.test(id)) return "ID_LENGTH";
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, wt, i) => total + wt * Number(id[i]), 0);
  return "10X98765432"[sum % 11] === id[17] ? null : "ID_CHECKSUM";
}

// --- session
function saveSession() {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}
function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || "null");
    return s && typeof s.token === "string" ? s : null;
  } catch {
    return null;
  }
}
function dropSession() {
  session = null;
  sessionStorage.removeItem(KEY);
}

// --- rendering
function fill(field, text) {
  for (const el of document.querySelectorAll(`[data-field="${field}"]`)) el.textContent = text;
}
const yuan = (fen) =>
  `人民币 ${Math.floor(fen / 100).toLocaleString("en-US")}.${String(fen % 100).padStart(2, "0")} 元`;
const when = (iso) =>
  new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });

function render(v) {
  view = v;
  fill("contract_number", v.contract_number);
  fill("property_address", v.property_address);
  fill("price", v.price_fen == null ? "—" : yuan(v.price_fen));
  fill("role_label", v.role_label);
  fill("name", v.name);
  fill("id_number_masked", v.id_number_masked);
  renderOthers(v);
  renderFund(v.fund_supervision);
  for (const el of document.querySelectorAll(".attempts")) {
    el.hidden = v.attempts_left >= 3;
    el.textContent = msg("ATTEMPTS_BEFORE", { n: v.attempts_left });
  }
  if (v.receipt) renderReceipt(v);
  go(SCREEN_OF_STEP[v.step] || "review");
}

// 资金监管: the CCB page while the parties' confirmation is awaited; the 农商行 branch advice.
function renderFund(f) {
  if (!f) return;
  fill("fund_bank", f.bank_label);
  fill("fund_status", f.status_label || "");
  $("fund-step").textContent = f.next_step || "";
  const link = $("fund-link");
  link.hidden = !f.redirect_url;
  if (f.redirect_url) link.href = f.redirect_url;
}

function renderOthers(v) {
  const shown = JSON.stringify([v.order_status_label, v.others]);
  if (shown === othersShown) return; // unchanged: leave the DOM (and screen readers) alone
  othersShown = shown;
  $("order-status").textContent = msg("ORDER_STATUS", { label: v.order_status_label });
  const items = v.others.map((o) => {
    const li = document.createElement("li");
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = `${o.role_label} ${o.name}`;
    const step = document.createElement("span");
    step.className = "step";
    step.textContent = o.step_label;
    li.append(who, step);
    return li;
  });
  $("others-list").replaceChildren(...items);
  const filed = v.order_status === "submitted" && v.purpose_label === "网签备案";
  $("done-order").textContent = filed ? msg("SUBMITTED") : "";
  $("done-order").hidden = !filed;
  $("evidence-button").hidden = v.order_status !== "submitted"; // sealed once submitted
}

function renderReceipt(v) {
  const r = v.receipt;
  if ($("receipt-link").dataset.signature === r.signature) return; // polls repeat it
  $("receipt-link").dataset.signature = r.signature;
  fill("signer", `${v.role_label} ${v.name}`);
  fill("signed_at", when(r.payload.signed_at));
  fill("document_sha256", r.payload.document_sha256);
  fill("key", `${r.alg} · ${r.key_id}`);
  if (receiptUrl) URL.revokeObjectURL(receiptUrl);
  const json = JSON.stringify(r, null, 2);
  receiptUrl = URL.createObjectURL(new Blob([json], { type: "application/json" }));
  const link = $("receipt-link");
  link.href = receiptUrl;
  link.download = `receipt-${v.order_id}-${v.party_id}.json`;
}

function go(screen) {
  if (screen === current) return;
  const leaving = current;
  current = screen;
  for (const el of document.querySelectorAll(".screen")) el.hidden = el.id !== `screen-${screen}`;
  const at = PROGRESS.indexOf(screen);
  for (const li of document.querySelectorAll(".steps li")) {
    const i = PROGRESS.indexOf(li.dataset.step);
    li.classList.toggle("done", at >= 0 && i < at);
    if (i === at) li.setAttribute("aria-current", "step");
    else li.removeAttribute("aria-current");
  }
  $("others").hidden = !view || ["invalid", "session", "start", "ended"].includes(screen);
  $("fund").hidden = !view?.fund_supervision || ["invalid", "session", "start"].includes(screen);
  if (leaving === "face") stopCamera();
  clearInterval(clockTimer);
  if (screen === "review") loadDocument().catch(failed);
  if (screen === "confirm") startClock();
  if (screen === "face") offerCamera();
  if (FINAL.has(screen)) closeDialog();
  $(`screen-${screen}`).querySelector("h1").focus();
}

function showNotice(id, text) {
  const el = $(id);
  el.textContent = text;
  el.hidden = !text;
}

function ended(status) {
  $("ended-reason").textContent = msg(status) || msg("ORDER_STATUS", { label: status });
  go("ended");
}

function sessionGone(code) {
  dropSession();
  $("session-reason").textContent = msg(code) || msg("SESSION_INVALID");
  go("session");
}

// Errors that end what this page can do, whichever step caused them.
function fatal(e) {
  if (e.status === 401) sessionGone(e.code);
  else if (e.status === 410 && e.code === "ORDER_CLOSED") ended(e.details.order_status);
  else return false;
  return true;
}

function failed(e) {
  if (fatal(e)) return;
  const notice = $(`${current}-notice`);
  if (!notice) return;
  let text = msg("ERROR");
  if (e.status === 0) text = msg("NETWORK");
  else if (e.status === 503) text = `${chinese(e.message)}。${msg("RETRY")}`;
  else if (e.status === 422 && "attempts_left" in e.details) {
    if (e.details.party_step === "locked") return go("locked");
    text = `${chinese(e.message)}。${msg("ATTEMPTS_LEFT", { n: e.details.attempts_left })}`;
  } else if (e.code === "OUT_OF_ORDER") {
    return api("GET", "/order").then(render, fatal); // another tab moved on: follow it
  } else if (e.message) text = chinese(e.message);
  showNotice(notice.id, text);
}

// Run one user action: one at a time, its button disabled meanwhile, errors shown in place.
function action(button, run) {
  return async (event) => {
    event?.preventDefault();
    if (busy) return;
    busy = true;
    seq++;
    button.disabled = true;
    try {
      await run();
    } catch (e) {
      failed(e);
    } finally {
      busy = false;
      button.disabled = button.id === "review-button" && !gateOpen;
    }
  };
}

// --- the document and the scroll gate
let gateOpen = false;
const gate = new IntersectionObserver((entries) => {
  if (!entries.some((entry) => entry.isIntersecting)) return;
  gate.disconnect();
  gateOpen = true;
  $("review-button").disabled = false;
  $("review-gate").textContent = msg("GATE_OPEN");
});

async function loadDocument() {
  gate.disconnect();
  gateOpen = false;
  $("review-button").disabled = true;
  $("review-gate").textContent = msg("GATE_CLOSED");
  const doc = await api("GET", "/document");
  $("document").textContent = doc.text;
  gate.observe($("document-end"));
}

// --- steps
async function review() {
  const shown = $("document").textContent;
  try {
    render(await api("POST", "/review", { document_sha256: await sha256Hex(shown) }));
    showNotice("review-notice", "");
  } catch (e) {
    if (e.code !== "DOCUMENT_CHANGED") throw e;
    showNotice("review-notice", msg("DOCUMENT_CHANGED"));
    await loadDocument();
    $("review-notice").scrollIntoView({ block: "start" });
  }
}

function startClock() {
  const tick = () => {
    const left = Math.max(0, Math.floor((Date.parse(session.expires_at) - Date.now()) / 1000));
    $("time-left").textContent = msg("MINUTES", { m: Math.floor(left / 60), s: String(left % 60).padStart(2, "0") });
    if (left === 0) sessionGone("SESSION_EXPIRED");
  };
  tick();
  clockTimer = setInterval(tick, 1000);
}

function fieldError(input, code) {
  const el = $(input.getAttribute("aria-describedby"));
  el.textContent = code ? msg(code) : "";
  el.hidden = !code;
  input.setAttribute("aria-invalid", code ? "true" : "false");
}

async function verifyIdentity() {
  const nameInput = $("police-name");
  const idInput = $("police-id");
  const name = nameInput.value.trim();
  const id = idInput.value.replace(/\s+/g, "").toUpperCase();
  const problems = [
    [nameInput, name ? null : "NAME_REQUIRED"],
    [idInput, idProblem(id)],
  ];
  for (const [input, code] of problems) fieldError(input, code);
  showNotice("police-notice", "");
  const first = problems.find(([, code]) => code);
  if (first) return first[0].focus();
  try {
    render(await api("POST", "/police-verification", { name, id_number: id }));
  } catch (e) {
    if (e.code !== "VALIDATION_FAILED") throw e;
    for (const problem of e.details.fields || []) {
      if (problem.path === "name") fieldError(nameInput, "NAME_INVALID");
      if (problem.path === "id_number") fieldError(idInput, "ID_LENGTH");
    }
  }
}

async function authorize() {
  const sample = document.querySelector('input[name="face_sample"]:checked').value;
  showNotice("face-notice", "");
  render(await api("POST", "/authorize", { face_sample: sample }));
}

// --- the camera: shown live where the browser grants one; the sandbox decides on the sample
async function startCamera() {
  try {
    camera = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false });
    if (current !== "face") return stopCamera();
    $("camera-video").srcObject = camera;
    $("camera-video").hidden = false;
    $("camera-button").hidden = true;
    $("camera-status").textContent = msg("CAMERA_ON");
  } catch {
    $("camera-status").textContent = msg("CAMERA_DENIED");
  }
}

function offerCamera() {
  const media = navigator.mediaDevices;
  $("camera-button").hidden = !media?.getUserMedia;
  if (!media?.getUserMedia) return;
  navigator.permissions?.query({ name: "camera" }).then(
    (p) => p.state === "granted" && startCamera(),
    () => {},
  );
}

function stopCamera() {
  for (const track of camera?.getTracks() || []) track.stop();
  camera = null;
  $("camera-video").srcObject = null;
  $("camera-video").hidden = true;
}

// --- declining
function closeDialog() {
  if ($("decline-dialog").open) $("decline-dialog").close();
}

async function decline() {
  const reason = $("decline-reason").value.trim();
  fieldError($("decline-reason"), reason ? null : "REASON_REQUIRED");
  if (!reason) return $("decline-reason").focus();
  try {
    const v = await api("POST", "/decline", { reason });
    closeDialog();
    render(v);
  } catch (e) {
    closeDialog();
    throw e;
  }
}

// --- keeping current
// An action's own answer decides; a poll that overlapped one (began or ended during it) is
// dropped, or it could show a step (or an ending) older than the action's.
async function refresh() {
  if (busy) return;
  const started = seq;
  let v;
  try {
    v = await api("GET", "/order");
  } catch (e) {
    if (started === seq && !busy && !FINAL.has(current)) fatal(e);
    return;
  }
  if (started === seq && !busy) render(v);
}

function keepCurrent() {
  const done = FINAL.has(current) || (current === "done" && view?.order_status === "submitted");
  if (done || !session) return;
  pollTimer = setTimeout(async () => {
    if (document.visibilityState === "visible") await refresh();
    keepCurrent();
  }, POLL_MS);
}

async function scan(token) {
  try {
    const s = await api("POST", "/sessions", { token });
    session = { token: s.session_token, expires_at: s.expires_at };
    saveSession();
    render(s.view);
  } catch (e) {
    const code = e.code === "ORDER_CLOSED" ? e.details.order_status : e.code;
    $("invalid-reason").textContent = msg(code) || msg(e.status === 0 ? "NETWORK" : "TOKEN_NOT_FOUND");
    go("invalid");
  }
}

// The evidence bundle (docs/evidence.md): fetched with the session, saved as a file.
async function downloadEvidence() {
  const resp = await fetch(`${API}/evidence.zip`, {
    headers: { Authorization: `Bearer ${session.token}` },
    cache: "no-store",
  }).catch(() => null);
  if (!resp?.ok) throw new ApiError(resp?.status || 0, (await resp?.json().catch(() => ({})))?.error || {});
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await resp.blob());
  link.download = `evidence-${view.contract_number}.zip`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}

async function start() {
  for (const button of document.querySelectorAll("button.decline")) {
    button.addEventListener("click", () => {
      fieldError($("decline-reason"), null);
      $("decline-dialog").showModal();
    });
  }
  $("decline-cancel").addEventListener("click", closeDialog);
  $("decline-form").addEventListener("submit", action($("decline-form").querySelector("button"), decline));
  $("review-button").addEventListener("click", action($("review-button"), review));
  $("confirm-button").addEventListener("click", action($("confirm-button"), async () => {
    render(await api("POST", "/confirm"));
  }));
  $("police-form").addEventListener("submit", action($("police-button"), verifyIdentity));
  $("face-form").addEventListener("submit", action($("face-button"), authorize));
  $("camera-button").addEventListener("click", startCamera);
  $("evidence-button").addEventListener("click", action($("evidence-button"), downloadEvidence));
  for (const field of document.querySelectorAll("input[aria-describedby], textarea")) {
    field.addEventListener("input", () => fieldError(field, null)); // corrected: say no more
  }
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && session && refresh());

  // The token leaves the address bar (and so history and screenshots) before anything else.
  const token = new URLSearchParams(location.search).get("token");
  if (token !== null) history.replaceState(null, "", location.pathname);
  if (token) await scan(token);
  else if ((session = loadSession())) await refresh();
  else go("start");
  if (current === "loading") go("start");
  keepCurrent();
}

start();
