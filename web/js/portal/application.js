// The application page: where it stands (status, Posisi Berkas, Sisa Waktu Layanan), its
// registration number with the access code for "Lacak Permohonan", the timeline, the reason
// when it came back, and the applicant's own step: re-submit at a return, pay (the SPS PNBP
// and the payment proof), download the signed SK. A draft opens its form instead.

import { get, openInNewTab, post } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatDateLong, formatDateTimeLong } from "../format.js";
import { loading } from "../ui.js";
import { decimal, rupiah, serviceOf } from "./services.js";
import { docRow, wireChecklist } from "./checklist.js";
import { showDraft } from "./form.js";
import { correctionMarkup, takesCorrection, wireCorrection } from "./correction.js";
import { plainProperties } from "./fields.js";
import { statusChip } from "./words.js";
import { openDocument } from "../views/documents.js";

/** A form field's value as people read it: rupiah, Indonesian dates, decimal commas. */
function fieldValue(f) {
  if (f.value === undefined || f.value === null || f.value === "") return "-";
  if (f.format === "rupiah") return rupiah(f.value);
  if (f.format === "date") return formatDateLong(f.value);
  if (f.format === "number" || f.format === "integer") return decimal(f.value);
  return String(f.value);
}

/** A document the applicant's step asks for, as declared (label, formats). */
const stepDocument = (app, kind) => ({ kind, required: true, uploaded: [], ...(app.step_documents || {})[kind] });

export async function show(ctx) {
  const no = ctx.params[0];
  ctx.setTitle(`Permohonan ${no}`);
  render(ctx.el, loading("permohonan"));
  let app;
  try {
    app = await get(`/applications/${encodeURIComponent(no)}`);
  } catch (err) {
    if (err.status !== 404) throw err;
    render(
      ctx.el,
      html`<h1>Permohonan tidak ditemukan</h1>
        <p class="error-box" role="alert">Permohonan ${no} tidak ditemukan di antara permohonan Anda.</p>
        <p><a href="#/permohonan">Kembali ke Data Permohonan</a></p>`
    );
    return null;
  }
  if (!ctx.isCurrent()) return null;
  if (app.draft) return showDraft(ctx, app);
  const service = await serviceOf(app);
  if (!ctx.isCurrent()) return null;
  render(ctx.el, page(app, service));
  wireSk(app);
  wireAccessCode(app);
  return wireStep(ctx, app, service);
}

function page(app, service) {
  const t = app.ticket || {};
  const pending = t.pending || {};
  return html`
    <p class="crumb"><a href="#/permohonan">Data Permohonan</a> › ${app.ticket_no}</p>
    <div class="page-head"><h1>Permohonan ${app.ticket_no}</h1>
      <p>${app.permit_label}${app.activity ? html` · ${app.activity}` : ""}</p></div>
    <div class="grid-2">
      <section class="panel"><h2>Status Permohonan</h2>
        <table class="kv"><tbody>
          <tr><th>Status</th><td id="status">${statusChip({ ...t, status: t.status || app.status })}</td></tr>
          <tr><th>Posisi Berkas</th><td id="posisi">${t.final ? "Selesai diproses" : pending.my_turn ? "Anda (pemohon) — menunggu tindakan Anda" : t.position || "-"}</td></tr>
          <tr><th>Waktu Layanan</th><td id="sisa-waktu">${(app.service_time && app.service_time.label) || "-"}</td></tr>
          <tr><th>Tanggal Pengajuan</th><td>${formatDateLong(t.submitted_at)}</td></tr>
          <tr><th>Pemohon</th><td>${(app.applicant || {}).name || "-"}</td></tr>
        </tbody></table>
        ${reason(app)}
      </section>
      <section class="panel portal-code"><h2>Nomor Registrasi</h2>
        <p class="portal-code-no" id="nomor-registrasi">${app.ticket_no}</p>
        <p>Kode akses: <strong class="portal-code-value" id="kode-akses">${app.access_code}</strong></p>
        <p class="muted">Nomor registrasi dan kode akses — simpan untuk Lacak Permohonan tanpa login.</p>
        <p><button type="button" class="btn btn-sm btn-secondary" id="ganti-kode">Ganti Kode Akses</button></p>
        <p class="form-msg" id="kode-msg" role="status" aria-live="polite" hidden></p>
      </section>
    </div>
    ${pending.my_turn ? stepPanel(app, service) : ""}
    ${skPanel(app)}
    <section class="panel"><h2>Riwayat Status</h2>${timeline(app.timeline || [])}</section>
    <section class="panel"><h2>Data Permohonan</h2>${dataTable(app, service)}</section>
    <section class="panel"><h2>Dokumen Persyaratan</h2>
      <ul class="portal-docs">${checklistItems(app, service).map((i) => docRow(i, { editable: false }))}</ul></section>`;
}

function reason(app) {
  const d = (app.ticket || {}).last_decision;
  const kind = (app.ticket || {}).status_kind;
  if (!d || !d.note || !["returned", "rejected"].includes(kind)) return "";
  return html`<div class="flash flash-error portal-reason" id="alasan">
    <strong>${kind === "rejected" ? "Permohonan ditolak" : "Permohonan dikembalikan kepada Anda"}</strong>
    pada ${formatDateTimeLong(d.decided_at)}.<br>Alasan: ${d.note}</div>`;
}

function timeline(items) {
  if (!items.length) return html`<p class="muted">Belum ada riwayat.</p>`;
  return html`<ol class="portal-timeline" id="riwayat">${items.map(
    (i) => html`<li><strong>${i.status}</strong>
      <span>${formatDateTimeLong(i.at)}</span><span class="muted">${i.office || ""}</span></li>`
  )}</ol>`;
}

function dataTable(app, service) {
  const a = app.application || {};
  const rows = service ? plainProperties(service.application) : [];
  return html`<table class="kv"><tbody>
    ${rows.map(([k, p]) => html`<tr><th>${p.title || k}</th><td>${a[k] === undefined ? "-" : typeof a[k] === "number" ? decimal(a[k], 2) : a[k]}</td></tr>`)}
    ${a.luas_poligon ? html`<tr><th>Luas poligon (dihitung)</th><td>${decimal(a.luas_poligon)} m²</td></tr>` : ""}
  </tbody></table>`;
}

function checklistItems(app, service) {
  const declared = Object.fromEntries(((service && service.checklist) || []).map((c) => [c.kind, c]));
  return (app.checklist || []).map((c) => ({ ...declared[c.kind], ...c }));
}

/** The SPS PNBP as DPUPR filled it, with the letters it declares (the SPS PDF) to open. */
function spsPanel(sps) {
  return html`<div class="portal-sps" id="sps-pnbp"><h3>${sps.title}</h3>
    <table class="kv"><tbody>${sps.fields.map((f) => html`<tr><th>${f.title}</th><td>${fieldValue(f)}</td></tr>`)}</tbody></table>
    ${(sps.documents || []).map(
      (d) => html`<p><button type="button" class="btn btn-sm btn-secondary" data-doc="${d.id}">Unduh ${d.label}</button></p>`
    )}
    <p class="muted">Bayar sesuai kode billing sebelum batas bayar, lalu unggah bukti bayarnya di bawah ini.</p>
    <p class="form-msg" id="doc-msg" role="status"></p></div>`;
}

/** The applicant's own step: its documents and one button per option, named as declared. */
function stepPanel(app, service) {
  const t = app.ticket;
  const sps = (app.forms_shown || {}).sps_pnbp;
  const options = t.pending.options || [];
  const needsChecklist = options.some((o) => (o.requires || {}).documents_complete);
  const kinds = [...new Set(options.flatMap((o) => (o.requires || {}).documents || []))];
  const corrects = takesCorrection(options) && Boolean(service && service.application);
  return html`<section class="panel portal-step" id="langkah-anda"><h2>Langkah Anda</h2>
    ${sps && kinds.length ? spsPanel(sps) : ""}
    ${needsChecklist || corrects
      ? html`<p>${corrects ? "Perbaiki data dan unggah kembali dokumen" : "Unggah kembali dokumen"} yang diminta petugas,
        lalu tekan ${options.map((o) => o.action).join(" / ")}.</p>`
      : ""}
    ${corrects ? correctionMarkup(app, service) : ""}
    ${needsChecklist
      ? html`${corrects ? html`<h3>Dokumen Persyaratan</h3>` : ""}<ul class="portal-docs" id="checklist">${checklistItems(app, service).map((i) => docRow(i))}</ul>`
      : ""}
    ${kinds.length
      ? html`<ul class="portal-docs" id="step-docs">${kinds.map((k) =>
          docRow(stepDocument(app, k))
        )}</ul>`
      : ""}
    <p class="form-msg error" id="step-msg" role="alert"></p>
    <div class="form-actions">${options.map(
      (o) => html`<button type="button" class="btn btn-primary btn-lg" data-action="${o.action}"
        ${((o.requires || {}).documents || []).length ? "disabled" : ""}>${o.action}</button>`
    )}</div>
  </section>`;
}

/** The applicant's step wired; returns what leaving the page must undo (the map). */
function wireStep(ctx, app, service) {
  const panel = $("#langkah-anda");
  if (!panel) return null;
  const t = app.ticket;
  const correcting = $("#perbaiki-data", panel);
  const clearMessage = () => {
    const msg = $("#step-msg");
    if (msg && msg.dataset.kind === "marked") msg.textContent = "";
  };
  const correction = correcting ? wireCorrection(correcting, app, service, clearMessage) : null;
  const uploaded = {}; // kind → document id, uploaded on this page
  const options = t.pending.options || [];
  const refresh = () =>
    panel.querySelectorAll("[data-action]").forEach((b) => {
      const o = options.find((x) => x.action === b.dataset.action);
      b.disabled = ((o.requires || {}).documents || []).some((k) => !uploaded[k]);
    });
  const sps = $("#sps-pnbp", panel);
  if (sps) {
    sps.addEventListener("click", (e) => {
      const b = e.target.closest("[data-doc]");
      if (b) openDocument(app.ticket_no, b.dataset.doc);
    });
  }
  const checklist = $("#checklist", panel);
  if (checklist) wireChecklist(checklist, app.ticket_no, checklistItems(app, service), () => {});
  const docs = $("#step-docs", panel);
  if (docs) {
    const kinds = [...docs.querySelectorAll("[data-kind]")].map((li) => li.dataset.kind).filter((v, i, a) => a.indexOf(v) === i);
    const items = kinds.map((k) => stepDocument(app, k));
    wireChecklist(docs, app.ticket_no, items, (kind, doc) => {
      uploaded[kind] = doc.id;
      refresh();
    });
  }
  panel.addEventListener("click", async (e) => {
    const b = e.target.closest("[data-action]");
    if (!b) return;
    const o = options.find((x) => x.action === b.dataset.action);
    const ids = ((o.requires || {}).documents || []).map((k) => uploaded[k]);
    const application = correction && (o.requires || {}).corrects_application ? correction.read() : undefined;
    if (application === null) {
      $("#step-msg").textContent = "Belum terkirim: periksa kembali isian yang ditandai.";
      $("#step-msg").dataset.kind = "marked";
      return;
    }
    b.disabled = true;
    b.setAttribute("aria-busy", "true");
    try {
      await post(`/tickets/${encodeURIComponent(app.ticket_no)}/decision`, {
        step: t.pending.step,
        action: o.action,
        checked: true,
        ...(ids.length ? { document_ids: ids } : {}),
        ...(application ? { application } : {}),
      });
      ctx.flashNext(`Terkirim: ${o.action}. Petugas akan memproses permohonan Anda.`, "ok");
      ctx.navigate(`#/permohonan/${encodeURIComponent(app.ticket_no)}`);
    } catch (err) {
      $("#step-msg").textContent = `Belum terkirim: ${err.message}`;
      $("#step-msg").dataset.kind = "";
      if (correction) correction.showRefusal(err);
      b.disabled = false;
    } finally {
      b.removeAttribute("aria-busy");
    }
  });
  return correction ? () => correction.destroy() : null;
}

/** "Ganti Kode Akses": a code she shared stops tracking her application; asked first. */
function wireAccessCode(app) {
  const btn = $("#ganti-kode");
  if (!btn) return;
  btn.addEventListener("click", async () => {
    const sure = window.confirm(
      "Kode akses lama tidak akan berlaku lagi untuk Lacak Permohonan. Buat kode akses baru?"
    );
    if (!sure) return;
    const msg = $("#kode-msg");
    const shown = $("#kode-akses"); // this page's, whatever page is open when the answer comes
    msg.hidden = false;
    btn.disabled = true;
    try {
      const renewed = await post(`/applications/${encodeURIComponent(app.ticket_no)}/access-code`);
      shown.textContent = renewed.access_code;
      msg.className = "form-msg ok";
      msg.textContent = `Kode akses baru: ${renewed.access_code}. Kode lama tidak berlaku lagi.`;
    } catch (err) {
      msg.className = "form-msg error";
      msg.textContent = `Kode akses belum diganti: ${err.message}`;
    } finally {
      btn.disabled = false;
    }
  });
}

function skPanel(app) {
  const t = app.ticket || {};
  if (!(t.final && t.status_kind === "approved")) return "";
  return html`<section class="panel portal-sk"><h2>Surat Keputusan</h2>
    <p>Permohonan Anda telah selesai. SK telah ditandatangani secara elektronik (TTE) oleh Kepala DPMPTSP.</p>
    <button type="button" class="btn btn-green btn-lg" id="unduh-sk">Unduh SK</button>
    <p class="form-msg" id="sk-msg" role="status"></p></section>`;
}

function wireSk(app) {
  const btn = $("#unduh-sk");
  if (!btn) return;
  btn.addEventListener("click", async () => {
    try {
      const { answer, opened } = await openInNewTab(`/tickets/${encodeURIComponent(app.ticket_no)}/sk`);
      if (!opened) location.href = answer.url;
    } catch (err) {
      $("#sk-msg").textContent = err.message;
    }
  });
}
