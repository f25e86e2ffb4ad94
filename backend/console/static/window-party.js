// One party's card on the window case screen: how the party took part (in person with the
// original ID, or by a proxy with a notarised power of attorney naming this matter; both
// parents for a minor) and the documents uploaded for it. The card's parts carry the paths
// the API names in a refused submit (`parties.b2.parents`), so each problem shows on its card.

import { ApiError, call, csrfToken, sessionEvents } from "./api.js";
import { $, $$, message, setText } from "./dom.js";
import { clearProblems, showFieldProblems } from "./problems.js";

// A file as the raw request body: the API judges its kind by its bytes, not its name.
export async function sendFile(method, path, file) {
  const response = await fetch(path, {
    method,
    headers: {
      Accept: "application/json",
      "Content-Type": file.type || "application/octet-stream",
      "X-CSRF-Token": csrfToken(),
    },
    body: file,
    credentials: "same-origin",
    cache: "no-store",
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401) sessionEvents.dispatchEvent(new CustomEvent("ended", { detail: error }));
    throw error;
  }
  return data;
}

function checked(root, path) {
  return root.querySelector(`[data-path="${path}"]`).checked;
}

function value(root, path) {
  return root.querySelector(`[data-path="${path}"]`).value.trim();
}

function setChecked(root, path, on) {
  root.querySelector(`[data-path="${path}"]`).checked = Boolean(on);
}

function how(card) {
  return $$("[data-how]", card).find((r) => r.checked)?.value || "";
}

// What the card shows follows the choice of 本人到场 / 委托他人办理 and who the party is.
function arrange(card, party, business, editable) {
  const chosen = how(card);
  for (const el of $$("[data-for-how]", card)) el.hidden = el.dataset.forHow !== chosen;
  for (const el of $$("[data-show=minor]", card)) el.hidden = !party.minor;
  for (const el of $$("[data-show=no-birth-date]", card)) el.hidden = party.birth_date_on_document;
  for (const el of $$("[data-business]", card)) el.hidden = el.dataset.business !== business;
  const needed = {
    power_of_attorney: chosen === "proxy",
    minor_guarantee: party.minor,
    kinship_proof: party.minor,
    photo: business === "cancellation",
  };
  const uploaded = party.appearance?.documents || [];
  const words = (name) => card.querySelector(`[data-word=${name}]`).textContent;
  for (const row of $$("[data-document]", card)) {
    const kind = row.dataset.document;
    row.hidden = !needed[kind] && !uploaded.includes(kind);
    row.querySelector("[data-state]").textContent = uploaded.includes(kind) ? words("uploaded") : words("absent");
    row.querySelector(".file-button").hidden = !editable;
    row.querySelector("input").disabled = !editable;
  }
  const form = card.querySelector("form");
  for (const el of $$("input, button", form)) el.disabled = !editable;
  form.querySelector("button[type=submit]").hidden = !editable;
}

function body(card, party) {
  const parents = { father_present: checked(card, "father_present"), mother_present: checked(card, "mother_present") };
  if (!party.birth_date_on_document) parents.minor = checked(card, "minor");
  if (how(card) === "self") return { appeared: true, id_checked: checked(card, "id_checked"), ...parents };
  return {
    proxy_name: value(card, "proxy_name") || null,
    proxy_id_number: value(card, "proxy_id_number") || null,
    poa_notarised: checked(card, "poa_notarised"),
    poa_names_matter: checked(card, "poa_names_matter"),
    ...parents,
  };
}

// The card of `party` for the case of `view`; `changed()` reloads the case after a change.
export function partyCard(view, party, editable, changed) {
  const card = $("#appearance-card").content.firstElementChild.cloneNode(true);
  const base = `/api/v1/window/contracts/${view.contract_id}/parties/${party.id}`;
  card.dataset.party = party.id;
  for (const key of ["role_label", "name", "id_type_label", "id_number_masked", "phone_masked"]) {
    setText(card, key, party[key]);
  }
  card.querySelector("[data-part=appearance]").dataset.path = `parties.${party.id}.appearance`;
  card.querySelector("[data-part=parents]").dataset.path = `parties.${party.id}.parents`;
  for (const row of $$("[data-document]", card)) {
    row.querySelector("input").dataset.path = `parties.${party.id}.${row.dataset.document}`;
  }
  for (const radio of $$("[data-how]", card)) radio.name = `how-${party.id}`;
  const a = party.appearance || {};
  const chosen = a.proxy_name ? "proxy" : a.appeared ? "self" : "";
  if (chosen) card.querySelector(`[data-how][value=${chosen}]`).checked = true;
  setChecked(card, "id_checked", a.id_checked);
  card.querySelector('[data-path="proxy_name"]').value = a.proxy_name || "";
  // The number on file is shown masked only; left empty it is kept while the name is unchanged.
  const number = card.querySelector('[data-path="proxy_id_number"]');
  number.value = "";
  number.placeholder = a.proxy_id_on_file ? "不修改则留空" : "";
  setText(card, "proxy_id_number_masked", a.proxy_id_number_masked ? `已登记：${a.proxy_id_number_masked}` : "");
  for (const path of ["poa_notarised", "poa_names_matter", "father_present", "mother_present", "minor"]) {
    setChecked(card, path, a[path]);
  }
  const business = view.case ? view.case.purpose : view.business;
  arrange(card, party, business, editable);
  for (const radio of $$("[data-how]", card)) {
    radio.addEventListener("change", () => arrange(card, party, business, editable));
  }

  const form = card.querySelector("form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblems(card);
    if (!how(card)) {
      showFieldProblems(card, [{ path: `parties.${party.id}.appearance`, message: "请选择办理方式：本人到场或委托他人办理" }]);
      return;
    }
    if (how(card) === "proxy" && !value(card, "proxy_name")) {
      showFieldProblems(form, [{ path: "proxy_name", message: "请填写受托人姓名" }]);
      return;
    }
    try {
      await call("PUT", `${base}/appearance`, body(card, party));
      await changed(`已保存 ${party.name} 的到场情况。`);
    } catch (error) {
      if (error.fields.length) showFieldProblems(form, error.fields);
      else message($("#case-message"), error.message);
    }
  });

  for (const row of $$("[data-document]", card)) {
    const input = row.querySelector("input");
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (!file) return;
      clearProblems(card);
      try {
        await sendFile("PUT", `${base}/documents/${row.dataset.document}`, file);
        await changed(`已上传 ${party.name} 的材料：${file.name}`);
      } catch (error) {
        input.value = "";
        showFieldProblems(card, [{ path: input.dataset.path, message: error.message }]);
      }
    });
  }
  return card;
}
