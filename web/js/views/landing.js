// Landing page (#/) with the login form in a modal dialog.

import { html, render, $ } from "../html.js";
import { loginDialog } from "../loginform.js";
import { emblem } from "../ui.js";

export async function show(root, { flash, afterLogin }) {
  render(
    root,
    html`
    <div class="landing">
      <header class="landing-head">
        ${emblem()}
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

    </div>`
  );

  const opener = $("#open-login");
  const dialog = loginDialog(root.querySelector(".landing"), {
    onLogin: () => afterLogin(),
    onClose: () => opener.focus(),
  });
  opener.addEventListener("click", () => dialog.open());
  return () => dialog.destroy();
}
