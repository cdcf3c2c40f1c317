// Small pieces of markup shared by several screens.

import { html } from "./html.js";
import { icon } from "./icons.js";
import { statusClass } from "./catalog.js";

/** Columns of a ticket row, in the seed's words (lists and the notification page). */
export const TICKET_COLUMNS = [
  "Nomor Ticket",
  "Nama Pemohon",
  "Jenis Izin",
  "Tanggal Pengajuan",
  "Status Saat Ini",
  "Posisi",
];

/** A status as a coloured badge; row: the ticket (its status_kind) when there is one. */
export function statusBadge(status, row) {
  return html`<span class="status status-${statusClass(status, row)}">${status || "-"}</span>`;
}

/** The three per-ticket buttons (Detail, Lihat Peta, Track); navigation by data-go. */
export function ticketButtons(no, { detail = true, map = true, track = true, mapText = "Lihat Peta" } = {}) {
  const n = encodeURIComponent(no);
  return html`<span class="btn-group">
    ${detail ? html`<button type="button" class="btn btn-sm btn-primary" data-go="#/tiket/${n}">${icon("eye")}Detail</button>` : ""}
    ${map ? html`<button type="button" class="btn btn-sm btn-green" data-go="#/tiket/${n}/peta">${icon("map")}${mapText}</button>` : ""}
    ${track ? html`<button type="button" class="btn btn-sm btn-secondary" data-go="#/tiket/${n}/track">${icon("track")}Track</button>` : ""}
  </span>`;
}

/** Wire every [data-go] button inside root to navigate. */
export function wireGo(root) {
  root.addEventListener("click", (e) => {
    const b = e.target.closest("[data-go]");
    if (b && root.contains(b)) location.hash = b.dataset.go;
  });
}

/** Loading / error placeholders. */
export const loading = (what = "data") => html`<p class="muted loading">Memuat ${what}…</p>`;

/** Two letters for the avatar, without academic titles. */
export function initials(name) {
  return (
    String(name || "?")
      .replace(/^(Ir|Dr|Dra|Drs|Prof|H|Hj)\.\s*/i, "")
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0].toUpperCase())
      .join("") || "?"
  );
}

/**
 * The agency's emblem (its short name, e.g. "ESDM"): a circle whose text is fitted by SVG
 * (textLength), so it never spills out of its circle whatever the font size the PC uses.
 */
export function emblem(text = "", cls = "emblem") {
  return html`<svg class="${cls}" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
    <circle cx="24" cy="24" r="22" class="emblem-ring"></circle>
    <circle cx="24" cy="24" r="19" class="emblem-disc"></circle>
    <text x="24" y="28.2" text-anchor="middle" textLength="28" lengthAdjust="spacingAndGlyphs"
      class="emblem-text">${text}</text>
  </svg>`;
}

