// Track (#/tiket/{no}/track): timeline of every step of a ticket.

import { get } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatDate, formatDateTime, formatDuration, formatNumber, secondsSince } from "../format.js";
import { statusBadge, ticketButtons, wireGo } from "../ui.js";
import { decisionsSentTo, outcome, roleSees, workflowOf } from "../catalog.js";

/** A corrected value as people read it: "235,5", "1.250", "(kosong)". */
function correctedValue(v) {
  if (v === null || v === undefined || v === "") return "(kosong)";
  if (typeof v !== "number") return String(v);
  const [whole, fraction] = String(v).split(".");
  return fraction ? `${formatNumber(whole)},${fraction}` : formatNumber(whole);
}

/** What the applicant corrected at AJUKAN ULANG, field by field (a parcel: redrawn). */
function corrections(list) {
  if (!list || !list.length) return "";
  return html`<div class="tl-note tl-corrected"><dt>Data diperbaiki</dt><dd><ul>${list.map(
    (c) => html`<li><strong>${c.title}</strong>: ${"before" in c
      ? html`${correctedValue(c.before)} → ${correctedValue(c.after)}`
      : "digambar ulang"}</li>`
  )}</ul></dd></div>`;
}

const KIND_LABEL = {
  ARRIVAL: "Diterima",
  DECISION: "Keputusan",
  OVERDUE: "Melewati batas waktu",
  FINAL: "Keputusan akhir",
  WAITING: "Posisi saat ini",
};

export async function show(ctx) {
  const [no] = ctx.params;
  ctx.setTitle(`Track ${no}`);
  render(ctx.el, html`<h1>Track — Nomor Ticket ${no}</h1><p class="muted">Memuat riwayat…</p>`);
  const data = await get(`/tickets/${encodeURIComponent(no)}/track`);
  if (!ctx.isCurrent()) return;
  const t = data.ticket || {};
  const items = data.items || [];

  render(
    ctx.el,
    html`
    <div class="page-head with-actions">
      <h1>Track — Nomor Ticket ${t.ticket_no || no}</h1>
      <div id="head-actions">${ticketButtons(no, { track: false })}</div>
    </div>
    <section class="panel summary-strip">
      <dl class="inline-dl">
        <div><dt>Nama Pemohon</dt><dd>${t.applicant_name}</dd></div>
        <div><dt>Jenis Izin</dt><dd>${t.permit_label}</dd></div>
        <div><dt>Tanggal Pengajuan</dt><dd>${formatDate(t.submitted_at)}</dd></div>
        <div><dt>Wilayah</dt><dd>${t.region}</dd></div>
        <div><dt>Status Saat Ini</dt><dd>${statusBadge(t.status, t)}</dd></div>
        <div><dt>Posisi</dt><dd>${t.position}</dd></div>
      </dl>
    </section>
    <section aria-labelledby="h-riwayat">
      <h2 id="h-riwayat" class="section-title">Riwayat Proses Persetujuan</h2>
      ${items.length
        ? html`<ol class="timeline" id="timeline">${items.map((i) => item(i, t))}</ol>`
        : html`<p>Belum ada riwayat.</p>`}
    </section>`
  );
  wireGo($("#head-actions"));

  // the open step's waiting time keeps counting
  const live = $("[data-since]");
  const timer = live
    ? setInterval(() => {
        live.textContent = formatDuration(secondsSince(live.dataset.since));
      }, 1000)
    : null;
  return () => timer && clearInterval(timer);
}

function who(i) {
  if (!i.actor_name && !i.role_label) return "-";
  if (!i.actor_name) return i.role_label;
  if (!i.role_label || i.role_label === "-" || i.actor_name.includes(i.role_label)) return i.actor_name;
  return `${i.actor_name} (${i.role_label})`;
}

/** "Diterima dari PTSP": the workflow's intake source when it declares one. */
function kindLabel(kind, t, i = {}) {
  const w = workflowOf(t);
  const source = w && w.intake && w.intake.source_label;
  // the source as it is written ("SIAP n LOSS"), not in the label's capitals
  if (kind === "ARRIVAL" && source) return html`${KIND_LABEL.ARRIVAL} dari <span class="as-written">${source}</span>`;
  // an applicant's own step (AJUKAN ULANG, UPLOAD BUKTI BAYAR) is no official's decision
  if (kind === "DECISION" && i.role && roleSees(i.role) === "own") return "Tindakan Pemohon";
  return KIND_LABEL[kind] || kind;
}

function item(i, t) {
  const kind = i.kind || "DECISION";
  if (kind === "WAITING") {
    return html`<li class="tl-item tl-waiting" data-kind="WAITING">
      <span class="tl-dot" aria-hidden="true"></span>
      <div class="tl-body">
        <p class="tl-kind">${KIND_LABEL.WAITING}</p>
        <p class="tl-title">Sedang menunggu ${i.role_label || "-"}</p>
        <p>${statusBadge(i.status)}</p>
        <dl class="tl-meta">
          <div><dt>Sejak</dt><dd>${formatDateTime(i.entered_at)}</dd></div>
          <div><dt>Lama menunggu</dt><dd><span data-since="${i.entered_at}">${formatDuration(i.duration_seconds)}</span></dd></div>
        </dl>
      </div></li>`;
  }
  if (kind === "FINAL") {
    const sentTo = decisionsSentTo(t);
    return html`<li class="tl-item tl-final tl-${outcome(i.status) === "rejected" ? "danger" : "ok"}" data-kind="FINAL">
      <span class="tl-dot" aria-hidden="true"></span>
      <div class="tl-body">
        <p class="tl-kind">${KIND_LABEL.FINAL}</p>
        <p class="tl-title">${i.status}</p>
        ${sentTo ? html`<p class="muted">Keputusan dikirim ke ${sentTo}.</p>` : ""}
        <dl class="tl-meta"><div><dt>Waktu</dt><dd>${formatDateTime(i.entered_at)}</dd></div></dl>
      </div></li>`;
  }
  return html`<li class="tl-item tl-${kind.toLowerCase()}" data-kind="${kind}">
    <span class="tl-dot" aria-hidden="true"></span>
    <div class="tl-body">
      <p class="tl-kind">${kindLabel(kind, t, i)}</p>
      ${i.result ? "" : html`<p>${statusBadge(i.status)}</p>`}
      <dl class="tl-meta">
        ${i.action ? html`<div><dt>Tindakan</dt><dd><strong>${i.action}</strong></dd></div>` : ""}
        ${i.result ? html`<div><dt>Hasil</dt><dd>${statusBadge(i.result)}</dd></div>` : ""}
        <div><dt>Oleh</dt><dd>${who(i)}</dd></div>
        ${i.note ? html`<div class="tl-note"><dt>${i.reason_required ? "Alasan" : "Catatan"}</dt><dd class="note">${i.note}</dd></div>` : ""}
        ${corrections(i.corrected)}
        <div><dt>Masuk</dt><dd>${formatDateTime(i.entered_at)}</dd></div>
        ${i.left_at && i.left_at !== i.entered_at
          ? html`<div><dt>${kind === "OVERDUE" ? "Batas waktu" : "Diputuskan"}</dt><dd>${formatDateTime(i.left_at)}</dd></div>`
          : ""}
        ${kind === "ARRIVAL" ? "" : html`<div><dt>Lama menunggu</dt><dd>${formatDuration(i.duration_seconds)}</dd></div>`}
      </dl>
    </div></li>`;
}
