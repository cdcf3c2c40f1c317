// The landing page's entry for an agency that takes applications (SIAP n LOSS): its service
// menu by category, each service with "Lihat Persyaratan", "Masuk" and "Daftar"; the
// registration (name, email, WhatsApp, password → the 6-digit code → login).

import { api } from "../api.js";
import { html, render, $ } from "../html.js";
import { PASSWORD_RULE, passwordProblem } from "../loginform.js";
import { byCategory } from "./services.js";
import { formatsText } from "./checklist.js";
import { plainProperties, polygonProperty } from "./fields.js";

const RESEND_AFTER_S = 60;

/** The service menu under an agency's entry (its services only). */
export function serviceMenu(agency, offered) {
  const mine = offered.filter((s) => s.agency === agency.name);
  if (!mine.length) return "";
  return html`<nav class="portal-services" aria-label="Layanan ${agency.name}">
    ${byCategory(mine).map(
      (g) => html`<div class="portal-category"><h2>${g.title}</h2>
        ${g.items.map(
          (s) => html`<div class="portal-service" data-workflow="${s.workflow}">
            <strong>${s.title}</strong>
            <small>${s.description || ""}</small>
            <div class="portal-service-actions">
              <button type="button" class="btn btn-outline" data-persyaratan="${s.workflow}" aria-haspopup="dialog">Lihat Persyaratan</button>
              <button type="button" class="btn btn-outline" data-masuk aria-haspopup="dialog">Masuk</button>
              <button type="button" class="btn btn-outline" data-daftar aria-haspopup="dialog">Daftar</button>
            </div></div>`
        )}</div>`
    )}
    <p class="portal-track"><a class="btn btn-outline" href="/lacak">Lacak Permohonan</a>
      <small>dengan nomor registrasi dan kode akses dari bukti pendaftaran</small></p></nav>`;
}

/** A modal dialog in host: {el, open(), close(), destroy()}; Escape and Tutup close it. */
function modal(host, id, title, wide = false) {
  const holder = document.createElement("div");
  render(
    holder,
    html`<div class="modal-backdrop" hidden><div class="modal ${wide ? "portal-modal-wide" : ""}" role="dialog"
      aria-modal="true" aria-labelledby="${id}-title" id="${id}"><h2 id="${id}-title">${title}</h2>
      <div class="portal-modal-body"></div></div></div>`
  );
  host.appendChild(holder);
  const backdrop = holder.firstElementChild;
  let opener = null;
  const close = () => {
    backdrop.hidden = true;
    document.body.classList.remove("modal-open");
    if (opener && opener.focus) opener.focus();
  };
  const onKey = (e) => {
    if (!backdrop.hidden && e.key === "Escape") close();
  };
  document.addEventListener("keydown", onKey);
  backdrop.addEventListener("mousedown", (e) => e.target === backdrop && close());
  return {
    el: $(".portal-modal-body", holder),
    open() {
      opener = document.activeElement;
      backdrop.hidden = false;
      document.body.classList.add("modal-open");
      const first = holder.querySelector("input, button");
      if (first) first.focus();
    },
    close,
    destroy() {
      document.removeEventListener("keydown", onKey);
      holder.remove();
    },
  };
}

function requirements(s) {
  const poly = polygonProperty(s.application);
  const fields = plainProperties(s.application).map(([, p]) => p.title);
  return html`<p>${s.title} — ${s.agency}${s.service_days ? html`. Waktu layanan ${s.service_days} hari kerja sejak berkas lengkap.` : ""}</p>
    <h3>Daftar Persyaratan</h3>
    <div class="table-wrap"><table class="data responsive" id="tabel-persyaratan">
      <thead><tr><th>Dokumen</th><th>Format</th><th>Keterangan</th></tr></thead>
      <tbody>${s.checklist.map(
        (c) => html`<tr><td data-label="Dokumen">${c.label}</td>
          <td data-label="Format">${formatsText(c.formats)}, maks. ${Math.round(c.max_bytes / 1048576)} MB</td>
          <td data-label="Keterangan"><span class="tag ${c.required ? "tag-required" : "tag-optional"}">${c.required ? "Wajib" : "Opsional"}</span>
            ${c.note ? html`<br><small>${c.note}</small>` : ""}</td></tr>`
      )}</tbody></table></div>
    <h3>Data yang diisi</h3>
    <ul class="portal-asked">${fields.map((f) => html`<li>${f}</li>`)}${poly ? html`<li>${poly[1].title} (digambar di peta atau unggah GeoJSON/KML)</li>` : ""}</ul>
    <div class="modal-actions"><button type="button" class="btn btn-secondary" data-tutup>Tutup</button></div>`;
}

const registerForm = () => html`<form id="daftar-form" novalidate>
  <div class="field"><label for="daftar-nama">Nama Lengkap</label>
    <input id="daftar-nama" type="text" autocomplete="name" maxlength="120" required></div>
  <div class="field"><label for="daftar-email">Email</label>
    <input id="daftar-email" type="email" autocomplete="email" required></div>
  <div class="field"><label for="daftar-wa">Nomor WhatsApp</label>
    <input id="daftar-wa" type="tel" autocomplete="tel" inputmode="tel" aria-describedby="daftar-wa-hint" required>
    <small id="daftar-wa-hint" class="muted">Kode konfirmasi dan kabar permohonan dikirim ke nomor ini, mis. 0812-3456-7890.</small></div>
  <div class="field"><label for="daftar-password">Password</label>
    <input id="daftar-password" type="password" autocomplete="new-password" aria-describedby="daftar-rule" required>
    <small id="daftar-rule" class="muted">${PASSWORD_RULE}</small></div>
  <p class="form-msg error" id="daftar-msg" role="alert"></p>
  <div class="modal-actions"><button type="submit" class="btn btn-primary" id="daftar-kirim">Daftar</button>
    <button type="button" class="btn btn-secondary" data-tutup>Tutup</button></div></form>`;

const codeForm = (r) => html`<form id="kode-form" novalidate>
  <p>Kode konfirmasi 6 angka telah dikirim ke email <strong>${r.email}</strong>.
    Kode berlaku ${r.expires_in_minutes} menit.</p>
  <div class="field"><label for="kode">Kode Konfirmasi</label>
    <input id="kode" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" pattern="[0-9]{6}" required></div>
  <p class="form-msg" id="kode-msg" role="alert"></p>
  <div class="modal-actions"><button type="submit" class="btn btn-primary" id="kode-kirim">Konfirmasi</button>
    <button type="button" class="btn btn-secondary" id="kode-ulang" disabled>Kirim Ulang Kode</button></div></form>`;

function readRegistration(root) {
  const v = (id) => $(`#${id}`, root).value.trim();
  const body = { name: v("daftar-nama"), email: v("daftar-email"), phone: v("daftar-wa"), password: $("#daftar-password", root).value };
  if (!body.name || !body.email || !body.phone || !body.password) return { problem: "Semua isian wajib diisi." };
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email)) return { problem: "Email harus alamat email yang valid, mis. nama@contoh.id." };
  const bad = passwordProblem(body.password);
  return bad ? { problem: bad.replace("Password baru", "Password") } : { body };
}

/** The code screen: confirm, and resend once a minute has passed. */
function codeStep(dialog, r, onConfirmed) {
  render(dialog.el, codeForm(r));
  const resend = $("#kode-ulang", dialog.el);
  const msg = $("#kode-msg", dialog.el);
  let left = RESEND_AFTER_S;
  const tick = () => {
    left -= 1;
    resend.disabled = left > 0;
    resend.textContent = left > 0 ? `Kirim Ulang Kode (${left}\u00a0detik)` : "Kirim Ulang Kode";
    if (left <= 0) clearInterval(timer);
  };
  let timer = setInterval(tick, 1000);
  resend.textContent = `Kirim Ulang Kode (${left}\u00a0detik)`;
  resend.addEventListener("click", async () => {
    await api("POST", "/auth/register/resend", { body: { email: r.email }, auth: false }).catch(() => null);
    msg.className = "form-msg ok";
    msg.textContent = "Kode baru telah dikirim.";
    left = RESEND_AFTER_S + 1;
    clearInterval(timer);
    timer = setInterval(tick, 1000);
    tick();
  });
  $("#kode-form", dialog.el).addEventListener("submit", async (e) => {
    e.preventDefault();
    const code = $("#kode", dialog.el).value.trim();
    if (!/^[0-9]{6}$/.test(code)) {
      msg.className = "form-msg error";
      msg.textContent = "Kode konfirmasi terdiri dari 6 angka.";
      return;
    }
    try {
      await api("POST", "/auth/register/confirm", { body: { email: r.email, code }, auth: false });
      clearInterval(timer);
      onConfirmed(r.email);
    } catch (err) {
      msg.className = "form-msg error";
      msg.textContent = err.message;
    }
  });
  $("#kode", dialog.el).focus();
  return () => clearInterval(timer);
}

/**
 * Wire the menus inside root. openLogin(agencyName, email?) opens the agency's login dialog.
 * Returns a cleanup function.
 */
export function wireServiceMenu(root, offered, openLogin) {
  const info = modal(root, "dialog-persyaratan", "Lihat Persyaratan", true);
  const reg = modal(root, "dialog-daftar", "Daftar Akun Pemohon");
  let stopTimer = () => {};
  const agencyOf = (el) => {
    const s = offered.find((x) => x.workflow === el.closest("[data-workflow]").dataset.workflow);
    return s ? s.agency : "";
  };
  root.addEventListener("click", (e) => {
    if (e.target.closest("[data-tutup]")) {
      info.close();
      reg.close();
      stopTimer();
      return;
    }
    const p = e.target.closest("[data-persyaratan]");
    if (p) {
      const s = offered.find((x) => x.workflow === p.dataset.persyaratan);
      $("#dialog-persyaratan-title", root).textContent = `Persyaratan ${s.title}`;
      render(info.el, requirements(s));
      info.open();
      return;
    }
    const m = e.target.closest("[data-masuk]");
    if (m) return openLogin(agencyOf(m));
    const d = e.target.closest("[data-daftar]");
    if (!d) return;
    const agency = agencyOf(d);
    render(reg.el, registerForm());
    reg.open();
    $("#daftar-form", reg.el).addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const msg = $("#daftar-msg", reg.el);
      const r = readRegistration(reg.el);
      msg.textContent = r.problem || "";
      if (r.problem) return;
      $("#daftar-kirim", reg.el).disabled = true;
      try {
        const done = await api("POST", "/auth/register", { body: r.body, auth: false });
        stopTimer = codeStep(reg, done, (email) => {
          reg.close();
          openLogin(agency, email, "Akun Anda sudah aktif. Silakan masuk dengan email dan password Anda.");
        });
      } catch (err) {
        msg.textContent = err.message;
        $("#daftar-kirim", reg.el).disabled = false;
      }
    });
  });
  return () => {
    stopTimer();
    info.destroy();
    reg.destroy();
  };
}
