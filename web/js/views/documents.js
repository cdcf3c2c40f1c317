// The uploaded documents of a ticket: the current letter first, letters it replaced below it,
// greyed as "Digantikan" (history an official may still open, never mistaken for the valid one).

import { openInNewTab } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatDateTime, formatSize } from "../format.js";
import { documentLabel } from "../catalog.js";

/** Who uploaded it: the official's name when the API gives it, else the account's email. */
export function uploader(d) {
  return d.uploaded_by_name || d.uploaded_by || "-";
}

const isSuperseded = (d) => d.current === false || !!d.superseded_at;

/** In force, superseded (since when), or uploaded for a decision not saved yet. */
function keterangan(d, old) {
  if (old) return html`Digantikan <span class="nowrap">${formatDateTime(d.superseded_at)}</span>`;
  return d.awaiting_decision ? "Belum disimpan dalam keputusan" : "Berlaku";
}

function docRow(d, ticket) {
  const old = isSuperseded(d);
  return html`<tr data-document="${d.id}" class="${old ? "superseded" : ""}">
    <td data-label="Nama Berkas">${d.filename}${old ? html` <span class="tag tag-old">Digantikan</span>` : ""}</td>
    <td data-label="Jenis">${documentLabel(d.kind, ticket)}</td>
    <td data-label="Ukuran">${formatSize(d.size)}</td>
    <td data-label="Diunggah">${formatDateTime(d.uploaded_at)}</td>
    <td data-label="Oleh">${uploader(d)}</td>
    <td data-label="Keterangan">${keterangan(d, old)}</td>
    <td data-label="Aksi"><button type="button" class="btn btn-sm btn-secondary" data-doc="${d.id}">Buka</button></td>
  </tr>`;
}

/** The documents table (current ones, then the superseded history); kinds labelled as the
 * ticket's workflow declares them. */
export function documentsTable(docs, ticket) {
  if (!docs.length) return html`<p class="muted">Belum ada dokumen yang diunggah.</p>`;
  const ordered = docs.filter((d) => !isSuperseded(d)).concat(docs.filter(isSuperseded));
  return html`<div class="table-wrap"><table class="data responsive" id="tabel-dokumen">
    <thead><tr><th scope="col">Nama Berkas</th><th scope="col">Jenis</th><th scope="col">Ukuran</th>
      <th scope="col">Diunggah</th><th scope="col">Oleh</th><th scope="col">Keterangan</th><th scope="col">Aksi</th></tr></thead>
    <tbody>${ordered.map((d) => docRow(d, ticket))}</tbody></table></div>`;
}

/** The documents of one kind inline in a form's panel: current first. */
export function documentsOfKind(docs, kind) {
  const letters = docs.filter((d) => d.kind === kind);
  if (!letters.length) return "-";
  const ordered = letters.filter((d) => !isSuperseded(d)).concat(letters.filter(isSuperseded));
  return html`${ordered.map(
    (d) => html`<div class="doc-inline ${isSuperseded(d) ? "superseded" : ""}">${d.filename}
      ${isSuperseded(d) ? html`<span class="tag tag-old">Digantikan</span>` : ""}
      <button type="button" class="btn btn-sm btn-secondary" data-doc="${d.id}">Buka</button></div>`
  )}`;
}

export function safeUrl(u) {
  return /^https?:\/\//i.test(String(u || "")) ? u : "#";
}

/** Open a document in a new tab through its short-lived link; errors go to #doc-msg. */
export async function openDocument(ticketNo, docId) {
  const msg = $("#doc-msg");
  try {
    const path = `/tickets/${encodeURIComponent(ticketNo)}/documents/${encodeURIComponent(docId)}`;
    const { answer: r, opened } = await openInNewTab(path);
    msg.className = "form-msg";
    msg.textContent = "";
    if (!opened) {
      render(msg, html`Dokumen siap: <a href="${safeUrl(r.url)}" target="_blank" rel="noopener noreferrer">buka ${r.filename || "dokumen"}</a> (tautan berlaku 5 menit).`);
    }
  } catch (err) {
    msg.className = "form-msg error";
    msg.textContent = err.message;
  }
}
