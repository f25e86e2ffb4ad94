// 统一身份认证 (guide §1.4) before signing in: 统一认证登录 with a bound unified account, and
// 关联本地用户, which binds a unified account to a net-sign account one to one and signs in.
// Both put the session into the console's cookie, as the password login does.

import { call } from "./api.js";
import { $, message, showScreen } from "./dom.js";
import { clearProblems, showFieldProblems } from "./problems.js";

const MESSAGES = {
  UNIFIED_ACCOUNT_NOT_BOUND: "该统一认证账号尚未关联网签账号：请先在下方「关联本地用户」。",
  UNIFIED_ACCOUNT_ALREADY_BOUND: "该统一认证账号已关联其他网签账号，一个统一认证账号只能关联一个网签账号。",
  NETSIGN_ACCOUNT_ALREADY_BOUND: "该网签账号已关联其他统一认证账号，一个网签账号只能关联一个统一认证账号。",
  UNIFIED_ACCOUNT_NOT_VERIFIED: "该统一认证账号未通过电子营业执照核验（四级），不能关联。",
  UNIFIED_INVALID_CREDENTIALS: "统一认证账号或密码不正确，或账号已锁定（连续 5 次错误锁定 15 分钟）。",
  INVALID_CREDENTIALS: "网签账号名或网签密码不正确，或账号已锁定。",
  BINDING_NEEDS_PASSWORD_CHANGE: "请先用初始密码登录网签系统并修改密码，再关联统一认证账号。",
  UNIFIED_ENTERPRISE_MISMATCH: "统一认证账号的企业名称与该网签账号所属中介机构的登记名称不一致，不能关联。",
};

function values(form) {
  const body = {};
  // A password is sent as typed: spaces may be part of it.
  for (const input of form.querySelectorAll("[data-path]")) {
    body[input.dataset.path] = input.type === "password" ? input.value : input.value.trim();
  }
  return body;
}

// signedIn(me, fromLogin): main.js's, called with the account once the cookie is set.
export function setupUnified(signedIn) {
  const screen = $("#screen-unified");
  const forms = [
    [$("#unified-login-form"), "/console/unified-session"],
    [$("#unified-bind-form"), "/console/unified-binding"],
  ];
  for (const [form, path] of forms) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearProblems(screen);
      message($("#unified-message"), "");
      try {
        const { data } = await call("POST", path, values(form), { quiet: true });
        for (const [each] of forms) each.reset();
        signedIn({ ...data.account, must_change_password: data.must_change_password }, true);
      } catch (error) {
        if (error.fields.length) showFieldProblems(form, error.fields);
        message($("#unified-message"), MESSAGES[error.code] || error.message);
      }
    });
  }
  $("#to-unified").addEventListener("click", () => {
    message($("#unified-message"), "");
    showScreen("unified");
  });
  $("#unified-back").addEventListener("click", () => showScreen("login"));
}
