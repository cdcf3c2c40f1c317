// The decision form of the detail page (Perubahan Status, rekomtek, Alasan, LIHAT PETA, CHECK,
// SIMPAN). What is typed is kept as a draft in sessionStorage per ticket and step, so a session
// that ends (or a reload) does not throw away a half-filled rekomtek.

import { get, post, uploadToPresigned } from "../api.js";
import { html, render, $, $$ } from "../html.js";
import { formatSize } from "../format.js";
import { drawLocation } from "../map.js";
import { dateField, isoToField, wireDateField } from "../datefield.js";
import { documentsTable } from "./documents.js";

const MAX_PDF = 10 * 1024 * 1024;
const STALE_MESSAGE =
  "Izin ini sudah diproses oleh pengguna lain. Muat ulang untuk melihat status terbaru.";
const DRAFT_FIELDS = ["perubahan-status", "nomor-rekomtek", "tanggal-surat", "masa-berlaku", "jangka-waktu", "catatan"];
const REKOMTEK_FIELDS = [
  ["nomor-rekomtek", "nomor", "Nomor Rekomtek"],
  ["tanggal-surat", "tanggal_surat", "Tanggal Surat Rekomendasi Teknis"],
  ["masa-berlaku", "berlaku_sampai", "Masa Berlaku"],
  ["jangka-waktu", "jangka_waktu", "Jangka Waktu Izin"],
];
const FIELD_IDS = {
  action: "perubahan-status",
  checked: "btn-check",
  rekomtek: "nomor-rekomtek",
  "rekomtek.nomor": "nomor-rekomtek",
  "rekomtek.tanggal_surat": "tanggal-surat",
  "rekomtek.berlaku_sampai": "masa-berlaku",
  "rekomtek.jangka_waktu": "jangka-waktu",
  document_ids: "berkas-rekomtek",
  note: "catatan",
};

const draftKey = (t) => `etracking.draft.${t.ticket_no}.${t.pending.step}`;

function readDraft(t) {
  try {
    return JSON.parse(sessionStorage.getItem(draftKey(t)) || "null") || {};
  } catch {
    return {};
  }
}

/** Forget every draft of this ticket (its step is decided). */
export function dropDrafts(ticketNo) {
  Object.keys(sessionStorage)
    .filter((k) => k.startsWith(`etracking.draft.${ticketNo}.`))
    .forEach((k) => sessionStorage.removeItem(k));
}

const requires = (o) => (o && o.requires) || {};

/** Markup of the form; values come from the draft first, then from the ticket's rekomtek. */
export function decisionForm(t) {
  const p = t.pending;
  const r = t.rekomtek || {};
  const d = readDraft(t);
  const val = (id, fallback) => (d[id] !== undefined ? d[id] : fallback || "");
  return html`
  <section class="panel decision" aria-labelledby="h-proses" id="panel-proses">
    <h2 id="h-proses">Proses Persetujuan</h2>
    <p class="muted">Status saat ini: <strong>${p.status}</strong> — diproses oleh ${p.role_label}.</p>
    <form id="form-keputusan" novalidate>
      <div class="form-grid">
        <label for="perubahan-status">Perubahan Status</label>
        <div><select id="perubahan-status" name="action" required>
          <option value="">-- Pilih Salah Satu --</option>
          ${p.options.map((o) => html`<option value="${o.action}">${o.action}</option>`)}
        </select></div>
      </div>
      ${rekomtekFieldset(val, r)}
      <div class="form-grid">
        <label for="catatan" id="label-catatan"><span id="catatan-nama">Catatan</span>
          <span class="wajib" id="catatan-wajib" hidden>(wajib)</span></label>
        <div><textarea id="catatan" name="note" rows="3" maxlength="2000" aria-describedby="catatan-bantuan"
          placeholder="Opsional: keterangan keputusan">${val("catatan")}</textarea>
          <small class="muted" id="catatan-bantuan">Catatan tampil di Track izin ini.</small></div>
        <span class="label" id="label-peta">Peta</span>
        <div class="peta-row" role="group" aria-labelledby="label-peta">
          <button type="button" class="btn btn-green" id="btn-lihat-peta" aria-expanded="false"
            aria-controls="inline-map-box">LIHAT PETA</button>
          <button type="button" class="btn btn-check" id="btn-check" aria-pressed="false">CHECK</button>
        </div>
      </div>
      <div id="inline-map-box" class="inline-map-box" hidden>
        <div id="inline-map" class="map map-inline" role="region" aria-label="Peta lokasi tambang"></div>
        <p id="inline-map-note" class="map-note" hidden></p>
      </div>
      <p class="muted hint" id="check-hint">Klik CHECK setelah memeriksa detail izin dan peta, lalu klik SIMPAN.</p>
      <div id="keputusan-pesan" class="form-msg" role="alert" aria-live="assertive"></div>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary btn-lg" id="btn-simpan" disabled>SIMPAN</button>
      </div>
    </form>
  </section>`;
}

function rekomtekFieldset(val, r) {
  return html`<fieldset id="rekomtek-fields" class="rekomtek-fields" hidden>
    <legend>Data Rekomendasi Teknis</legend>
    <div class="form-grid">
      <label for="nomor-rekomtek">Nomor Rekomtek</label>
      <div><input id="nomor-rekomtek" name="nomor" type="text" maxlength="100"
        placeholder="625/REKOM/WIUP/09/2019" value="${val("nomor-rekomtek", r.nomor)}"></div>
      <label for="tanggal-surat">Tanggal Surat Rekomendasi Teknis</label>
      ${dateField({ id: "tanggal-surat", name: "tanggal_surat", value: val("tanggal-surat", isoToField(r.tanggal_surat)) })}
      <label for="masa-berlaku">Masa Berlaku</label>
      ${dateField({
        id: "masa-berlaku",
        name: "berlaku_sampai",
        value: val("masa-berlaku", isoToField(r.berlaku_sampai)),
        hint: "Tanggal akhir berlakunya rekomendasi teknis (hari-bulan-tahun).",
      })}
      <label for="jangka-waktu">Jangka Waktu Izin</label>
      <div><input id="jangka-waktu" name="jangka_waktu" type="text" maxlength="60" placeholder="1 Tahun"
        value="${val("jangka-waktu", r.jangka_waktu)}"></div>
      <label for="berkas-rekomtek">Unggah surat rekomendasi teknis lampiran peta (PDF)</label>
      <div class="upload">
        <div class="file-pick">
          <input id="berkas-rekomtek" name="berkas" type="file" accept="application/pdf,.pdf" class="file-input"
            aria-describedby="berkas-nama">
          <span class="btn btn-secondary file-button" aria-hidden="true">Pilih Berkas PDF</span>
          <span id="berkas-nama" class="muted file-name">Belum ada berkas dipilih.</span>
        </div>
        <div class="progress-row" id="upload-progress-row" hidden>
          <progress id="upload-progress" max="100" value="0" aria-label="Kemajuan unggahan"></progress>
          <span id="upload-percent">0%</span>
        </div>
        <p id="upload-status" class="form-msg" role="status" aria-live="polite"></p>
      </div>
    </div>
  </fieldset>`;
}

/**
 * Wire the form. hooks: {paint(ticket), reload()} of the detail page.
 * Returns nothing; cleanups are pushed onto view.cleanup.
 */
export function wireDecision(view, t, hooks) {
  const p = t.pending;
  const st = { checked: false, docId: null, uploading: false, map: null, saving: false, stale: false };
  const select = $("#perubahan-status");
  const draft = readDraft(t);
  if (draft["perubahan-status"] && p.options.some((o) => o.action === draft["perubahan-status"])) {
    select.value = draft["perubahan-status"];
  }
  const dates = { "tanggal-surat": wireDateField(view.ctx.el, "tanggal-surat"), "masa-berlaku": wireDateField(view.ctx.el, "masa-berlaku") };
  const option = () => p.options.find((o) => o.action === select.value) || null;
  const f = { p, st, option, dates, view, t, hooks };
  f.update = () => update(f);
  f.setMsg = (text, kind = "error") => {
    const msg = $("#keputusan-pesan");
    msg.className = `form-msg ${kind}`;
    msg.textContent = text;
  };

  const form = $("#form-keputusan");
  form.addEventListener("input", (e) => {
    if (e.target.hasAttribute("aria-invalid")) e.target.removeAttribute("aria-invalid");
    saveDraft(t);
  });
  select.addEventListener("change", () => {
    f.setMsg("", "");
    saveDraft(t);
    f.update();
  });
  $("#btn-check").addEventListener("click", () => toggleCheck(f));
  $("#btn-lihat-peta").addEventListener("click", (e) => toggleMap(f, e.currentTarget));
  view.cleanup.push(() => st.map && st.map.destroy());
  $("#berkas-rekomtek").addEventListener("change", (e) => {
    const file = e.target.files && e.target.files[0];
    st.docId = null;
    $("#berkas-nama").textContent = file ? file.name : "Belum ada berkas dipilih.";
    if (file) upload(f, file);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit(f);
  });
  f.update();
}

function saveDraft(t) {
  const d = {};
  DRAFT_FIELDS.forEach((id) => {
    const el = document.getElementById(id);
    if (el && el.value) d[id] = el.value;
  });
  sessionStorage.setItem(draftKey(t), JSON.stringify(d));
}

function update({ st, option }) {
  const req = requires(option());
  $("#rekomtek-fields").hidden = !(req.fields === "rekomtek" || (req.documents || []).length);
  const noteNeeded = req.note === true;
  $("#catatan-nama").textContent = noteNeeded ? "Alasan" : "Catatan";
  $("#catatan-wajib").hidden = !noteNeeded;
  $("#catatan").required = noteNeeded;
  $("#catatan").placeholder = noteNeeded
    ? "Tuliskan alasan keputusan ini; alasan dikirim kepada pejabat berikutnya."
    : "Opsional: keterangan keputusan";
  $("#catatan-bantuan").textContent = noteNeeded
    ? "Wajib diisi: alasan tampil di detail izin, notifikasi, dan Track."
    : "Catatan tampil di Track izin ini.";
  $("#btn-simpan").disabled = st.stale || !(st.checked && option()) || st.saving || st.uploading;
}

function toggleCheck(f) {
  const btn = $("#btn-check");
  f.st.checked = !f.st.checked;
  btn.setAttribute("aria-pressed", String(f.st.checked));
  btn.textContent = f.st.checked ? "✓ SUDAH DICEK" : "CHECK";
  btn.classList.toggle("checked", f.st.checked);
  f.update();
}

async function toggleMap(f, btn) {
  const box = $("#inline-map-box");
  const open = box.hidden;
  box.hidden = !open;
  btn.setAttribute("aria-expanded", String(open));
  if (open && !f.st.map && f.t.location) {
    try {
      f.st.map = await drawLocation($("#inline-map"), f.t.location, {
        onTileError: () => {
          const n = $("#inline-map-note");
          if (n) {
            n.hidden = false;
            n.textContent = "Peta dasar tidak dapat dimuat; batas lokasi tetap ditampilkan.";
          }
        },
      });
    } catch (err) {
      $("#inline-map").textContent = err.message;
    }
  } else if (open && f.st.map) {
    f.st.map.refit();
  }
}

/** Why a file cannot be the rekomtek letter; null when it may be uploaded. */
function fileProblem(file) {
  if (!/\.pdf$/i.test(file.name) && file.type !== "application/pdf") return "Berkas harus berformat PDF.";
  if (file.size === 0) return "Berkas kosong.";
  if (file.size > MAX_PDF) return `Ukuran berkas ${formatSize(file.size)} melebihi batas 10 MB.`;
  return null;
}

async function upload(f, file) {
  const { st, t } = f;
  const status = $("#upload-status");
  const row = $("#upload-progress-row");
  const say = (text, kind) => {
    status.className = `form-msg ${kind || ""}`;
    status.textContent = text;
  };
  const problem = fileProblem(file);
  if (problem) return say(problem, "error");
  st.uploading = true;
  f.update();
  row.hidden = false;
  const progress = (x) => {
    $("#upload-progress").value = Math.round(x * 100);
    $("#upload-percent").textContent = `${Math.round(x * 100)}%`;
  };
  progress(0);
  say(`Mengunggah ${file.name}…`, "");
  const input = $("#berkas-rekomtek");
  input.disabled = true;
  const base = `/tickets/${encodeURIComponent(t.ticket_no)}/documents`;
  try {
    const grant = await post(base, {
      kind: "REKOMTEK",
      filename: file.name.slice(-200),
      content_type: "application/pdf",
      size: file.size,
    });
    await uploadToPresigned(grant.upload, file, progress);
    say("Memeriksa berkas di server…", "");
    const doc = await post(`${base}/${encodeURIComponent(grant.id)}/confirm`);
    st.docId = doc.id;
    say(`✓ Berkas diterima: ${doc.filename} (${formatSize(doc.size)}).`, "ok");
    // show it in Dokumen Unggahan too; a failed refresh does not undo the upload
    get(`/tickets/${encodeURIComponent(t.ticket_no)}`)
      .then((fresh) => render($("#doc-table"), documentsTable(fresh.documents || [])))
      .catch(() => {});
  } catch (err) {
    st.docId = null;
    row.hidden = true;
    say(`Berkas ditolak: ${err.message}`, "error");
  } finally {
    st.uploading = false;
    input.disabled = false;
    f.update();
  }
}

/** Mark a field wrong, say why, focus it; always returns null (validation stops). */
function refuse(f, id, message) {
  f.setMsg(message);
  const el = document.getElementById(id);
  if (el) {
    el.setAttribute("aria-invalid", "true");
    el.focus();
  }
  return null;
}

function rekomtekBody(f) {
  const rekomtek = {};
  const missing = [];
  let firstBad = null;
  for (const [id, key, label] of REKOMTEK_FIELDS) {
    const isDate = !!f.dates[id];
    const text = isDate ? f.dates[id].text() : $(`#${id}`).value.trim();
    if (!text) missing.push(label);
    if (!text) $(`#${id}`).setAttribute("aria-invalid", "true");
    firstBad = firstBad || (!text ? id : null);
    rekomtek[key] = isDate ? f.dates[id].iso() : text;
    if (text && isDate && !rekomtek[key]) {
      return refuse(f, id, `${label} tidak dikenali: tulis hari-bulan-tahun, mis. 05-09-2019.`);
    }
  }
  if (missing.length) return refuse(f, firstBad, `Lengkapi data rekomtek: ${missing.join(", ")}.`);
  if (rekomtek.nomor.length < 3) return refuse(f, "nomor-rekomtek", "Nomor Rekomtek minimal 3 karakter.");
  if (rekomtek.berlaku_sampai < rekomtek.tanggal_surat) {
    return refuse(f, "masa-berlaku", "Masa Berlaku tidak boleh sebelum Tanggal Surat Rekomendasi Teknis.");
  }
  return rekomtek;
}

/** The decision body, or null after telling the official what is missing. */
function buildBody(f) {
  const { st, p } = f;
  const o = f.option();
  if (!o) return refuse(f, "perubahan-status", "Pilih Perubahan Status terlebih dahulu.");
  if (!st.checked) return refuse(f, "btn-check", "Klik CHECK setelah memeriksa detail izin dan peta.");
  const req = requires(o);
  const body = { step: p.step, action: o.action, checked: true };
  const note = $("#catatan").value.trim();
  if (req.note === true && !note) {
    return refuse(f, "catatan", `Tuliskan alasan untuk "${o.action}": pejabat berikutnya membacanya sebelum memutuskan.`);
  }
  if (note) body.note = note;
  if (req.fields === "rekomtek") {
    body.rekomtek = rekomtekBody(f);
    if (!body.rekomtek) return null;
  }
  if ((req.documents || []).length) {
    if (st.uploading) return refuse(f, "berkas-rekomtek", "Tunggu sampai unggahan surat rekomendasi teknis selesai.");
    if (!st.docId) return refuse(f, "berkas-rekomtek", "Unggah surat rekomendasi teknis lampiran peta (PDF) terlebih dahulu.");
    body.document_ids = [st.docId];
  }
  return body;
}

async function submit(f) {
  const { st, view, t } = f;
  const { ctx } = view;
  if (st.saving || st.stale) return;
  $$("[aria-invalid]", ctx.el).forEach((x) => x.removeAttribute("aria-invalid"));
  const body = buildBody(f);
  if (!body) return;
  st.saving = true;
  f.update();
  $("#btn-simpan").setAttribute("aria-busy", "true");
  f.setMsg("Menyimpan keputusan…", "info");
  try {
    const d = await post(`/tickets/${encodeURIComponent(t.ticket_no)}/decision`, body);
    dropDrafts(t.ticket_no);
    if (!ctx.isCurrent()) return;
    f.hooks.paint(d);
    window.scrollTo(0, 0);
    ctx.flash(`Keputusan "${body.action}" tersimpan. Status baru: ${d.status}.`, "ok");
    ctx.refreshCounts();
    ctx.refreshNotifications();
  } catch (err) {
    st.saving = false;
    $("#btn-simpan").removeAttribute("aria-busy");
    if (err.status === 409) return showStale(f);
    f.update();
    f.setMsg(err.message);
    const target = err.field && document.getElementById(FIELD_IDS[err.field]);
    if (target) {
      target.setAttribute("aria-invalid", "true");
      target.focus();
    }
  }
}

/** Someone else decided this step: the form is closed, only Muat Ulang remains. */
function showStale(f) {
  f.st.stale = true;
  dropDrafts(f.t.ticket_no);
  $$("#form-keputusan select, #form-keputusan input, #form-keputusan textarea, #btn-check").forEach((x) => {
    x.disabled = true;
  });
  f.update();
  const msg = $("#keputusan-pesan");
  msg.className = "form-msg error";
  render(msg, html`<p>${STALE_MESSAGE}</p>
    <button type="button" class="btn btn-secondary" id="btn-muat-ulang">Muat Ulang</button>`);
  $("#btn-muat-ulang").addEventListener("click", () => f.hooks.reload());
  $("#btn-muat-ulang").focus();
}
