// The applicant portal inside the console's shell: its routes, where an applicant starts,
// and the sidebar an applicant (or the front office's loket) sees.

import { html, render, $ } from "../html.js";
import { icon } from "../icons.js";
import { workflows } from "../catalog.js";
import { api } from "../api.js";
import { emblem } from "../ui.js";
import * as applications from "./list.js";
import * as form from "./form.js";
import * as application from "./application.js";

/** The portal's hash routes (added to the console's route table). */
export const ROUTES = [
  { re: /^\/permohonan$/, view: applications },
  { re: /^\/permohonan\/baru$/, view: form, mode: "new" },
  { re: /^\/permohonan\/([^/]+)$/, view: application },
  { re: /^\/loket$/, view: form, mode: "loket-new" },
  { re: /^\/loket\/([^/]+)$/, view: form, mode: "loket" },
];

/** An applicant has an account of no agency (officials all belong to one). */
export const isApplicant = (user) => !!user && !user.agency;

/** Where a user starts after login: an applicant at "Data Permohonan", else the dashboard. */
export const home = (user) => (isApplicant(user) ? "#/permohonan" : "#/dashboard");

/** The workflows whose applications the caller may enter at the loket: those taking
 * "loket" applications whose first step is the caller's role. */
export function loketWorkflows() {
  return workflows().filter((w) => {
    const channels = (w.intake && w.intake.channels) || [];
    const first = (w.steps || [])[0];
    return channels.includes("loket") && first && (w.my_roles || []).includes(first.role);
  });
}

const link = (href, nav, ico, text) =>
  html`<li><a class="nav-link" href="${href}" data-nav="${nav}">${icon(ico)}<span>${text}</span></a></li>`;

/** After the shell is drawn: an applicant's own menu; the loket entry for the front office. */
export function adaptShell(user) {
  const nav = $("#sidebar .nav");
  if (!nav) return;
  if (isApplicant(user)) {
    const logout = $(".nav-logout-item", nav);
    render(
      nav,
      html`${link("#/permohonan", "/permohonan", "doc", "Data Permohonan")}
        ${link("#/notifikasi", "/notifikasi", "bell", "Notifikasi")}
        ${link("#/profil", "/profil", "user", "Profil")}`
    );
    if (logout) nav.appendChild(logout);
    document.querySelectorAll(".user-role, .sidebar-user small").forEach((el) => {
      el.textContent = "Pemohon";
    });
    const brand = $(".brand");
    if (brand) brand.setAttribute("href", "#/permohonan");
    paintBrand();
    return;
  }
  if (loketWorkflows().length && !$('[data-nav="/loket"]', nav)) {
    const holder = document.createElement("ul");
    render(holder, link("#/loket", "/loket", "doc", "Input Permohonan (Loket)"));
    nav.insertBefore(holder.firstElementChild, nav.children[1] || null);
  }
}

/** An applicant belongs to no agency: the top bar names the agency that takes applications. */
async function paintBrand() {
  let items = [];
  try {
    items = (await api("GET", "/agencies", { auth: false })).items || [];
  } catch {
    return;
  }
  const a = items.find((x) => x.applicants);
  const brand = $(".brand");
  if (!a || !brand) return;
  const text = a.landing || {};
  render(
    brand,
    html`${emblem(a.emblem)}<span class="brand-text"><strong>${text.app || a.name}</strong>
      <small>${text.subtitle || ""}</small></span>`
  );
}
