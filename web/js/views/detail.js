// Detail (#/tiket/{no}): every piece of ticket data and, when it is my turn, the decision form.

import { api, get, openInNewTab } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatDate, formatDateLong, formatDateTime } from "../format.js";
import {
  decisionsSentTo,
  documentLabel,
  formSchema,
  outcome,
  roleSees,
  statusClass,
  workflowOf,
} from "../catalog.js";
import { icon } from "../icons.js";
import { statusBadge, ticketButtons, wireGo } from "../ui.js";
import { decisionForm, signingForm, wireDecision } from "./decision.js";
import { documentsOfKind, documentsTable, openDocument, safeUrl } from "./documents.js";
import { displayValue, polygonSummary } from "./formfields.js";
import { inSentence } from "./uploads.js";
import { decidedBy } from "./decided.js";

export async function show(ctx) {
  const [no] = ctx.params;
  ctx.setTitle(`Detail Izin ${no}`);
  render(ctx.el, html`<h1>Detail Izin — Nomor Ticket ${no}</h1><p class="muted">Memuat data izin…</p>`);
  const ticket = await get(`/tickets/${encodeURIComponent(no)}`);
  if (!ctx.isCurrent()) return;
  const view = { ctx, no, cleanup: [], application: await applicationOf(ticket) };
  if (!ctx.isCurrent()) return;
  paint(view, ticket);
  return () => view.cleanup.forEach((f) => f());
}

async function reload(view) {
  view.ctx.clearFlash();
  try {
    const t = await get(`/tickets/${encodeURIComponent(view.no)}`);
    view.application = await applicationOf(t);
    if (view.ctx.isCurrent()) paint(view, t);
  } catch (err) {
    if (view.ctx.isCurrent() && err.status !== 401) view.ctx.flash(err.message, "error");
  }
}

/** Right after a decision the next step is recorded a moment later (the workflow's message):
 * read the ticket again, a few times, until it is; the page then says whose turn it is without
 * a reload (the flash of the decision stays). */
function followNextStep(view) {
  view.follows = (view.follows || 0) + 1;
  if (view.follows > 10) return;
  const painted = view.painted;
  const timer = setTimeout(async () => {
    try {
      const t = await get(`/tickets/${encodeURIComponent(view.no)}`);
      const application = await applicationOf(t);
      // a reply to an older page never repaints a newer one (Muat Ulang, a decision form)
      if (!view.ctx.isCurrent() || view.painted !== painted) return;
      view.application = application;
      paint(view, t);
    } catch {
      /* the Muat Ulang button stays */
    }
  }, 250 * view.follows);
  view.cleanup.push(() => clearTimeout(timer));
}

/** Decided in the last two minutes: the next step is on its way, not stuck. */
function justDecided(last) {
  const at = last && Date.parse(last.decided_at);
  return Boolean(at) && Date.now() - at < 120000;
}

/** "625/REKOM/WIUP/09/2019" may break after a slash, never inside "2019" (a phone once
 * showed the year as "20" / "19"); copying it copies the number as it is. */
function breakable(value) {
  if (typeof value !== "string" || !value.includes("/")) return value;
  const parts = value.split("/");
  return parts.map((part, i) => (i < parts.length - 1 ? html`${part}/<wbr>` : part));
}

function row(label, value) {
  return html`<tr><th scope="row">${label}</th><td>${value === null || value === undefined || value === "" ? "-" : value}</td></tr>`;
}

function paint(view, t) {
  view.cleanup.forEach((f) => f());
  view.cleanup = [];
  view.painted = (view.painted || 0) + 1;
  const { ctx } = view;
  const p = t.pending;
  const docs = t.documents || [];
  const last = t.last_decision;
  // right after the last decision the ticket shows its final status before it is marked final
  const isFinal = t.final || (!p && outcome(t.status, t) !== "in_progress");

  render(
    ctx.el,
    html`
    <div class="page-head with-actions">
      <h1>Detail Izin — Nomor Ticket ${t.ticket_no}</h1>
      <div id="head-actions">${ticketButtons(t.ticket_no, { detail: false, mapText: "Peta Lokasi" })}
        ${signingForm(t) && (t.forms || {})[signingForm(t)] ? html`<button type="button" class="btn btn-sm btn-primary"
          id="btn-unduh-sk">${icon("doc")}${skSigned(t) ? "Unduh SK" : "Unduh Draf SK"}</button>` : ""}</div>
    </div>
    <div id="sk-msg" class="form-msg" role="status" aria-live="polite"></div>

    ${isFinal ? finalBanner(t) : statusStrip(t, view.application)}

    ${signHint(t)}

    ${reasonBox(last)}
    ${reasonBox(t.open_reason, "alasan-sebelumnya")}

    <div class="grid-2">${applicantPanel(t)}${permitPanel(t)}</div>

    ${applicationPanel(view.application)}

    ${intakePanel(t)}

    ${formPanels(t)}

    <section class="panel" aria-labelledby="h-dokumen">
      <h2 id="h-dokumen">Dokumen Unggahan</h2>
      <div id="doc-table">${documentsTable(docs, t)}</div>
      <div id="doc-msg" class="form-msg" role="status" aria-live="polite"></div>
    </section>

    ${p && p.my_turn && (p.options || []).length ? decisionForm(t) : !isFinal ? waitingPanel(t) : ""}`
  );

  wireGo($("#head-actions"));
  const sk = $("#btn-unduh-sk");
  if (sk) sk.addEventListener("click", () => openSk(t.ticket_no));
  ctx.el.addEventListener("click", onDocClick);
  view.cleanup.push(() => ctx.el.removeEventListener("click", onDocClick));
  const rl = $("#reload-detail");
  if (rl) rl.addEventListener("click", () => reload(view));
  if (!p && !isFinal && justDecided(last)) followNextStep(view);
  else view.follows = 0;
  if (p && p.my_turn && (p.options || []).length) {
    wireDecision(view, t, { paint: (d) => paint(view, d), reload: () => reload(view) });
  }

  function onDocClick(e) {
    const b = e.target.closest("[data-doc]");
    if (b) openDocument(t.ticket_no, b.dataset.doc);
  }
}

/** Data Pemohon. */
function applicantPanel(t) {
  const a = t.applicant || {};
  return html`<section class="panel" aria-labelledby="h-pemohon">
        <h2 id="h-pemohon">Data Pemohon</h2>
        <table class="kv"><tbody>
          ${row("Nama Pemohon", a.name || t.applicant_name)}
          ${row("Perusahaan", a.company)}
          ${row("NIK", a.nik)}
          ${row("Email", a.email)}
          ${row("Nomor Telepon", a.phone)}
        </tbody></table>
      </section>`;
}

/** Data Izin: the ticket, its status, and the last decision when it gave no reason. */
function permitPanel(t) {
  const p = t.pending;
  const last = t.last_decision;
  return html`<section class="panel" aria-labelledby="h-izin">
        <h2 id="h-izin">Data Izin</h2>
        <table class="kv"><tbody>
          ${row("Nomor Ticket", t.ticket_no)}
          ${row("Jenis Izin", t.permit_label)}
          ${row("Tanggal Pengajuan", formatDate(t.submitted_at))}
          ${row("Wilayah", t.region)}
          ${row("Status Saat Ini", statusBadge(t.status, t))}
          ${row("Posisi", t.position)}
          ${p ? row("Menunggu sejak", formatDateTime(p.entered_at)) : ""}
          ${last && !last.note
            ? row(
                "Keputusan terakhir",
                html`<strong>${last.action}</strong><br><span class="muted">${decidedBy(last)}</span>`
              )
            : ""}
          ${t.final ? row("Tanggal keputusan akhir", formatDateTime(t.decided_at)) : ""}
        </tbody></table>
      </section>`;
}

/** "dikirim ke PTSP (SIAP Jateng)", for a workflow that sends its decisions somewhere. */
function sentTo(t) {
  const to = decisionsSentTo(t);
  if (!to) return "";
  return t.final ? `dikirim ke ${to}` : `sedang dikirim ke ${to}`;
}

/** The final decision, where it was sent. */
function finalBanner(t) {
  return html`<div class="final-banner final-${statusClass(t.status, t)}" id="status-akhir">
    <span class="final-label">Keputusan akhir</span>
    <strong class="final-status">${t.status}</strong>
    <span>${[
      t.decided_at ? `Diputuskan ${formatDateTime(t.decided_at)}` : "",
      sentTo(t),
    ].filter(Boolean).join(" · ")}</span>
  </div>`;
}

/** Status, position, the service time left and whose turn it is. */
function statusStrip(t, application) {
  const p = t.pending;
  const time = application && application.service_time;
  return html`<div class="status-strip" id="status-strip">
    <div><span class="muted">Status Saat Ini</span> ${statusBadge(t.status, t)}</div>
    <div><span class="muted">Posisi</span> <strong>${t.position}</strong></div>
    ${time ? serviceTime(time) : ""}
    <div class="${p && p.my_turn ? "turn-mine" : "turn-other"}" id="giliran">${
      p && p.my_turn ? "Giliran Anda untuk memproses izin ini." : `Menunggu: ${p ? waitingFor(p, t) : t.position}`
    }</div>
  </div>`;
}

/** Proses Persetujuan when it is someone else's turn (or the next step is being recorded). */
function waitingPanel(t) {
  const p = t.pending;
  return html`<section class="panel waiting" aria-labelledby="h-proses" id="panel-proses">
    <h2 id="h-proses">Proses Persetujuan</h2>
    ${p
      ? html`<p class="waiting-text">Menunggu: <strong>${waitingFor(p, t)}</strong></p>
          <p class="muted">Status ${p.status} sejak ${formatDateTime(p.entered_at)}. Anda tidak dapat
            memproses izin ini pada langkah ini.</p>`
      : html`<p class="waiting-text">Menunggu: <strong>${t.position}</strong></p>
          <p class="muted">Keputusan terakhir sudah tercatat; langkah berikutnya sedang disiapkan sistem.
            <button type="button" class="btn btn-sm btn-secondary" id="reload-detail">Muat Ulang</button></p>`}
  </section>`;
}

/** The saved forms of the ticket (e.g. Rekomendasi Teknis), each with its documents. */
function formPanels(t) {
  return Object.entries(t.forms || {}).map(([name, data]) => {
    const schema = formSchema(name, t);
    return schema && data ? formPanel(t, name, schema, data) : "";
  });
}

/** One form's panel: a row per property (dates written long), then its declared documents. */
function formPanel(t, name, schema, data) {
  const p = t.pending;
  const fillsIt = p && (p.options || []).some((o) => ((o.requires || {}).forms || []).includes(name));
  const title = schema.title || name;
  return html`<section class="panel form-data" aria-labelledby="h-form-${name}" id="panel-${name}">
    <h2 id="h-form-${name}">${title}</h2>
    ${p && p.my_turn && !fillsIt
      ? html`<p class="hint">Tinjau data ${inTitle(title)} berikut sebelum memutuskan.</p>`
      : ""}
    <table class="kv"><tbody>
      ${Object.entries(schema.properties || {}).map(([k, prop]) =>
        row(prop.title || k, prop.format === "date" ? formatDateLong(data[k]) : breakable(displayValue(prop, data[k])))
      )}
      ${(schema["x-documents"] || []).map((kind) =>
        row(documentLabel(kind, t), documentsOfKind(t.documents || [], kind))
      )}
    </tbody></table>
  </section>`;
}

/** "Rekomendasi DPUPR" → "rekomendasi DPUPR"; a name in title case stays as written. */
const inTitle = (text) => inSentence(String(text));

/** The documents the application came with, from its intake ("Dokumen dari PTSP"). */
function intakePanel(t) {
  const w = workflowOf(t);
  const source = w && w.intake && w.intake.source_label;
  if (!source) return "";
  const docs = t.ptsp_documents || [];
  // applications made in this system (portal, loket) bring their documents in Dokumen Unggahan
  if (!docs.length && (w.intake.channels || []).includes("portal")) return "";
  return html`<section class="panel" aria-labelledby="h-ptsp">
      <h2 id="h-ptsp">Dokumen dari ${source}</h2>
      ${docs.length
        ? html`<ul class="doc-links">${docs.map(
            (d) => html`<li><a href="${safeUrl(d.url)}" target="_blank" rel="noopener noreferrer">${d.name}</a></li>`
          )}</ul>`
        : html`<p class="muted">Tidak ada dokumen dari ${source}.</p>`}
    </section>`;
}

/** The SK is signed once the application ends approved (signing is its last decision);
 * before that officials download the drawn, unsigned one. */
const skSigned = (t) => !t.pending && t.status_kind === "approved";

function waitingFor(p, t) {
  return roleSees(p.role) === "region" && t.region ? `${p.role_label} (${t.region})` : p.role_label;
}

/** The reason of a decision where the next official decides (the last one, or an earlier
 * refusal not yet answered by whoever decides now); nothing without one. */
function reasonBox(last, id = "alasan-terakhir") {
  if (!last || !last.note) return "";
  const kind = last.reason_required ? "warn" : "info";
  return html`<section class="reason-box reason-${kind}" id="${id}" aria-labelledby="h-${id}">
    <h2 id="h-${id}" class="reason-head">${decidedBy(last)}</h2>
    <p class="reason-action">Keputusan: <strong>${last.action}</strong></p>
    <p class="reason-text"><span class="reason-label">Alasan:</span> ${last.note}</p>
  </section>`;
}

// ---------------------------------------------------------------- applications (portal, loket)

const services = {}; // workflow id → its public description (the application's JSON Schema)

/** The application behind a ticket of a workflow that takes applications (portal, loket):
 * {data, schema, service_time}; null for other workflows or when it cannot be read. */
async function applicationOf(t) {
  const w = workflowOf(t);
  const channels = (w && w.intake && w.intake.channels) || [];
  if (!channels.includes("portal") && !channels.includes("loket")) return null;
  try {
    const [a, service] = await Promise.all([
      get(`/applications/${encodeURIComponent(t.ticket_no)}`),
      serviceOf(t.workflow),
    ]);
    return { data: a.application || {}, schema: (service && service.application) || {}, service_time: a.service_time };
  } catch {
    return null;
  }
}

async function serviceOf(workflowId) {
  if (!(workflowId in services)) {
    services[workflowId] = api("GET", `/public/services/${encodeURIComponent(workflowId)}`, { auth: false }).catch(
      () => null
    );
  }
  return services[workflowId];
}

/** "Sisa Waktu Layanan: 12 hari kerja", red when overdue, with the deadline; before the
 * application is accepted the clock has not started, and says so. */
function serviceTime(st) {
  if (!st.started) {
    return html`<div class="service-time" id="sisa-waktu">
      <span class="muted">Sisa Waktu Layanan (hari kerja)</span>
      <strong>Belum berjalan</strong>
      <small>${st.budget} hari kerja, dihitung sejak permohonan diterima lengkap.</small>
    </div>`;
  }
  const late = st.overdue > 0;
  return html`<div class="service-time ${late ? "late" : ""}" id="sisa-waktu">
    <span class="muted">Sisa Waktu Layanan (hari kerja)</span>
    <strong>${late ? `Terlambat ${st.overdue} hari kerja` : `${st.left} hari kerja`}</strong>
    ${st.paused ? html`<small>Dihentikan sementara selama menunggu pemohon.</small>` : ""}
    ${st.deadline && !st.paused ? html`<small>Batas: ${formatDateLong(st.deadline)}</small>` : ""}
  </div>`;
}

/** Data Permohonan: what the applicant filled in, labelled by the application's schema. */
function applicationPanel(a) {
  if (!a) return "";
  const props = Object.entries(a.schema.properties || {});
  const shown = props.length ? props : Object.keys(a.data).map((k) => [k, { title: k }]);
  return html`<section class="panel" aria-labelledby="h-permohonan" id="panel-permohonan">
    <h2 id="h-permohonan">Data Permohonan</h2>
    <table class="kv"><tbody>
      ${shown.map(([k, prop]) => row(prop.title || k, applicationValue(prop, a.data[k])))}
      ${a.data.luas_poligon !== undefined && !(a.schema.properties || {}).luas_poligon
        ? row("Luas Poligon (m²)", displayValue({ type: "number" }, a.data.luas_poligon))
        : ""}
    </tbody></table>
  </section>`;
}

function applicationValue(prop, value) {
  if (value && typeof value === "object" && value.type) return polygonSummary(value);
  if (prop.format === "date") return formatDateLong(value);
  return displayValue(prop, value);
}

/** Kepala signs several decrees at once on the signing screen. */
function signHint(t) {
  const p = t.pending;
  const signs = p && p.my_turn && (p.options || []).some((o) => (o.requires || {}).signature === true);
  if (!signs) return "";
  return html`<p class="sign-hint" id="sign-hint">Tandatangani beberapa SK sekaligus di
    <a href="#/tanda-tangan">Tanda Tangan Elektronik</a>.</p>`;
}

/** The decree (drawn or signed) in a new tab. */
async function openSk(ticketNo) {
  const msg = $("#sk-msg");
  try {
    const { answer: r, opened } = await openInNewTab(`/tickets/${encodeURIComponent(ticketNo)}/sk`);
    msg.className = "form-msg";
    msg.textContent = "";
    if (!opened) render(msg, html`SK siap: <a href="${safeUrl(r.url)}" target="_blank" rel="noopener noreferrer">buka SK</a>.`);
  } catch (err) {
    msg.className = "form-msg error";
    msg.textContent = err.message;
  }
}
