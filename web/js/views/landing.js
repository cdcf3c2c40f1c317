// Landing page (#/): one entry per agency (GET /api/agencies), the login form in a modal dialog.

import { api } from "../api.js";
import { html, render, $$ } from "../html.js";
import { loginDialog } from "../loginform.js";
import { emblem } from "../ui.js";
import { services } from "../portal/services.js";
import { serviceMenu, wireServiceMenu } from "../portal/entry.js";

let known = null; // read once per page load: the landing page shows again after Logout

async function agencies() {
  if (known) return known;
  try {
    known = (await api("GET", "/agencies", { auth: false })).items || [];
  } catch {
    known = null;
  }
  return known;
}

/** An agency's downloads, ids link-<download id> (the agency's id added if taken already). */
function downloads(agency, taken) {
  const id = (d) => {
    const plain = `link-${d.id}`;
    const free = taken.has(plain) ? `link-${agency.id}-${d.id}` : plain;
    taken.add(free);
    return free;
  };
  return html`<div class="landing-links">${(agency.downloads || []).map(
    (d) => html`<a class="btn btn-outline" href="${d.href}" download id="${id(d)}">${d.label}</a>`
  )}</div>`;
}

/** One entry per agency (each opens the login dialog), with its downloads under it; an
 * agency taking applications also offers its services (Lihat Persyaratan, Masuk, Daftar). */
function entries(items, offered) {
  const taken = new Set();
  return items.map(
    (a, i) => html`<button type="button" class="btn btn-primary btn-lg" id="${i ? `open-login-${a.id}` : "open-login"}"
        data-open-login aria-haspopup="dialog">${a.name}</button>
      ${downloads(a, taken)}
      ${a.applicants ? serviceMenu(a, offered) : ""}`
  );
}

/** The page; the first agency's office and texts head it. */
function page(items, flash, offered) {
  const first = items[0] || {};
  const office = first.office || [];
  const text = first.landing || {};
  const failed = !items.length;
  return html`
    <div class="landing">
      <header class="landing-head">
        ${emblem(first.emblem)}
        <div>${office.map((line, i) => (i ? html`<span>${line}</span>` : html`<strong>${line}</strong>`))}</div>
      </header>
      <main class="landing-main" id="konten">
        <p class="landing-app">${text.app || ""}</p>
        <h1 class="landing-title">${text.title || "E-TRACKING PERIZINAN"}</h1>
        <p class="landing-sub">${text.text || ""}</p>
        <div id="pesan" class="flash ${flash ? `flash-${flash.kind}` : ""}" role="status" aria-live="polite"
          ${flash ? "" : "hidden"}>${flash ? flash.message : ""}</div>
        <div class="landing-actions">
          ${failed
            ? html`<p class="flash flash-error">Daftar instansi tidak dapat dimuat. Anda tetap dapat login.</p>
              <button type="button" class="btn btn-primary btn-lg" id="open-login" data-open-login
                aria-haspopup="dialog">LOGIN</button>`
            : entries(items, offered)}
        </div>
      </main>
      <footer class="landing-foot">${text.footer || ""}</footer>
    </div>`;
}

/** isCurrent(): false when another screen was asked for while the agencies loaded. */
export async function show(root, { flash, afterLogin, isCurrent = () => true }) {
  const [found, offered] = await Promise.all([agencies(), services()]);
  const items = found || [];
  if (!isCurrent()) return null;
  render(root, page(items, flash, offered));
  const first = (items[0] && items[0].landing) || {};
  document.title = first.name ? `${first.name} — ${first.subtitle}` : "E-Tracking";

  let opener = null;
  const dialog = loginDialog(root.querySelector(".landing"), {
    onLogin: () => afterLogin(),
    onClose: () => opener && opener.focus(),
  });
  $$("[data-open-login]", root).forEach((b, i) =>
    b.addEventListener("click", () => {
      opener = b;
      dialog.open((items[i] || {}).login_title || "Form Login");
    })
  );
  const openLogin = (name, email, note) => {
    const i = Math.max(0, items.findIndex((a) => a.name === name));
    if (email) root.querySelector("#login-email").value = email;
    if (note) render(root.querySelector("#pesan"), html`${note}`).hidden = false;
    if (note) root.querySelector("#pesan").className = "flash flash-ok";
    dialog.open((items[i] || {}).login_title || "Form Login");
    if (email) root.querySelector("#login-password").focus();
  };
  const stopMenu = wireServiceMenu(root.querySelector(".landing"), offered, openLogin);
  return () => {
    stopMenu();
    dialog.destroy();
  };
}
