// 房源验证: by certificate number and an owner's ID number (with the first-generation-ID box), or
// by unit number and an owner's name. 签订合同 then drafts the contract on that property (its
// sellers are the registered owners) and opens the form.

import { post } from "./api.js";
import { $, $$, message, setText, showScreen } from "./dom.js";
import { clearProblems, showFieldProblems } from "./problems.js";

let lookup = null;
const form = $("#verify-form");

function mode() {
  return form.querySelector('input[name="mode"]:checked').value;
}

function syncMode() {
  $("#verify-cert").hidden = mode() !== "cert";
  $("#verify-unit").hidden = mode() !== "unit";
}

for (const radio of $$('input[name="mode"]', form)) radio.addEventListener("change", syncMode);

function value(path) {
  return form.querySelector(`[data-path="${path}"]`).value.trim();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(form);
  message($("#verify-message"), "");
  $("#verify-result").hidden = true;
  lookup =
    mode() === "cert"
      ? {
          cert_no: value("cert_no"),
          owner_id_number: value("owner_id_number"),
          first_gen_id: form.querySelector('[data-path="first_gen_id"]').checked,
        }
      : { unit_no: value("unit_no"), owner_name: value("owner_name") };
  try {
    const { data } = await post("/api/v1/properties/verify", lookup);
    const p = data.property;
    const result = $("#verify-result");
    setText(result, "address", p.address);
    setText(result, "unit_no", p.unit_no);
    setText(result, "area", `${p.area_m2} 平方米`);
    setText(result, "use", p.use_label);
    setText(result, "owners", p.owners.map((o) => `${o.name}（${o.id_number_masked}）`).join("、"));
    setText(result, "co_ownership", p.co_ownership_label || "单独所有");
    result.hidden = false;
    $("#start-contract").focus();
  } catch (error) {
    if (error.fields.length) {
      const unplaced = showFieldProblems(form, error.fields);
      if (unplaced.length) message($("#verify-message"), unplaced.map((p) => p.message).join("；"));
    } else {
      message($("#verify-message"), `${error.message} 请以不动产登记部门的查档信息为准再次输入。`);
    }
  }
});

$("#start-contract").addEventListener("click", async () => {
  try {
    const { data } = await post("/api/v1/contracts", { property: lookup });
    location.hash = `#/contracts/${data.id}/edit`;
  } catch (error) {
    message($("#verify-message"), error.message);
  }
});

export function showVerify() {
  syncMode();
  showScreen("verify");
}
