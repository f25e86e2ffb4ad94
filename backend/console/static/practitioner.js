// One practitioner (guide §1.3): correct it while 待提交 or 审核不通过, its ID card images,
// 提交审核, the review and its reason; once approved its login: 停用, 启用, 重置密码 (the new
// initial password goes by SMS), and 注销 (the person may then join another agency). What is
// offered is the API's allowed_actions.

import { call, get, post } from "./api.js";
import { $, $$, confirmWith, message, notify, setText, showScreen } from "./dom.js";
import { clearProblems, showFieldProblems } from "./problems.js";
import { addMaterial, showMaterials } from "./materials.js";
import { showHistory, showReview } from "./review-history.js";

const screen = $("#screen-practitioner");
const editForm = $("#practitioner-edit");
const submitForm = $("#practitioner-submit");
let current = null;
let leaving = null;

const ACTIONS = {
  disable: { ask: "停用后该人员的所有登录立即失效，确定停用？", done: "已停用该人员的网签账号。" },
  enable: { ask: "", done: "已启用该人员的网签账号，请其重新登录。" },
  reset_password: {
    ask: "将生成新的初始密码并以短信发送到该人员的手机，其现有登录全部失效。确定重置？",
    done: "",
  },
  remove: {
    ask: "注销后该人员不再属于本机构（网签账号停用），可由其他机构添加。确定注销？",
    done: "已注销该人员。",
  },
};
const PATHS = { disable: "disable", enable: "enable", reset_password: "password-reset" };

function base() {
  return `/api/v1/practitioners/${current.id}`;
}

function accountLabel(p) {
  if (p.account_disabled === null || p.account_disabled === undefined) return "尚未开通";
  return p.account_disabled ? "已停用" : "正常";
}

function render(p) {
  current = p;
  for (const field of ["name", "id_number_masked", "phone", "status_label"]) setText(screen, field, p[field]);
  setText(screen, "username", p.username || "审核通过后开通");
  setText(screen, "account_label", accountLabel(p));
  screen.dataset.status = p.status;
  showReview($("#practitioner-review"), p.last_review);
  const allowed = p.allowed_actions;
  for (const button of $$("#practitioner-actions [data-action]")) {
    button.hidden = !allowed.includes(button.dataset.action);
  }
  const editable = allowed.includes("edit");
  editForm.hidden = !editable;
  if (editable) {
    $('[data-path="name"]', editForm).value = p.name;
    $('[data-path="id_number"]', editForm).value = "";
    $('[data-path="phone"]', editForm).value = p.phone;
  }
  $("#practitioner-add-material").hidden = !editable;
  submitForm.hidden = !allowed.includes("submit");
  showMaterials($("#practitioner-materials"), base(), p.materials, {
    editable,
    changed: (next) => render(next),
    signal: leaving,
  });
  showHistory($("#practitioner-history"), p.history);
}

function clear() {
  clearProblems(screen);
  message($("#practitioner-message"), "");
}

function failed(error) {
  const unplaced = error.fields.length ? showFieldProblems(screen, error.fields) : [];
  if (!error.fields.length || unplaced.length) message($("#practitioner-message"), error.message);
}

editForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clear();
  // Only what changed: the record's ID number is shown masked and kept unless retyped.
  const body = {};
  for (const path of ["name", "id_number", "phone"]) {
    const value = $(`[data-path="${path}"]`, editForm).value.trim();
    if (value && value !== current[path]) body[path] = value;
  }
  try {
    render((await call("PATCH", base(), body)).data);
    notify("人员信息已保存。");
  } catch (error) {
    failed(error);
  }
});

$("#practitioner-add-material").addEventListener("click", async () => {
  clear();
  try {
    render(await addMaterial(base()));
  } catch (error) {
    failed(error);
  }
});

submitForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clear();
  const comment = $('[data-path="comment"]', submitForm).value.trim() || null;
  try {
    render((await post(`${base()}/submit`, { comment })).data);
    submitForm.reset();
    notify("已提交，请等待交易中心审核。");
  } catch (error) {
    failed(error);
  }
});

async function act(action) {
  const { ask, done } = ACTIONS[action];
  if (ask && !(await confirmWith(ask))) return;
  clear();
  try {
    if (action === "remove") {
      render((await call("DELETE", base())).data);
      notify(done);
    } else {
      const { data } = await post(`${base()}/${PATHS[action]}`);
      if (action === "reset_password") {
        render(data.practitioner);
        notify(
          data.password_sms_sent
            ? `新的初始密码已通过短信发送到 ${data.practitioner.phone}，该人员登录后须修改密码。`
            : "短信发送失败，请稍后再次重置密码。",
        );
      } else {
        render(data);
        notify(done);
      }
    }
  } catch (error) {
    failed(error);
  }
}

for (const button of $$("#practitioner-actions [data-action]")) {
  button.addEventListener("click", () => act(button.dataset.action));
}

// A failed load must leave nothing to act on: every form and button acts on ``current``.
function forget() {
  current = null;
  for (const button of $$("#practitioner-actions [data-action]")) button.hidden = true;
  for (const el of [editForm, submitForm, $("#practitioner-add-material")]) el.hidden = true;
  $("#practitioner-materials").replaceChildren();
}

export async function showPractitioner(id, signal) {
  leaving = signal;
  forget();
  clear();
  showScreen("practitioner");
  try {
    render((await get(`/api/v1/practitioners/${id}`, { signal })).data);
  } catch (error) {
    if (error.status !== 401) message($("#practitioner-message"), error.message);
  }
}
