// The console's addresses: one entry per screen, saying which roles may open it and how it is
// shown. A screen of another role opened by its address shows 无权访问此页面 (the API would
// refuse its calls anyway); an address nobody has goes to the role's home. The menu is the
// template's <nav> links, each with the data-roles it is shown to; a role's home is its first
// link.
//
// To add a screen: import its module and add one entry. `show(params, signal, account)` gets
// the address's :names, an AbortSignal that ends when the user leaves the screen, and the
// signed-in account (GET /api/v1/auth/me).

import { showAgency } from "./agency.js";
import { showPractitioners } from "./practitioners.js";
import { showPractitioner } from "./practitioner.js";
import { showList } from "./lists.js";
import { showVerify } from "./verify.js";
import { showForm } from "./form.js";
import { showContract } from "./contract.js";
import { showSigning } from "./signing.js";
import { showReviews } from "./reviews.js";
import { showReview } from "./review.js";
import { showWindow } from "./window.js";
import { showWindowCase } from "./window-case.js";

const AGENT = ["practitioner"];
const ADMIN = ["agency_admin"];
const STAFF = ["center_staff"];

export const routes = {
  // the practitioner's net-sign work; the agency admin reads every contract of its agency
  "#/todo": { roles: AGENT, show: (_, signal) => showList("todo", signal) },
  "#/contracts": { roles: [...AGENT, ...ADMIN, ...STAFF], show: (_, signal) => showList("contracts", signal) },
  "#/contracts/:id": { roles: [...AGENT, ...ADMIN, ...STAFF], show: (p, signal) => showContract(p.id, signal) },
  "#/contracts/:id/edit": { roles: AGENT, show: (p, signal) => showForm(p.id, signal) },
  "#/orders/:id": { roles: AGENT, show: (p, signal) => showSigning(p.id, signal) },
  "#/verify": { roles: AGENT, show: (_, signal) => showVerify(signal) },

  // the agency admin (中介机构账号)
  "#/agency": { roles: ADMIN, show: (_, signal, me) => showAgency(me.agency_id, signal) },
  "#/practitioners": { roles: ADMIN, show: (_, signal) => showPractitioners(signal) },
  "#/practitioners/:id": { roles: ADMIN, show: (p, signal) => showPractitioner(p.id, signal) },

  // center staff (交易中心)
  "#/reviews/agencies": { roles: STAFF, show: (_, signal) => showReviews("agencies", signal) },
  "#/reviews/agencies/:id": { roles: STAFF, show: (p, signal) => showReview("agencies", p.id, signal) },
  "#/reviews/practitioners": { roles: STAFF, show: (_, signal) => showReviews("practitioners", signal) },
  "#/reviews/practitioners/:id": { roles: STAFF, show: (p, signal) => showReview("practitioners", p.id, signal) },
  "#/window": { roles: STAFF, show: (_, signal) => showWindow(signal) },
  "#/window/:id": { roles: STAFF, show: (p, signal) => showWindowCase(p.id, signal) },
};

const compiled = Object.entries(routes).map(([address, entry]) => {
  const names = [];
  const source = address.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return "([\\w-]+)";
  });
  return { regex: new RegExp(`^${source}$`), names, entry };
});

// The entry for an address and its parameters, or null.
export function match(hash) {
  for (const { regex, names, entry } of compiled) {
    const found = hash.match(regex);
    if (found) return { entry, params: Object.fromEntries(names.map((n, i) => [n, found[i + 1]])) };
  }
  return null;
}
