// The decision form of the detail page (Perubahan Status, the forms and documents the chosen
// option requires, Alasan, LIHAT PETA, CHECK, SIMPAN), drawn from the option's `requires` and
// the workflow's declared forms and document kinds. What is typed is kept as a draft in
// sessionStorage per ticket and step, so a session that ends (or a reload) throws nothing away.

import { get, openInNewTab, post } from "../api.js";
import { html, render, $, $$ } from "../html.js";
import { drawLocation } from "../map.js";
import { documentKind, workflowOf } from "../catalog.js";
import {
  fieldId,
  formFieldset,
  parseNumber,
  properties,
  readForm,
  showForms,
  wireDates,
  wirePolygons,
} from "./formfields.js";
import { inSentence, showUploads, uploadFile, uploadRow } from "./uploads.js";
import { decidedBy } from "./decided.js";

const STALE = "Izin ini sudah diproses oleh pengguna lain";
const RELOAD = "Muat ulang untuk melihat status terbaru.";
const STALE_MESSAGE = `${STALE}. ${RELOAD}`;
const FIXED_FIELDS = { action: "perubahan-status", checked: "btn-check", note: "catatan", passphrase: "passphrase" };
const PASSPHRASE_WRONG = "Passphrase salah. Dokumen belum ditandatangani; periksa lalu coba lagi.";

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
const unique = (lists) => [...new Set(lists.flat())];

/** The forms and document kinds any option of this step requires, with their declarations. */
function needs(t) {
  const w = workflowOf(t) || {};
  const opts = t.pending.options || [];
  const forms = unique(opts.map((o) => requires(o).forms || [])).filter((n) => (w.forms || {})[n]);
  const kinds = unique(opts.map((o) => requires(o).documents || []));
  const docs = Object.fromEntries(kinds.map((k) => [k, documentKind(k, t) || { label: k }]));
  return { forms: Object.fromEntries(forms.map((n) => [n, w.forms[n]])), docs };
}

/** The fieldsets: each form with the document kinds it declares, then any other kinds. */
function requirementsMarkup(t, value) {
  const { forms, docs } = needs(t);
  const placed = new Set();
  const saved = t.forms || {};
  const fieldsets = Object.entries(forms).map(([name, schema]) => {
    const own = (schema["x-documents"] || []).filter((k) => docs[k]);
    own.forEach((k) => placed.add(k));
    const extra = own.map((k) => uploadRow(k, docs[k]));
    const lead = name === signingForm(t) ? previewRow() : "";
    return formFieldset(name, schema, { value, data: saved[name], extra, lead });
  });
  if (needsSignature(t)) fieldsets.push(passphraseFieldset());
  const rest = Object.keys(docs).filter((k) => !placed.has(k));
  if (rest.length) {
    fieldsets.push(html`<fieldset id="fieldset-dokumen" class="form-fields" data-fieldset="dokumen" hidden>
      <legend>Dokumen</legend>
      <div class="form-grid">${rest.map((k) => uploadRow(k, docs[k]))}</div>
    </fieldset>`);
  }
  return fieldsets;
}

/** The form whose data draws the decree (the workflow's declared `signing.form`). */
export function signingForm(t) {
  const w = workflowOf(t) || {};
  return (w.signing && w.signing.form) || null;
}

/** Some option of this step signs electronically (requires.signature). */
const needsSignature = (t) => (t.pending.options || []).some((o) => requires(o).signature === true);

/** Backend reads the print view of the decree before giving it a number. */
function previewRow() {
  return html`<span class="label" data-form-row="form-preview">Pratinjau SK</span>
    <div data-form-row="form-preview" class="preview-row">
      <button type="button" class="btn btn-secondary" id="btn-pratinjau-sk">Pratinjau SK</button>
      <small class="muted">Periksa tampilan cetak SK sebelum memasukkan Nomor SK.</small>
      <p id="pratinjau-pesan" class="form-msg" role="status" aria-live="polite"></p>
    </div>`;
}

/** The signer's passphrase: typed each time, never kept (not in the draft, not in storage). */
function passphraseFieldset() {
  return html`<fieldset id="fieldset-tte" class="form-fields" data-fieldset="tte" hidden>
    <legend>Tanda Tangan Elektronik (TTE)</legend>
    <div class="form-grid">
      <label for="passphrase" data-sign-row>Passphrase</label>
      <div data-sign-row><input id="passphrase" name="passphrase" type="password" autocomplete="off"
        autocapitalize="off" spellcheck="false" aria-describedby="passphrase-bantuan">
        <small class="muted" id="passphrase-bantuan">Passphrase sertifikat elektronik BSrE Anda; tidak disimpan.</small></div>
    </div>
  </fieldset>`;
}

/** Markup of the form; values come from the draft first, then from the ticket's forms. */
export function decisionForm(t) {
  const p = t.pending;
  const d = readDraft(t);
  const value = (id, fallback) => (d[id] !== undefined ? d[id] : fallback || "");
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
      ${requirementsMarkup(t, value)}
      <div class="form-grid">
        <label for="catatan" id="label-catatan"><span id="catatan-nama">Catatan</span>
          <span class="wajib" id="catatan-wajib" hidden>(wajib)</span></label>
        <div><textarea id="catatan" name="note" rows="3" maxlength="2000" aria-describedby="catatan-bantuan"
          placeholder="Opsional: keterangan keputusan">${value("catatan")}</textarea>
          <small class="muted" id="catatan-bantuan">Catatan tampil di Track izin ini.</small></div>
        <span class="label" id="label-peta">Peta</span>
        <div class="peta-row" role="group" aria-labelledby="label-peta">
          <button type="button" class="btn btn-green" id="btn-lihat-peta" aria-expanded="false"
            aria-controls="inline-map-box">LIHAT PETA</button>
          <button type="button" class="btn btn-check" id="btn-check" aria-pressed="false">CHECK</button>
        </div>
      </div>
      <div id="inline-map-box" class="inline-map-box" hidden>
        <div id="inline-map" class="map map-inline" role="region" aria-label="Peta lokasi"></div>
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

/**
 * Wire the form. hooks: {paint(ticket), reload()} of the detail page.
 * Returns nothing; cleanups are pushed onto view.cleanup.
 */
export function wireDecision(view, t, hooks) {
  const p = t.pending;
  const st = { checked: false, docs: {}, uploading: 0, map: null, saving: false, stale: false };
  const select = $("#perubahan-status");
  const draft = readDraft(t);
  if (draft["perubahan-status"] && p.options.some((o) => o.action === draft["perubahan-status"])) {
    select.value = draft["perubahan-status"];
  }
  const { forms, docs } = needs(t);
  const dates = wireDates(view.ctx.el, forms);
  const polygons = wirePolygons(view.ctx.el, forms, { reference: t.location, onChange: fillArea(forms) });
  const option = () => p.options.find((o) => o.action === select.value) || null;
  const f = { p, st, option, dates, forms, docs, view, t, hooks, polygons };
  f.update = () => update(f);
  f.setMsg = (text, kind = "error") => {
    const msg = $("#keputusan-pesan");
    msg.className = `form-msg ${kind}`;
    msg.textContent = text;
  };
  wireEvents(f, select);
  view.cleanup.push(() => st.map && st.map.destroy(), () => polygons.destroy());
  f.update();
}

/** A drawn polygon's area goes into the form's area field ("Luas … (m²)") while it is empty
 * or still holds the previous drawing's area; what the official typed stays. */
function fillArea(forms) {
  const filled = {};
  return (polygonId, m2) => {
    const form = Object.keys(forms).find((n) => polygonId.startsWith(`form-${n}-`));
    const entry = properties(forms[form]).find(([, p]) => p.type === "number" && /m²/.test(p.title || ""));
    const input = entry && document.getElementById(fieldId(form, entry[0]));
    if (!input || m2 === null) return;
    const typed = input.value.trim();
    if (typed && parseNumber(typed) !== filled[input.id]) return;
    filled[input.id] = Math.round(m2 * 10) / 10;
    input.value = String(filled[input.id]).replace(".", ",");
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
}

function wireEvents(f, select) {
  const form = $("#form-keputusan");
  form.addEventListener("input", (e) => {
    if (e.target.hasAttribute("aria-invalid")) e.target.removeAttribute("aria-invalid");
    saveDraft(f.t);
  });
  select.addEventListener("change", () => {
    f.setMsg("", "");
    saveDraft(f.t);
    f.update();
  });
  $("#btn-check").addEventListener("click", () => toggleCheck(f));
  const preview = $("#btn-pratinjau-sk");
  if (preview) preview.addEventListener("click", () => openPreview(f.t.ticket_no));
  $("#btn-lihat-peta").addEventListener("click", (e) => toggleMap(f, e.currentTarget));
  $$("input[type=file][data-kind]", form).forEach((input) =>
    input.addEventListener("change", (e) => onFile(f, input.dataset.kind, e.target.files && e.target.files[0]))
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit(f);
  });
}

function onFile(f, kind, file) {
  uploadFile(f.t.ticket_no, kind, f.docs[kind], file, {
    busy: (on) => {
      f.st.uploading += on ? 1 : -1;
      f.update();
    },
    done: (id) => {
      f.st.docs[kind] = id;
    },
  });
}

/** The print view of the decree in a new tab (opened at the click, filled in after). */
async function openPreview(ticketNo) {
  const msg = $("#pratinjau-pesan");
  msg.className = "form-msg info";
  msg.textContent = "Menyiapkan pratinjau SK…";
  try {
    const path = `/tickets/${encodeURIComponent(ticketNo)}/sk/preview`;
    const { answer: r, opened } = await openInNewTab(path);
    if (opened) {
      msg.className = "form-msg";
      msg.textContent = "";
    } else {
      render(msg, html`Pratinjau siap: <a href="${r.url}" target="_blank" rel="noopener noreferrer">buka pratinjau SK</a>.`);
    }
  } catch (err) {
    msg.className = "form-msg error";
    msg.textContent = err.message;
  }
}

/** Every typed value by its element's id (files and the passphrase are never kept). */
function saveDraft(t) {
  const d = {};
  $$("#form-keputusan select, #form-keputusan textarea, #form-keputusan input:not([type=file]):not([type=password])").forEach((el) => {
    if (el.id && el.value) d[el.id] = el.value;
  });
  sessionStorage.setItem(draftKey(t), JSON.stringify(d));
}

function update({ st, option, polygons }) {
  const req = requires(option());
  const form = $("#form-keputusan");
  showForms(form, req.forms || []);
  showUploads(form, req.documents || []);
  $$("[data-sign-row]", form).forEach((el) => (el.hidden = req.signature !== true));
  $$("fieldset[data-fieldset]", form).forEach((fs) => {
    fs.hidden = !$$("[data-form-row], [data-doc-row], [data-sign-row]", fs).some((el) => !el.hidden);
  });
  polygons.refresh();
  showNote(req.note === true);
  $("#btn-simpan").disabled = st.stale || !(st.checked && option()) || st.saving || st.uploading > 0;
}

/** "Alasan (wajib)" when the option requires a note, else an optional "Catatan". */
function showNote(needed) {
  $("#catatan-nama").textContent = needed ? "Alasan" : "Catatan";
  $("#catatan-wajib").hidden = !needed;
  $("#catatan").required = needed;
  $("#catatan").placeholder = needed
    ? "Tuliskan alasan keputusan ini; alasan dikirim kepada pejabat berikutnya."
    : "Opsional: keterangan keputusan";
  $("#catatan-bantuan").textContent = needed
    ? "Wajib diisi: alasan tampil di detail izin, notifikasi, dan Track."
    : "Catatan tampil di Track izin ini.";
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

/** The data of every form the option requires into body; false after telling what is wrong. */
function addForms(f, req, body) {
  for (const name of req.forms || []) {
    const schema = f.forms[name];
    if (!schema) continue;
    const r = readForm(name, schema, f.dates);
    if (r.problem) {
      (r.missing || []).forEach((id) => $(`#${id}`).setAttribute("aria-invalid", "true"));
      refuse(f, r.problem.id, r.problem.message);
      return false;
    }
    body[name] = r.data;
  }
  return true;
}

/** The uploaded document of every kind the option requires; false when one is missing. */
function addDocuments(f, req, body) {
  const kinds = req.documents || [];
  for (const kind of kinds) {
    const what = inSentence((f.docs[kind] || {}).label || kind);
    if (f.st.uploading) return !!refuse(f, `berkas-${kind}`, `Tunggu sampai unggahan ${what} selesai.`);
    if (!f.st.docs[kind]) return !!refuse(f, `berkas-${kind}`, `Unggah ${what} terlebih dahulu.`);
  }
  if (kinds.length) body.document_ids = kinds.map((k) => f.st.docs[k]);
  return true;
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
  if (!addForms(f, req, body) || !addDocuments(f, req, body)) return null;
  if (req.signature === true) {
    const passphrase = $("#passphrase").value;
    if (!passphrase) return refuse(f, "passphrase", "Masukkan Passphrase TTE untuk menandatangani SK.");
    body.passphrase = passphrase;
  }
  return body;
}

/** The element an API error names (err.field: "note", "<form>.<property>", "document_ids", …). */
function fieldElement(f, field) {
  if (!field) return null;
  if (FIXED_FIELDS[field]) return document.getElementById(FIXED_FIELDS[field]);
  if (field === "document_ids") return $("#form-keputusan [data-doc-row]:not([hidden]) input[type=file]");
  const [form, prop] = field.split(".");
  const first = properties(f.forms[form])[0];
  const id = prop ? fieldId(form, prop) : first && fieldId(form, first[0]);
  return id ? document.getElementById(id) : null;
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
    f.setMsg(err.code === "PASSPHRASE_SALAH" ? PASSPHRASE_WRONG : err.message);
    if (err.code === "PASSPHRASE_SALAH") $("#passphrase").value = "";
    if (err.code === "PASSPHRASE_SALAH" || err.code === "PASSPHRASE_REQUIRED") err.field = "passphrase";
    const target = fieldElement(f, err.field);
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
  tellWhoDecided(f.t, $("p", msg), (f.view.ctx.user || {}).email);
}

/** "… Diterima oleh Kepala Dinas (Nama) pada … (TERIMA)": who decided first, read as the
 * ticket stands now; only a decision made since this screen was loaded is named (not the one
 * that brought the step here). */
async function tellWhoDecided(shown, line, myEmail) {
  try {
    const now = await get(`/tickets/${encodeURIComponent(shown.ticket_no)}`);
    const last = now.last_decision;
    const before = (shown.last_decision || {}).decided_at;
    if (!last || last.decided_at === before || !line.isConnected) return;
    // the same account in another tab or on another device is no "other user"
    const who = myEmail && last.actor === myEmail ? "Izin ini sudah Anda putuskan di tab atau perangkat lain" : STALE;
    line.textContent = `${who} — ${decidedBy(last)} (${last.action}). ${RELOAD}`;
    const turn = $("#giliran");
    if (turn) {
      turn.className = "turn-other";
      turn.textContent = "Bukan lagi giliran Anda: izin ini sudah diputuskan.";
    }
  } catch {
    /* the message without the name is still true */
  }
}
