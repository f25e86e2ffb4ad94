// The review of an agency or a practitioner as the API serves it: the last decision with its
// reason (last_review) and every step of the history (提交 with its comment, 审核 with its
// reason).

import { $, element, localTime, setText } from "./dom.js";

const ROLE_LABELS = { agency_admin: "中介机构", center_staff: "交易中心", practitioner: "从业人员" };

export function showReview(box, review) {
  box.hidden = !review;
  if (!review) return;
  box.dataset.action = review.action;
  setText(box, "review_label", review.action_label);
  setText(box, "review_at", localTime(review.at));
  setText(box, "review_comment", review.comment || "（无）");
}

export function showHistory(table, history) {
  const rows = [...history].reverse().map((r) => {
    const tr = element("tr", undefined, { "data-action": r.action });
    tr.append(
      element("td", localTime(r.at)),
      element("td", r.action_label),
      element("td", ROLE_LABELS[r.actor_role] || r.actor_role),
      element("td", r.comment || ""),
    );
    return tr;
  });
  $("tbody", table).replaceChildren(...rows);
  if (!rows.length) {
    const tr = element("tr");
    tr.append(element("td", "尚无记录。", { colspan: "4" }));
    $("tbody", table).append(tr);
  }
}
