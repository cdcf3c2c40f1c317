// Lacak Permohonan (/lacak, #/lacak): anyone with a registration number and its access code
// sees where the application is — status, office, the timeline and the service time. Nothing
// personal: the API gives none, and a wrong code reads the same as an unknown number.

import { api } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatDateLong, formatDateTimeLong } from "../format.js";
import { emblem } from "../ui.js";

const TITLE = "Lacak Permohonan";
const NOT_MATCHED = "Nomor Registrasi atau kode akses tidak cocok. Periksa kembali bukti pendaftaran Anda.";
const TOO_MANY = "Terlalu banyak percobaan. Silakan coba lagi satu jam lagi.";
const KIND_CLASS = { approved: "ok", rejected: "danger", returned: "warn" };

let agencies = null;

/** The agency that takes applications from the public (its header on the public pages). */
export async function publicAgency() {
  if (!agencies) {
    agencies = api("GET", "/agencies", { auth: false })
      .then((r) => r.items || [])
      .catch(() => []);
  }
  const items = await agencies;
  return items.find((a) => a.applicants) || items[0] || null;
}

/** A public page: the agency's header, the content, the way back to the start page. */
export function publicFrame(agency, content) {
  const office = (agency && agency.office) || [];
  const text = (agency && agency.landing) || {};
  return html`<div class="public-page">
    <header class="public-head">
      <a href="/" class="public-brand">${emblem((agency && agency.emblem) || "")}
        <span>${office.map((line, i) => (i ? html`<span>${line}</span>` : html`<strong>${line}</strong>`))}</span></a>
      ${text.app ? html`<span class="public-app">${text.app}</span>` : ""}
    </header>
    <main class="public-main" id="konten">${content}</main>
    <footer class="public-foot">${text.footer || ""} · <a href="/">Beranda</a></footer>
  </div>`;
}

export async function show(ctx) {
  ctx.setTitle(TITLE);
  const agency = await publicAgency();
  if (!ctx.isCurrent()) return;
  const given = new URLSearchParams(location.search);
  const no = (ctx.query && ctx.query.get("no")) || given.get("no") || "";
  render(
    ctx.el,
    publicFrame(
      agency,
      html`<h1>${TITLE}</h1>
      <p class="muted">Masukkan Nomor Registrasi dan kode akses yang tertera pada bukti pendaftaran.</p>
      <form id="form-lacak" class="panel lacak-form" novalidate>
        <label for="lacak-nomor">Nomor Registrasi</label>
        <input id="lacak-nomor" name="no" type="text" autocomplete="off" autocapitalize="characters"
          placeholder="mis. PKKPR-2026-00001" value="${no}" required>
        <label for="lacak-kode">Kode Akses</label>
        <input id="lacak-kode" name="code" type="text" autocomplete="off" autocapitalize="characters"
          placeholder="mis. AB12-CD34" required>
        <div id="lacak-pesan" class="form-msg" role="alert" aria-live="assertive"></div>
        <button type="submit" class="btn btn-primary btn-lg" id="btn-lacak">Lacak</button>
      </form>
      <div id="hasil-lacak" aria-live="polite"></div>`
    )
  );
  $("#form-lacak").addEventListener("submit", (e) => {
    e.preventDefault();
    lookUp(ctx);
  });
}

function say(text) {
  const msg = $("#lacak-pesan");
  msg.className = "form-msg error";
  msg.textContent = text;
}

async function lookUp(ctx) {
  const no = $("#lacak-nomor").value.trim();
  const code = $("#lacak-kode").value.trim();
  say("");
  render($("#hasil-lacak"), "");
  if (!no || !code) return say("Isi Nomor Registrasi dan kode akses.");
  const button = $("#btn-lacak");
  button.disabled = true;
  try {
    const r = await api("POST", "/public/track", { body: { no, code }, auth: false });
    if (!ctx.isCurrent()) return;
    render($("#hasil-lacak"), result(r));
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.status === 404) say(NOT_MATCHED);
    else if (err.status === 429) say(TOO_MANY);
    else say(err.message);
  } finally {
    button.disabled = false;
  }
}

function result(r) {
  const kind = KIND_CLASS[r.status_kind] || "info";
  return html`<section class="panel lacak-hasil" aria-labelledby="h-hasil">
    <h2 id="h-hasil">Nomor Registrasi ${r.ticket_no}</h2>
    <p class="muted">${r.permit_label}</p>
    <table class="kv"><tbody>
      <tr><th scope="row">Status</th><td><span class="status status-${kind}" id="lacak-status">${r.status}</span></td></tr>
      <tr><th scope="row">Posisi Berkas</th><td>${r.final ? "Selesai diproses" : r.position}</td></tr>
      <tr><th scope="row">Instansi</th><td>${r.office}</td></tr>
      <tr><th scope="row">Tanggal Pengajuan</th><td>${formatDateLong(r.submitted_at)}</td></tr>
    </tbody></table>
    ${serviceTime(r.service_time, r.final)}
    <h3>Riwayat Status</h3>
    <ol class="timeline lacak-timeline" id="riwayat-status">
      ${(r.timeline || []).map(
        (i) => html`<li class="tl-item"><span class="tl-dot" aria-hidden="true"></span><div class="tl-body">
          <p class="tl-title">${i.status}</p>
          <p class="muted">${formatDateTimeLong(i.at)} · ${i.office}</p></div></li>`
      )}
    </ol>
  </section>`;
}

/** Working days used and left, as the service standard counts them. */
function serviceTime(st, final) {
  if (!st) return "";
  const late = st.overdue > 0;
  return html`<div class="service-time ${late ? "late" : ""}" id="lacak-sisa-waktu">
    <span class="muted">Sisa Waktu Layanan (hari kerja)</span>
    <strong>${final ? "Selesai" : `${st.left} hari kerja`}</strong>
    <small>Telah berjalan ${st.used} dari ${st.budget} hari kerja${late ? `, terlambat ${st.overdue} hari kerja` : ""}.</small>
    ${st.paused ? html`<small>Waktu layanan dihentikan sementara selama menunggu pemohon.</small>` : ""}
    ${!st.started ? html`<small>Waktu layanan mulai dihitung setelah berkas diterima petugas.</small>` : ""}
    ${st.deadline && !final && !st.paused ? html`<small>Perkiraan selesai: ${formatDateLong(st.deadline)}</small>` : ""}
  </div>`;
}
