// Profil (#/profil): current information, "Ubah Informasi Umum", "Ubah Password".

import { get, patch, post, session } from "../api.js";
import { html, render, $ } from "../html.js";
import { agency, rolesText } from "../catalog.js";
import { initials } from "../ui.js";
import { PASSWORD_RULE, passwordProblem } from "../loginform.js";

export async function show(ctx) {
  ctx.setTitle("Profil");
  render(ctx.el, html`<h1>Profil</h1><p class="muted">Memuat profil…</p>`);
  let me = await get("/me");
  if (!ctx.isCurrent()) return;

  render(
    ctx.el,
    html`
    <h1>Profil</h1>
    <section class="panel profile-info" aria-labelledby="h-info" id="info-pengguna">
      <h2 id="h-info">Informasi Pengguna</h2>
      <div id="info-body"></div>
    </section>
    <div class="grid-2">
      <section class="panel" aria-labelledby="h-umum">
        <h2 id="h-umum">Ubah Informasi Umum</h2>
        <form id="form-umum" novalidate>
          <div class="field">
            <label for="profil-nama">Nama</label>
            <input id="profil-nama" name="name" type="text" maxlength="120" required autocomplete="name">
          </div>
          <div class="field">
            <label for="profil-telepon">Nomor Telepon</label>
            <input id="profil-telepon" name="phone" type="tel" placeholder="+6281234567890" autocomplete="tel">
            <small class="muted">Format internasional, mis. +6281234567890. Kosongkan untuk menghapus.
              Notifikasi SMS dikirim ke nomor ini.</small>
          </div>
          <div id="umum-msg" class="form-msg" role="status" aria-live="polite"></div>
          <button type="submit" class="btn btn-primary" id="simpan-umum">Simpan Informasi</button>
        </form>
      </section>
      <section class="panel" aria-labelledby="h-sandi">
        <h2 id="h-sandi">Ubah Password</h2>
        <form id="form-sandi" novalidate>
          <div class="field">
            <label for="sandi-lama">Password Lama</label>
            <input id="sandi-lama" name="old_password" type="password" required autocomplete="current-password">
          </div>
          <div class="field">
            <label for="sandi-baru">Password Baru</label>
            <input id="sandi-baru" name="new_password" type="password" required minlength="8" autocomplete="new-password"
              aria-describedby="aturan-password">
            <small class="muted" id="aturan-password">${PASSWORD_RULE}</small>
          </div>
          <div class="field">
            <label for="sandi-ulang">Ulangi Password Baru</label>
            <input id="sandi-ulang" name="repeat" type="password" required autocomplete="new-password">
          </div>
          <div id="sandi-msg" class="form-msg" role="status" aria-live="polite"></div>
          <button type="submit" class="btn btn-primary" id="simpan-sandi">Ubah Password</button>
        </form>
      </section>
    </div>`
  );

  const paintInfo = () => {
    render(
      $("#info-body"),
      html`<table class="kv"><tbody>
        <tr><th scope="row">Nama</th><td id="info-nama">${me.name || "-"}</td></tr>
        <tr><th scope="row">Email</th><td>${me.email}</td></tr>
        <tr><th scope="row">Peran</th><td>${rolesText(me.roles)}</td></tr>
        <tr><th scope="row">Wilayah</th><td>${me.region || "-"}</td></tr>
        <tr><th scope="row">Nomor Telepon</th><td id="info-telepon">${me.phone || "-"}</td></tr>
        <tr><th scope="row">Instansi</th><td>${agencyName(me)}</td></tr>
      </tbody></table>`
    );
    $("#profil-nama").value = me.name || "";
    $("#profil-telepon").value = me.phone || "";
  };
  paintInfo();

  const say = (id, text, kind) => {
    const el = $(id);
    el.className = `form-msg ${kind}`;
    el.textContent = text;
  };

  $("#form-umum").addEventListener("submit", async (e) => {
    e.preventDefault();
    const name = $("#profil-nama").value.trim();
    const phoneRaw = $("#profil-telepon").value.replace(/[\s-]/g, "");
    say("#umum-msg", "", "");
    if (!name) {
      say("#umum-msg", "Nama wajib diisi.", "error");
      $("#profil-nama").focus();
      return;
    }
    let phone = phoneRaw || null;
    if (phone && /^0\d+$/.test(phone)) phone = `+62${phone.slice(1)}`;
    if (phone && !/^\+[1-9][0-9]{7,14}$/.test(phone)) {
      say("#umum-msg", "Nomor Telepon harus format internasional, mis. +6281234567890.", "error");
      $("#profil-telepon").focus();
      return;
    }
    const body = {};
    if (name !== (me.name || "")) body.name = name;
    if (phone !== (me.phone || null)) body.phone = phone;
    if (!Object.keys(body).length) {
      say("#umum-msg", "Tidak ada perubahan.", "info");
      return;
    }
    const btn = $("#simpan-umum");
    btn.disabled = true;
    try {
      me = await patch("/me", body);
      session.setUser(me);
      paintInfo();
      document.querySelectorAll(".avatar").forEach((el) => {
        el.textContent = initials(me.name);
      });
      document.querySelectorAll(".user-name, .sidebar-user strong").forEach((el) => {
        el.textContent = me.name;
      });
      say("#umum-msg", "Informasi umum berhasil disimpan.", "ok");
    } catch (err) {
      say("#umum-msg", err.message, "error");
    } finally {
      btn.disabled = false;
    }
  });

  $("#form-sandi").addEventListener("submit", async (e) => {
    e.preventDefault();
    const oldP = $("#sandi-lama").value;
    const newP = $("#sandi-baru").value;
    const rep = $("#sandi-ulang").value;
    say("#sandi-msg", "", "");
    if (!oldP || !newP || !rep) {
      say("#sandi-msg", "Semua kolom password wajib diisi.", "error");
      return;
    }
    const problem = passwordProblem(newP);
    if (problem) {
      say("#sandi-msg", problem, "error");
      $("#sandi-baru").focus();
      return;
    }
    if (newP !== rep) {
      say("#sandi-msg", "Ulangi Password Baru tidak sama dengan Password Baru.", "error");
      $("#sandi-ulang").setAttribute("aria-invalid", "true");
      $("#sandi-ulang").focus();
      return;
    }
    $("#sandi-ulang").removeAttribute("aria-invalid");
    const btn = $("#simpan-sandi");
    btn.disabled = true;
    try {
      await post("/me/password", { old_password: oldP, new_password: newP });
      e.target.reset();
      say("#sandi-msg", "Password berhasil diubah.", "ok");
    } catch (err) {
      say("#sandi-msg", err.message, "error");
    } finally {
      btn.disabled = false;
    }
  });
}

/** The caller's agency by the name it declares (its id is an internal code). */
function agencyName(me) {
  const a = agency();
  return me.agency && a && a.id === me.agency ? a.name : "-";
}
