// The console's entry: the session (sign-in, first-login password change, logout) and a
// router over the address's hash. Each screen gets an AbortSignal that ends its loops when the
// agent leaves it.

import { ApiError, call, get, post, sessionEvents } from "./api.js";
import { $, message, notify, showScreen, takeCarried } from "./dom.js";
import { showFieldProblems, clearProblems } from "./problems.js";
import { showList } from "./lists.js";
import { showVerify } from "./verify.js";
import { showForm } from "./form.js";
import { showContract } from "./contract.js";
import { showSigning } from "./signing.js";

let account = null;
let leaving = new AbortController();

const ENDED = {
  ACCOUNT_DISABLED: "账号已停用，已退出登录。如有疑问请联系所在中介机构。",
  SESSION_INVALID: "登录已失效，请重新登录。",
};

function signedOut(text) {
  account = null;
  leaving.abort();
  $("#topbar").hidden = true;
  showScreen("login");
  message($("#login-message"), text);
}

sessionEvents.addEventListener("ended", (event) => {
  signedOut(ENDED[event.detail.code] || "请重新登录。");
});

function signedIn(me) {
  account = me;
  $("#account-name").textContent = `${me.display_name}（${me.username}）`;
  if (me.must_change_password) {
    $("#topbar").hidden = true;
    showScreen("password");
    return;
  }
  $("#topbar").hidden = false;
  route();
}

$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const body = { username: form.username.value.trim(), password: form.password.value };
  try {
    const { data } = await call("POST", "/console/session", body, { quiet: true });
    form.reset();
    message($("#login-message"), "");
    signedIn({ ...data.account, must_change_password: data.must_change_password });
  } catch (error) {
    const text =
      error instanceof ApiError && error.status === 401
        ? "用户名或密码不正确，或账号已停用。"
        : error.message;
    message($("#login-message"), text);
  }
});

$("#password-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const value = (path) => form.querySelector(`[data-path="${path}"]`).value;
  clearProblems(form);
  if (value("new_password") !== value("repeat")) {
    showFieldProblems(form, [{ path: "repeat", message: "两次输入的新密码不一致" }]);
    return;
  }
  try {
    const body = { old_password: value("old_password"), new_password: value("new_password") };
    const { data } = await post("/api/v1/auth/password", body);
    form.reset();
    signedIn(data);
  } catch (error) {
    if (error.fields.length) showFieldProblems(form, error.fields);
    else message($("#password-message"), error.message);
  }
});

$("#logout").addEventListener("click", async () => {
  await call("POST", "/console/logout", undefined, { quiet: true }).catch(() => {});
  signedOut("已退出登录。");
});

function route() {
  if (!account || account.must_change_password) return;
  leaving.abort();
  leaving = new AbortController();
  const signal = leaving.signal;
  notify(takeCarried());
  const hash = location.hash || "#/todo";
  let m;
  if ((m = hash.match(/^#\/contracts\/([\w-]+)\/edit$/))) showForm(m[1], signal);
  else if ((m = hash.match(/^#\/contracts\/([\w-]+)$/))) showContract(m[1], signal);
  else if ((m = hash.match(/^#\/orders\/([\w-]+)$/))) showSigning(m[1], signal);
  else if (hash === "#/verify") showVerify(signal);
  else if (hash === "#/contracts") showList("contracts", signal);
  else showList("todo", signal);
}

window.addEventListener("hashchange", route);

// Back at the desk after a while: one read tells whether the session still stands (a
// practitioner disabled meanwhile is shown the login page before touching anything).
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && account) get("/api/v1/auth/me").catch(() => {});
});

get("/api/v1/auth/me", { quiet: true }).then(
  ({ data }) => signedIn(data),
  (error) => signedOut(error.status === 401 ? "" : error.message),
);
