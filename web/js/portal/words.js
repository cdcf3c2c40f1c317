// A status as an applicant reads it: the workflow's words, with a gloss where the words are
// the officials' shorthand, and a colour from the API's status_kind.

import { html } from "../html.js";

const KIND = { approved: "ok", rejected: "danger", returned: "warn" };
// the officials' shorthand → what it means to the applicant (DOMAIN-SIAPNLOSS §7)
const GLOSS = {
  "DRAFT PERMOHONAN": "Sudah diajukan; menunggu pemeriksaan petugas Front End",
  "SIAP DS": "Menunggu Tanda Tangan Elektronik Kepala DPMPTSP",
};

/** "SIAP DS" → "SIAP DS — Menunggu Tanda Tangan Elektronik Kepala DPMPTSP"; others as they are. */
export const statusWords = (status) => (GLOSS[status] ? `${status} — ${GLOSS[status]}` : status || "-");

/** The status badge of a row or an application. */
export function statusChip(a) {
  const cls = a.draft ? "draft" : KIND[a.status_kind] || "info";
  return html`<span class="status status-${cls}">${statusWords(a.status)}</span>`;
}
