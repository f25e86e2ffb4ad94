// The console's entry: the session (sign-in, first-login password change, logout) and a
// router over the address's hash (the table is routes.js). The signed-in account's role picks
// the menu and the screens; each screen gets an AbortSignal that ends its loops when the user
// leaves it.

import { ApiError, call, get, post, sessionEvents } from "./api.js";
import { $, $$, message, notify, showScreen, takeCarried } from "./dom.js";
import { showFieldProblems, clearProblems } from "./problems.js";
import { match } from "./routes.js";
import { setupUnified } from "./unified.js";

let account = null;
let leaving = new AbortController();

const ENDED = {
  ACCOUNT_DISABLED: "账号已停用，已退出登录。如有疑问请联系所在中介机构。",
  SESSION_INVALID: "登录已失效，请重新登录。",
};

function signedOut(text) {
  account = null;
  delete document.body.dataset.role;
  leaving.abort();
  $("#topbar").hidden = true;
  showScreen("login");
  message($("#login-message"), text);
}

sessionEvents.addEventListener("ended", (event) => {
  signedOut(ENDED[event.detail.code] || "请重新登录。");
});

// fromLogin: the form was just used, so an address left by another account's session gives
// way to this role's home (an address opened directly keeps its 403 page).
function signedIn(me, fromLogin = false) {
  account = me;
  $("#account-role").textContent = me.role_label;
  $("#account-name").textContent = `${me.display_name}（${me.username}）`;
  document.body.dataset.role = me.role;
  for (const link of $$("#topbar nav a")) link.hidden = !roleMay(link.dataset.roles, me.role);
  if (me.must_change_password) {
    $("#topbar").hidden = true;
    showScreen("password");
    return;
  }
  $("#topbar").hidden = false;
  const found = match(location.hash);
  if (fromLogin && found && !found.entry.roles.includes(me.role)) history.replaceState(null, "", home());
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
    signedIn({ ...data.account, must_change_password: data.must_change_password }, true);
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

function roleMay(roles, role) {
  return (roles || "").split(/\s+/).includes(role);
}

// The role's first menu link.
function home() {
  const link = $$("#topbar nav a").find((a) => roleMay(a.dataset.roles, account.role));
  return link ? link.getAttribute("href") : "#/none";
}

function forbidden() {
  $("#forbidden-role").textContent = account.role_label;
  $("#forbidden-home").setAttribute("href", home());
  showScreen("forbidden");
}

function route() {
  if (!account || account.must_change_password) return;
  leaving.abort();
  leaving = new AbortController();
  const signal = leaving.signal;
  notify(takeCarried());
  const hash = location.hash && location.hash !== "#/" ? location.hash : home();
  const found = match(hash);
  if (!found) {
    if (hash === home()) showScreen("no-screens");
    else location.replace(home()); // an address nobody has: the role's home
  } else if (!found.entry.roles.includes(account.role)) {
    forbidden();
  } else {
    found.entry.show(found.params, signal, account);
  }
}

window.addEventListener("hashchange", route);
setupUnified(signedIn);

// Back at the desk after a while: one read tells whether the session still stands (a
// practitioner disabled meanwhile is shown the login page before touching anything).
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && account) get("/api/v1/auth/me").catch(() => {});
});

get("/api/v1/auth/me", { quiet: true }).then(
  ({ data }) => signedIn(data),
  (error) => signedOut(error.status === 401 ? "" : error.message),
);
