// Verifikasi Dokumen (/verifikasi/<token>, opened by the QR code on a signed SK): whether
// the decree is authentic, what it says it is, and "Periksa berkas PDF" — a PDF someone was
// given is sent to the API, which says whether it is that very decree with its signature intact.

import { api } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatDateLong } from "../format.js";
import { publicAgency, publicFrame } from "./tracking.js";

const TITLE = "Verifikasi Dokumen";
const UNKNOWN = "Kode verifikasi tidak dikenal";
const MAX_BYTES = 5 * 1024 * 1024; // what the server checks

export async function show(ctx) {
  const [token] = ctx.params;
  ctx.setTitle(TITLE);
  const [agency, sk] = await Promise.all([publicAgency(), lookUp(token)]);
  if (!ctx.isCurrent()) return;
  render(ctx.el, publicFrame(agency, html`<h1>${TITLE}</h1>${sk.authentic ? authentic(sk) : unknown(sk)}`));
  const input = $("#berkas-pdf");
  if (input) input.addEventListener("change", () => check(ctx, token, input.files && input.files[0]));
}

/** The decree behind a token: {authentic, …} or {authentic: false, message}. */
async function lookUp(token) {
  try {
    return await api("GET", `/public/verify/${encodeURIComponent(token)}`, { auth: false });
  } catch (err) {
    return { authentic: false, message: err.status === 404 ? `${UNKNOWN}.` : err.message };
  }
}

function unknown(sk) {
  return html`<div class="verdict verdict-bad" id="verifikasi-hasil" role="alert">
    <strong>${sk.message}</strong>
    <p>Dokumen dengan kode ini tidak tercatat sebagai SK yang diterbitkan. Periksa kembali tautan atau
      kode QR pada dokumen.</p></div>`;
}

function authentic(sk) {
  return html`<div class="verdict verdict-ok" id="verifikasi-hasil">
      <strong>Kode verifikasi SAH</strong>
      <p>SK dengan data di bawah ini diterbitkan dan ditandatangani secara elektronik oleh
        ${sk.office}. Cocokkan dengan SK yang Anda pegang, atau periksa berkas PDF-nya di bawah.</p>
    </div>
    <section class="panel" aria-labelledby="h-sk">
      <h2 id="h-sk">Data SK</h2>
      <table class="kv"><tbody>
        <tr><th scope="row">Nomor SK</th><td id="verifikasi-nomor">${sk.sk_number}</td></tr>
        <tr><th scope="row">Jenis Izin</th><td>${sk.permit_label}</td></tr>
        <tr><th scope="row">Tanggal Tanda Tangan</th><td>${formatDateLong(sk.signed_on)}</td></tr>
        <tr><th scope="row">Jabatan Penandatangan</th><td>${sk.signer_position}</td></tr>
        <tr><th scope="row">Masa Berlaku</th><td>${sk.valid_until ? `sampai ${formatDateLong(sk.valid_until)}` : "-"}</td></tr>
      </tbody></table>
    </section>
    <section class="panel" aria-labelledby="h-periksa">
      <h2 id="h-periksa">Periksa berkas PDF</h2>
      <p class="muted">Punya salinan SK dalam bentuk PDF? Pilih berkasnya untuk memastikan isinya sama dengan
        SK asli dan tanda tangannya utuh. Berkas hanya diperiksa, tidak disimpan.</p>
      <div class="file-pick">
        <input id="berkas-pdf" type="file" accept="application/pdf,.pdf" class="file-input" aria-label="Pilih Berkas PDF"
          aria-describedby="berkas-pdf-nama">
        <span class="btn btn-secondary file-button" aria-hidden="true">Pilih Berkas PDF</span>
        <span id="berkas-pdf-nama" class="muted file-name">Belum ada berkas dipilih.</span>
      </div>
      <div id="periksa-hasil" aria-live="polite"></div>
    </section>`;
}

/** A file's bytes as base64 (without the data: prefix). */
function base64Of(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(new Error("Berkas tidak dapat dibaca."));
    reader.readAsDataURL(file);
  });
}

async function check(ctx, token, file) {
  const out = $("#periksa-hasil");
  $("#berkas-pdf-nama").textContent = file ? file.name : "Belum ada berkas dipilih.";
  if (!file) return render(out, "");
  if (file.size > MAX_BYTES) return render(out, verdict(false, "Berkas lebih dari 5 MB; bukan SK ini."));
  render(out, html`<p class="muted">Memeriksa ${file.name}…</p>`);
  try {
    const pdf = await base64Of(file);
    const r = await api("POST", `/public/verify/${encodeURIComponent(token)}`, { body: { pdf }, auth: false });
    if (!ctx.isCurrent()) return;
    const good = r.same_document && r.signature_intact && r.signature_trusted;
    render(out, verdict(good, r.verdict, r));
  } catch (err) {
    if (ctx.isCurrent()) render(out, verdict(false, err.message));
  }
}

function verdict(good, sentence, r) {
  const yes = (b) => (b ? "Ya" : "Tidak");
  return html`<div class="verdict ${good ? "verdict-ok" : "verdict-bad"}" id="periksa-putusan" role="status">
    <strong>${sentence}</strong>
    ${r
      ? html`<ul class="verdict-points">
          <li>Isi sama dengan SK asli: <strong>${yes(r.same_document)}</strong></li>
          <li>Tanda tangan elektronik utuh: <strong>${yes(r.signature_intact)}</strong></li>
          <li>Sertifikat penanda tangan dikenali: <strong>${
            r.signature_intact ? yes(r.signature_trusted) : "tidak dapat diperiksa (tanda tangan tidak utuh)"
          }</strong></li>
        </ul>`
      : ""}
  </div>`;
}
