// The checklist ("Daftar Persyaratan") as upload rows: each item wajib/opsional with its note,
// what is uploaded already, and a file input that uploads at once with its own progress bar.

import { post, uploadToPresigned } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatSize } from "../format.js";

const BY_EXTENSION = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };
const short = (mime) => (mime.split("/").pop() === "jpeg" ? "JPG" : mime.split("/").pop().toUpperCase());
/** ["application/pdf", "image/jpeg"] → "PDF/JPG". */
export const formatsText = (formats) => [...new Set((formats || []).map(short))].join("/");

function accept(formats) {
  const ext = Object.entries(BY_EXTENSION).filter(([, m]) => (formats || []).includes(m)).map(([e]) => `.${e}`);
  return [...(formats || []), ...ext].join(",");
}

/** What is uploaded; nothing yet is a fault only for a required document. */
const uploadedList = (files, required, editable = true) => {
  if (!files.length) {
    if (required) return html`<p class="portal-doc-none">Belum diunggah.</p>`;
    const text = editable ? "Tidak wajib; unggah bila ada." : "Tidak diunggah (tidak wajib).";
    return html`<p class="portal-doc-optional muted">${text}</p>`;
  }
  return html`<ul class="portal-doc-files">${files.map(
    (f) => html`<li>✓ ${f.filename} <span class="muted">(${formatSize(f.size)})</span></li>`
  )}</ul>`;
};

/** One item's row; item: {kind, label, required, note, formats, max_bytes, uploaded}. */
export function docRow(item, { editable = true } = {}) {
  const id = `dok-${item.kind}`;
  const done = (item.uploaded || []).length > 0;
  const kind = [done ? "done" : "", item.required ? "" : "optional"].join(" ");
  return html`<li class="portal-doc ${kind}" data-kind="${item.kind}">
    <div class="portal-doc-head">
      <strong>${item.label}</strong>
      <span class="tag ${item.required ? "tag-required" : "tag-optional"}">${item.required ? "Wajib" : "Opsional"}</span>
    </div>
    ${item.note ? html`<small class="muted">${item.note}</small>` : ""}
    <div id="${id}-files">${uploadedList(item.uploaded || [], item.required, editable)}</div>
    ${editable
      ? html`<div class="portal-doc-pick">
          <label class="btn btn-sm ${done ? "btn-secondary" : "btn-primary"}" for="${id}">${done ? "Ganti Berkas" : "Unggah"}</label>
          <input type="file" id="${id}" class="sr-only" data-kind="${item.kind}" accept="${accept(item.formats)}"
            aria-label="Unggah ${item.label}">
          <span class="muted small">${formatsText(item.formats)}, maks.&nbsp;${Math.round((item.max_bytes || 10485760) / 1048576)}&nbsp;MB</span>
        </div>
        <div class="progress-row" id="${id}-progress-row" hidden>
          <progress id="${id}-progress" max="100" value="0" aria-label="Kemajuan unggahan ${item.label}"></progress>
          <span id="${id}-percent">0%</span>
        </div>
        <p class="form-msg" id="${id}-status" role="status" aria-live="polite"></p>`
      : ""}
  </li>`;
}

function contentType(file, formats) {
  if ((formats || []).includes(file.type)) return file.type;
  const ext = (file.name.split(".").pop() || "").toLowerCase();
  return BY_EXTENSION[ext] || file.type || "application/octet-stream";
}

function problem(file, item) {
  const type = contentType(file, item.formats);
  if (item.formats && item.formats.length && !item.formats.includes(type)) {
    return `Berkas harus berformat ${formatsText(item.formats)}.`;
  }
  if (!file.size) return "Berkas kosong.";
  const max = item.max_bytes || 10485760;
  if (file.size > max) return `Ukuran berkas ${formatSize(file.size)} melebihi batas ${Math.round(max / 1048576)} MB.`;
  return null;
}

/** Upload one file as an item's document; resolves with the confirmed document. */
export async function uploadDocument(ticketNo, item, file, onProgress) {
  const base = `/tickets/${encodeURIComponent(ticketNo)}/documents`;
  const grant = await post(base, {
    kind: item.kind,
    filename: file.name.slice(-200),
    content_type: contentType(file, item.formats),
    size: file.size,
  });
  await uploadToPresigned(grant.upload, file, onProgress);
  return post(`${base}/${encodeURIComponent(grant.id)}/confirm`);
}

/**
 * Wire the rows inside root: items by kind; onUploaded(kind, document) after each accepted file.
 */
export function wireChecklist(root, ticketNo, items, onUploaded) {
  const byKind = Object.fromEntries(items.map((i) => [i.kind, i]));
  root.addEventListener("change", async (e) => {
    const input = e.target.closest("input[type=file][data-kind]");
    if (!input || !input.files[0]) return;
    const item = byKind[input.dataset.kind];
    const file = input.files[0];
    const id = `dok-${item.kind}`;
    const status = $(`#${id}-status`, root);
    const row = $(`#${id}-progress-row`, root);
    const say = (text, cls = "") => {
      status.className = `form-msg ${cls}`;
      status.textContent = text;
    };
    const bad = problem(file, item);
    input.value = "";
    if (bad) return say(bad, "error");
    const progress = (x) => {
      $(`#${id}-progress`, root).value = Math.round(x * 100);
      $(`#${id}-percent`, root).textContent = `${Math.round(x * 100)}%`;
    };
    row.hidden = false;
    progress(0);
    say(`Mengunggah ${file.name}…`);
    input.disabled = true;
    try {
      const doc = await uploadDocument(ticketNo, item, file, progress);
      say(`✓ Berkas diterima: ${doc.filename} (${formatSize(doc.size)}).`, "ok");
      render($(`#${id}-files`, root), uploadedList([doc], item.required));
      input.closest(".portal-doc").classList.add("done");
      onUploaded(item.kind, doc);
    } catch (err) {
      row.hidden = true;
      say(`Berkas ditolak: ${err.message}`, "error");
    } finally {
      input.disabled = false;
    }
  });
}
