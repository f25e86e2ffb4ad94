// 422 answers name each invalid field by its path in the request body (`payment.loan.bank`,
// `buyers[1].share_bp`). Each problem is shown under the input whose data-path is that path,
// or under the closest part of it (`buyers[1]` → the buyers fieldset); all at once.

import { $$, element } from "./dom.js";

export function clearProblems(root) {
  for (const el of $$(".field-error", root)) el.remove();
  for (const el of $$("[aria-invalid]", root)) {
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
  }
}

function placeFor(root, path) {
  for (let candidate = path; candidate; candidate = candidate.replace(/(\[\d+\]|\.?[^.[\]]+)$/, "")) {
    const found = root.querySelector(`[data-path="${CSS.escape(candidate)}"]`);
    if (found) return found;
  }
  return null;
}

let serial = 0;

// Returns the problems no field took (shown by the caller in its summary).
export function showFieldProblems(root, problems) {
  const unplaced = [];
  let first = null;
  for (const problem of problems) {
    const target = placeFor(root, problem.path);
    if (!target) {
      unplaced.push(problem);
      continue;
    }
    const id = `problem-${++serial}`;
    const text = problem.message.replace(/\s*\((?:[^()]|\([^()]*\))*\)\s*$/, "");
    const note = element("p", text, { class: "field-error", id, "data-for": problem.path });
    if (target.tagName === "FIELDSET") {
      target.querySelector("legend").after(note);
    } else {
      let anchor = target.closest("label") || target;
      while (anchor.nextElementSibling?.classList.contains("field-error")) anchor = anchor.nextElementSibling;
      anchor.after(note);
      target.setAttribute("aria-invalid", "true");
      const described = target.getAttribute("aria-describedby");
      target.setAttribute("aria-describedby", described ? `${described} ${id}` : id);
    }
    first = first || target;
  }
  if (first) first.focus({ preventScroll: false });
  return unplaced;
}

export function listUnplaced(listEl, problems) {
  listEl.replaceChildren(...problems.map((p) => element("li", `${p.path}：${p.message}`)));
}
