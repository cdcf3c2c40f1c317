// One file input per document kind an option requires (label, formats and size from the
// workflow's `documents`), uploaded at once through a presigned POST with progress.

import { get, post, uploadToPresigned } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatSize } from "../format.js";
import { documentsTable } from "./documents.js";

const DEFAULT_MAX = 10 * 1024 * 1024;
const NO_FILE = "Belum ada berkas dipilih.";

/** A label inside a sentence: "Surat rekomendasi …" → "surat rekomendasi …"; a name in title
 * case ("Berita Acara Pemeriksaan") and "PDF" stay as written. */
export function inSentence(text) {
  const words = String(text || "").split(" ");
  const sentenceCase = words.slice(1).every((w) => !/^[A-Z][a-z]/.test(w));
  const first = words[0] || "";
  if (!sentenceCase || !/^[A-Z][a-z]/.test(first)) return words.join(" ");
  return [first.charAt(0).toLowerCase() + first.slice(1), ...words.slice(1)].join(" ");
}

const subtype = (mime) => String(mime).split("/").pop();
/** ["application/pdf"] → "PDF"; ["image/png", "image/jpeg"] → "PNG/JPEG". */
const formatsText = (formats) => formats.map((f) => subtype(f).toUpperCase()).join("/");
const extensions = (formats) =>
  formats.flatMap((f) => (subtype(f) === "jpeg" ? [".jpg", ".jpeg"] : [`.${subtype(f)}`]));
const formatsOf = (doc) => (doc.formats && doc.formats.length ? doc.formats : ["application/pdf"]);

/** The label of a document kind's file input, e.g. "Unggah surat rekomendasi teknis …". */
export const uploadLabel = (doc) => `Unggah ${inSentence(doc.label)}`;

/** The label and the upload control of one document kind (a row of the form grid). */
export function uploadRow(kind, doc) {
  const id = `berkas-${kind}`;
  const formats = formatsOf(doc);
  return html`<label for="${id}" data-doc-row="${kind}">${uploadLabel(doc)}</label>
    <div class="upload" data-doc-row="${kind}">
      <div class="file-pick">
        <input id="${id}" name="berkas" type="file" accept="${formats.concat(extensions(formats)).join(",")}"
          class="file-input" data-kind="${kind}" aria-describedby="${id}-nama">
        <span class="btn btn-secondary file-button" aria-hidden="true">Pilih Berkas ${formatsText(formats)}</span>
        <span id="${id}-nama" class="muted file-name">${NO_FILE}</span>
      </div>
      <div class="progress-row" id="${id}-progress-row" hidden>
        <progress id="${id}-progress" max="100" value="0" aria-label="Kemajuan unggahan"></progress>
        <span id="${id}-percent">0%</span>
      </div>
      <p id="${id}-status" class="form-msg" role="status" aria-live="polite"></p>
    </div>`;
}

/** Which upload rows are shown: those of the document kinds the chosen option requires. */
export function showUploads(root, kinds) {
  root.querySelectorAll("[data-doc-row]").forEach((el) => {
    el.hidden = !kinds.includes(el.dataset.docRow);
  });
}

/** Why a file cannot be uploaded as this kind; null when it may be. */
function fileProblem(file, doc) {
  const formats = formatsOf(doc);
  const ext = (file.name.match(/\.[^.]+$/) || [""])[0].toLowerCase();
  if (!formats.includes(file.type) && !extensions(formats).includes(ext)) {
    return `Berkas harus berformat ${formatsText(formats)}.`;
  }
  if (file.size === 0) return "Berkas kosong.";
  const max = doc.max_bytes || DEFAULT_MAX;
  if (file.size > max) {
    return `Ukuran berkas ${formatSize(file.size)} melebihi batas ${Math.round(max / 1048576)} MB.`;
  }
  return null;
}

function progressOf(id) {
  return (x) => {
    $(`#${id}-progress`).value = Math.round(x * 100);
    $(`#${id}-percent`).textContent = `${Math.round(x * 100)}%`;
  };
}

/** Ask for a slot, send the file, have the server check it; returns the document. */
async function send(ticketNo, kind, doc, file, progress) {
  const base = `/tickets/${encodeURIComponent(ticketNo)}/documents`;
  const grant = await post(base, {
    kind,
    filename: file.name.slice(-200),
    content_type: formatsOf(doc).includes(file.type) ? file.type : formatsOf(doc)[0],
    size: file.size,
  });
  await uploadToPresigned(grant.upload, file, progress);
  return { base, grant };
}

/**
 * Upload the file chosen for a kind. hooks: {busy(boolean), done(documentId|null)}.
 */
export async function uploadFile(ticketNo, kind, doc, file, hooks) {
  const id = `berkas-${kind}`;
  const status = $(`#${id}-status`);
  const row = $(`#${id}-progress-row`);
  const say = (text, cls) => {
    status.className = `form-msg ${cls || ""}`;
    status.textContent = text;
  };
  $(`#${id}-nama`).textContent = file ? file.name : NO_FILE;
  hooks.done(null);
  if (!file) return;
  const problem = fileProblem(file, doc);
  if (problem) return say(problem, "error");
  hooks.busy(true);
  row.hidden = false;
  progressOf(id)(0);
  say(`Mengunggah ${file.name}…`, "");
  const input = $(`#${id}`);
  input.disabled = true;
  try {
    const { base, grant } = await send(ticketNo, kind, doc, file, progressOf(id));
    say("Memeriksa berkas di server…", "");
    const confirmed = await post(`${base}/${encodeURIComponent(grant.id)}/confirm`);
    hooks.done(confirmed.id);
    say(`✓ Berkas diterima: ${confirmed.filename} (${formatSize(confirmed.size)}).`, "ok");
    refreshTable(ticketNo);
  } catch (err) {
    row.hidden = true;
    say(`Berkas ditolak: ${err.message}`, "error");
  } finally {
    input.disabled = false;
    hooks.busy(false);
  }
}

/** Show it in Dokumen Unggahan too; a failed refresh does not undo the upload. */
function refreshTable(ticketNo) {
  get(`/tickets/${encodeURIComponent(ticketNo)}`)
    .then((fresh) => render($("#doc-table"), documentsTable(fresh.documents || [], fresh)))
    .catch(() => {});
}
