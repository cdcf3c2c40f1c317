// Landing page (#/) with the login form in a modal dialog.

import { login } from "../api.js";
import { html, render, $ } from "../html.js";

export async function show(root, { flash, afterLogin }) {
  render(
    root,
    html`
    <div class="landing">
      <header class="landing-head">
        <span class="emblem" aria-hidden="true">ESDM</span>
        <div>
          <strong>DINAS ENERGI DAN SUMBER DAYA MINERAL</strong>
          <span>PROVINSI JAWA TENGAH</span>
        </div>
      </header>
      <main class="landing-main" id="konten">
        <p class="landing-app">ANDESIT</p>
        <h1 class="landing-title">E-TRACKING PERIZINAN DAN PELAPORAN USAHA PERTAMBANGAN</h1>
        <p class="landing-sub">Aplikasi pelacakan dan persetujuan izin usaha pertambangan
          Dinas ESDM Provinsi Jawa Tengah.</p>
        <div id="pesan" class="flash ${flash ? `flash-${flash.kind}` : ""}" role="status" aria-live="polite"
          ${flash ? "" : "hidden"}>${flash ? flash.message : ""}</div>
        <div class="landing-actions">
          <button type="button" class="btn btn-primary btn-lg" id="open-login"
            aria-haspopup="dialog">DINAS ESDM PROVINSI JAWA TENGAH</button>
          <div class="landing-links">
            <a class="btn btn-outline" href="unduhan/panduan-andesit.pdf" download id="link-panduan">PANDUAN</a>
            <a class="btn btn-outline" href="unduhan/istilah-khusus-andesit.pdf" download
              id="link-istilah">ISTILAH KHUSUS</a>
          </div>
        </div>
      </main>
      <footer class="landing-foot">© Dinas ESDM Provinsi Jawa Tengah</footer>

      <div class="modal-backdrop" id="login-backdrop" hidden>
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="login-title" id="login-dialog">
          <h2 id="login-title">Form Login Dinas ESDM</h2>
          <form id="login-form" novalidate>
            <div class="field">
              <label for="login-email">Email Address</label>
              <input id="login-email" name="email" type="email" autocomplete="username" required>
            </div>
            <div class="field">
              <label for="login-password">Password</label>
              <input id="login-password" name="password" type="password" autocomplete="current-password" required>
            </div>
            <div class="field" id="new-password-field" hidden>
              <label for="login-new-password">Kata Sandi Baru</label>
              <input id="login-new-password" name="new_password" type="password" autocomplete="new-password"
                minlength="8">
              <small>Akun Anda masih memakai kata sandi sementara: tentukan kata sandi baru (minimal 8 karakter).</small>
            </div>
            <div class="form-msg error" id="login-error" role="alert" aria-live="assertive"></div>
            <div class="modal-actions">
              <button type="submit" class="btn btn-primary" id="login-submit">Login</button>
              <button type="button" class="btn btn-secondary" id="login-close">Close</button>
            </div>
          </form>
        </div>
      </div>
    </div>`
  );

  const backdrop = $("#login-backdrop");
  const dialog = $("#login-dialog");
  const opener = $("#open-login");
  const errorEl = $("#login-error");

  const open = () => {
    backdrop.hidden = false;
    document.body.classList.add("modal-open");
    $("#login-email").focus();
  };
  const close = () => {
    backdrop.hidden = true;
    document.body.classList.remove("modal-open");
    errorEl.textContent = "";
    opener.focus();
  };

  opener.addEventListener("click", open);
  $("#login-close").addEventListener("click", close);
  backdrop.addEventListener("mousedown", (e) => {
    if (e.target === backdrop) close();
  });
  const onKey = (e) => {
    if (backdrop.hidden) return;
    if (e.key === "Escape") close();
    if (e.key === "Tab") {
      const f = Array.from(dialog.querySelectorAll("input:not([hidden]), button")).filter(
        (x) => x.offsetParent !== null
      );
      const first = f[0];
      const last = f[f.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  document.addEventListener("keydown", onKey);

  $("#login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const email = $("#login-email").value.trim();
    const password = $("#login-password").value;
    const needNew = !$("#new-password-field").hidden;
    const newPassword = needNew ? $("#login-new-password").value : undefined;
    errorEl.textContent = "";
    if (!email || !password) {
      errorEl.textContent = "Email Address dan Password wajib diisi.";
      (!email ? $("#login-email") : $("#login-password")).focus();
      return;
    }
    if (needNew && (!newPassword || newPassword.length < 8)) {
      errorEl.textContent = "Kata sandi baru minimal 8 karakter.";
      $("#login-new-password").focus();
      return;
    }
    const btn = $("#login-submit");
    btn.disabled = true;
    btn.setAttribute("aria-busy", "true");
    try {
      await login(email, password, newPassword);
      document.body.classList.remove("modal-open");
      afterLogin();
    } catch (err) {
      if (err.code === "NEW_PASSWORD_REQUIRED") {
        $("#new-password-field").hidden = false;
        $("#login-new-password").focus();
        errorEl.textContent =
          "Akun ini masih memakai kata sandi sementara. Isi Kata Sandi Baru, lalu klik Login.";
      } else {
        errorEl.textContent = err.message;
      }
    } finally {
      btn.disabled = false;
      btn.removeAttribute("aria-busy");
    }
  });

  return () => {
    document.removeEventListener("keydown", onKey);
    document.body.classList.remove("modal-open");
  };
}
