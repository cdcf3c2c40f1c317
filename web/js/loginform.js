// The login dialog ("Form Login Dinas ESDM": its title comes from the agency), used on the landing page and, when a session can no
// longer be renewed, in place over the screen the official is working on.

import { login } from "./api.js";
import { html, render, $ } from "./html.js";

/** The account rule (the user pool's policy), shown before anyone types a new password. */
export const PASSWORD_RULE =
  "Minimal 8 karakter, memuat huruf besar, huruf kecil, angka, dan simbol (mis. # ! @).";

/** What is wrong with a new password, in words; null when it follows the rule. */
export function passwordProblem(p) {
  const missing = [];
  if (!/[A-Z]/.test(p)) missing.push("huruf besar");
  if (!/[a-z]/.test(p)) missing.push("huruf kecil");
  if (!/[0-9]/.test(p)) missing.push("angka");
  if (!/[^A-Za-z0-9]/.test(p)) missing.push("simbol");
  if (p.length < 8) return "Password baru minimal 8 karakter.";
  return missing.length ? `Password baru belum memuat ${missing.join(", ")}.` : null;
}

function markup({ title, note, email }) {
  return html`
  <div class="modal-backdrop" id="login-backdrop" hidden>
    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="login-title" id="login-dialog">
      <h2 id="login-title">${title}</h2>
      ${note ? html`<p class="flash flash-info" id="login-note">${note}</p>` : ""}
      <form id="login-form" novalidate>
        <div class="field">
          <label for="login-email">Email Address</label>
          <input id="login-email" name="email" type="email" autocomplete="username" required value="${email || ""}">
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input id="login-password" name="password" type="password" autocomplete="current-password" required>
        </div>
        <div class="field" id="new-password-field" hidden>
          <label for="login-new-password">Password Baru</label>
          <input id="login-new-password" name="new_password" type="password" autocomplete="new-password"
            aria-describedby="login-rule">
          <small id="login-rule">Akun Anda masih memakai password sementara. Password baru: ${PASSWORD_RULE}</small>
        </div>
        <div class="form-msg error" id="login-error" role="alert" aria-live="assertive"></div>
        <div class="modal-actions">
          <button type="submit" class="btn btn-primary" id="login-submit">Login</button>
          <button type="button" class="btn btn-secondary" id="login-close">Close</button>
        </div>
      </form>
    </div>
  </div>`;
}

function trapFocus(dialog, e) {
  const f = Array.from(dialog.querySelectorAll("input, button")).filter((x) => x.offsetParent !== null);
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

/**
 * Put the dialog into `host` and wire it. onLogin(user) after a successful login; onClose()
 * when closed without logging in. Returns {open(title?), close(), destroy()}.
 */
export function loginDialog(host, { title = "Form Login", note = "", email = "", onLogin, onClose }) {
  const holder = document.createElement("div");
  render(holder, markup({ title, note, email }));
  host.appendChild(holder);
  const backdrop = $("#login-backdrop", holder);
  const dialog = $("#login-dialog", holder);
  const errorEl = $("#login-error", holder);
  let opener = null;

  /** Open it; `heading` replaces the title (each agency's entry names its own form). */
  const open = (heading) => {
    if (heading) $("#login-title", holder).textContent = heading;
    opener = document.activeElement;
    backdrop.hidden = false;
    document.body.classList.add("modal-open");
    (email ? $("#login-password", holder) : $("#login-email", holder)).focus();
  };
  const close = (cancelled = true) => {
    backdrop.hidden = true;
    document.body.classList.remove("modal-open");
    errorEl.textContent = "";
    if (opener && opener.focus) opener.focus();
    if (cancelled && onClose) onClose();
  };
  const onKey = (e) => {
    if (backdrop.hidden) return;
    if (e.key === "Escape") close();
    if (e.key === "Tab") trapFocus(dialog, e);
  };
  $("#login-close", holder).addEventListener("click", () => close());
  backdrop.addEventListener("mousedown", (e) => {
    if (e.target === backdrop) close();
  });
  document.addEventListener("keydown", onKey);
  $("#login-form", holder).addEventListener("submit", (e) => {
    e.preventDefault();
    submit(holder, errorEl).then((user) => {
      if (!user) return;
      close(false);
      onLogin(user);
    });
  });
  return {
    open,
    close,
    destroy() {
      document.removeEventListener("keydown", onKey);
      document.body.classList.remove("modal-open");
      holder.remove();
    },
  };
}

/** Check the fields, log in; the user, or null with the reason shown in the dialog. */
async function submit(holder, errorEl) {
  const email = $("#login-email", holder).value.trim();
  const password = $("#login-password", holder).value;
  const needNew = !$("#new-password-field", holder).hidden;
  const newPassword = needNew ? $("#login-new-password", holder).value : undefined;
  errorEl.textContent = "";
  if (!email || !password) {
    errorEl.textContent = "Email Address dan Password wajib diisi.";
    (!email ? $("#login-email", holder) : $("#login-password", holder)).focus();
    return null;
  }
  const problem = needNew ? passwordProblem(newPassword || "") : null;
  if (problem) {
    errorEl.textContent = problem;
    $("#login-new-password", holder).focus();
    return null;
  }
  const btn = $("#login-submit", holder);
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  try {
    return await login(email, password, newPassword);
  } catch (err) {
    if (err.code === "NEW_PASSWORD_REQUIRED") {
      $("#new-password-field", holder).hidden = false;
      $("#login-new-password", holder).focus();
      errorEl.textContent = "Akun ini masih memakai password sementara. Isi Password Baru, lalu klik Login.";
    } else {
      errorEl.textContent = err.message;
    }
    return null;
  } finally {
    btn.disabled = false;
    btn.removeAttribute("aria-busy");
  }
}
