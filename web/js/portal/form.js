// "Input Data Permohonan": the application's fields, the applicant's NIK/phone/address, the
// parcel on a map, and the checklist uploads. Saved as a draft as the user goes (PATCH);
// AJUKAN stays disabled, with the list of what is missing, until everything is there.
// The front office uses the same form at the loket, typing the applicant's name and email.

import { get, patch, post } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatDateTime } from "../format.js";
import { loading } from "../ui.js";
import { agencyOf, decimal, serviceOf, services } from "./services.js";
import { fieldRows, missingData, polygonProperty, readFields, showProblems } from "./fields.js";
import { polygonMarkup, wirePolygon } from "./polygon.js";
import { polygonArea } from "./geo.js";
import { docRow, wireChecklist } from "./checklist.js";

const SAVE_DELAY_MS = 700;
const AREA_TOLERANCE = 0.1; // the drawn parcel may differ from the stated area by 10%
const NIK = /^[0-9]{16}$/;

const APPLICANT_FIELDS = [
  ["name", "Nama Pemohon", "text", "name"],
  ["email", "Email Pemohon", "email", "email"],
  ["phone", "Nomor WhatsApp", "tel", "tel"],
  ["nik", "NIK", "text", "off"],
  ["address", "Alamat Pemohon", "text", "street-address"],
];

export async function show(ctx) {
  if (ctx.mode === "new") return startDraft(ctx);
  if (ctx.mode === "loket-new") return loketStart(ctx);
  const no = ctx.params[0];
  const app = await get(`/applications/${encodeURIComponent(no)}`);
  if (!app.draft) {
    ctx.navigate(`#/tiket/${encodeURIComponent(no)}`);
    return null;
  }
  return showDraft(ctx, app);
}

/** Portal: a new draft for the logged-in applicant, then its form. */
async function startDraft(ctx) {
  ctx.setTitle("Input Data Permohonan");
  render(ctx.el, loading("formulir"));
  const all = await services();
  const wanted = ctx.query.get("jenis");
  const service = all.find((s) => s.permit_types.some((t) => t.id === wanted)) || all[0];
  if (!service) throw new Error("Daftar layanan tidak dapat dimuat. Coba lagi.");
  const user = ctx.user || {};
  const applicant = { name: user.name, ...(user.phone ? { phone: user.phone } : {}) };
  const app = await post("/applications", { permit_type: service.permit_types[0].id, applicant });
  if (!ctx.isCurrent()) return null;
  history.replaceState(null, "", `#/permohonan/${encodeURIComponent(app.ticket_no)}`);
  return showDraft(ctx, app);
}

/** Loket: the walk-in applicant's name, email and phone first; the draft is theirs. */
async function loketStart(ctx) {
  ctx.setTitle("Input Permohonan (Loket)");
  const all = await services();
  render(
    ctx.el,
    html`<div class="page-head"><h1>Input Permohonan (Loket)</h1>
      <p>Permohonan pemohon yang datang ke loket DPMPTSP. Permohonan menjadi milik pemilik email ini:
        pemohon dapat melihat dan melacaknya setelah masuk dengan email tersebut.</p></div>
    <form class="panel" id="loket-form" novalidate>
      <h2>Data Pemohon</h2>
      <div class="form-grid">
        <label for="loket-jenis">Jenis Izin</label>
        <select id="loket-jenis">${all.flatMap((s) => s.permit_types).map((t) => html`<option value="${t.id}">${t.label}</option>`)}</select>
        ${applicantRows({}, { email: true })}
      </div>
      <p class="form-msg error" id="loket-msg" role="alert"></p>
      <div class="form-actions"><button type="submit" class="btn btn-primary" id="loket-next">Lanjutkan</button></div>
    </form>`
  );
  $("#loket-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const applicant = readApplicant(ctx.el, true);
    const msg = $("#loket-msg");
    const lacking = ["name", "email", "phone"].filter((k) => !applicant[k]);
    if (lacking.length || applicant.problem) {
      msg.textContent = applicant.problem || "Nama Pemohon, Email Pemohon dan Nomor WhatsApp wajib diisi.";
      return;
    }
    delete applicant.problem;
    $("#loket-next").disabled = true;
    try {
      const app = await post("/applications", { permit_type: $("#loket-jenis").value, applicant });
      ctx.navigate(`#/loket/${encodeURIComponent(app.ticket_no)}`);
    } catch (err) {
      msg.textContent = err.message;
      $("#loket-next").disabled = false;
    }
  });
  return null;
}

function applicantRows(a, { email, nameEditable = true }) {
  return APPLICANT_FIELDS.filter(([k]) => k !== "email" || email).map(([k, label, type, auto]) => {
    const readOnly = (k === "name" && !nameEditable) || (k === "email" && a.email);
    const hint = k === "nik" ? "16 angka sesuai KTP" : k === "phone" ? "mis. 0812-3456-7890" : "";
    return html`<label for="pemohon-${k}">${label}</label>
      <div><input id="pemohon-${k}" name="${k}" type="${type}" autocomplete="${auto}" value="${a[k] || ""}"
        ${k === "nik" ? html`inputmode="numeric" maxlength="16"` : ""} ${readOnly ? "readonly" : ""}
        ${hint ? html`aria-describedby="pemohon-${k}-hint"` : ""}>
        ${hint ? html`<small class="muted" id="pemohon-${k}-hint">${hint}</small>` : ""}
        <small class="form-msg error" id="pemohon-${k}-msg"></small></div>`;
  });
}

/** What is typed about the applicant; problem: why it cannot be sent yet. */
function readApplicant(root, withEmail) {
  const out = {};
  for (const [k] of APPLICANT_FIELDS) {
    const el = $(`#pemohon-${k}`, root);
    if (!el || (k === "email" && !withEmail)) continue;
    const v = el.value.trim();
    if (v) out[k] = v;
  }
  const nikMsg = $("#pemohon-nik-msg", root);
  if (out.nik && !NIK.test(out.nik)) {
    nikMsg.textContent = "NIK harus 16 angka sesuai KTP.";
    out.problem = "NIK harus 16 angka sesuai KTP.";
    delete out.nik;
  } else if (nikMsg) nikMsg.textContent = "";
  return out;
}

function page(app, service, loket) {
  const schema = service.application;
  const poly = polygonProperty(schema);
  const items = checklistItems(app, service);
  return html`
    <div class="page-head"><h1>${loket ? "Input Permohonan (Loket)" : "Input Data Permohonan"}</h1>
      <p>${service.title} · Draf <strong>${app.ticket_no}</strong>${loket ? html` · atas nama <strong>${app.applicant.name}</strong>` : ""}</p>
      <p class="portal-save" id="save-state" role="status" aria-live="polite">Isian tersimpan otomatis sebagai draf.</p></div>
    <form id="portal-form" novalidate>
      <section class="panel"><h2>Data Pemohon</h2>
        <div class="form-grid">${applicantRows(app.applicant || {}, { email: loket, nameEditable: loket })}</div></section>
      <section class="panel"><h2>Data Permohonan</h2>
        <p class="muted">Semua isian wajib dilengkapi sebelum AJUKAN.</p>
        <div class="form-grid">${fieldRows(schema, app.application)}</div></section>
      ${poly
        ? html`<section class="panel"><h2>${poly[1].title}</h2>${polygonMarkup("Gambar batas bidang tanah")}
            <div class="portal-area" id="area-box" aria-live="polite"></div></section>`
        : ""}
      <section class="panel"><h2>Daftar Persyaratan</h2>
        <ul class="portal-docs" id="checklist">${items.map((i) => docRow(i))}</ul></section>
      <section class="panel portal-submit"><h2>Ajukan Permohonan</h2>
        <div id="missing-box"></div>
        <p class="form-msg error" id="submit-msg" role="alert"></p>
        <div class="form-actions"><button type="button" class="btn btn-primary btn-lg" id="ajukan">AJUKAN</button></div>
      </section>
    </form>`;
}

/** The application's checklist with the formats and sizes of the public declaration. */
function checklistItems(app, service) {
  const declared = Object.fromEntries((service.checklist || []).map((c) => [c.kind, c]));
  return (app.checklist || []).map((c) => ({ ...declared[c.kind], ...c }));
}

/** The form of a draft, wired: autosave, map, uploads, AJUKAN. */
export async function showDraft(ctx, first) {
  const loket = first.channel === "loket";
  const service = await serviceOf(first);
  if (!service) throw new Error("Daftar layanan tidak dapat dimuat. Coba lagi.");
  if (!ctx.isCurrent()) return null;
  ctx.setTitle(loket ? "Input Permohonan (Loket)" : "Input Data Permohonan");
  render(ctx.el, page(first, service, loket));
  const state = { app: first, polygon: (first.application || {}).poligon || null };
  const saver = autosave(ctx, state, service, loket);
  const poly = polygonProperty(service.application);
  let drawing = null;
  if (poly) {
    const agency = await agencyOf(service);
    drawing = await wirePolygon(ctx.el, {
      value: state.polygon,
      area: agency && agency.map,
      onChange: (p) => {
        state.polygon = p;
        saver.dataChanged();
        paintArea(state, service);
      },
    });
  }
  wireChecklist($("#checklist"), first.ticket_no, checklistItems(first, service), async () => {
    await saver.reread();
    paintMissing(state, service);
  });
  $("#portal-form").addEventListener("submit", (e) => e.preventDefault());
  $("#ajukan").addEventListener("click", () => submit(ctx, state, saver, loket));
  paintArea(state, service);
  paintMissing(state, service);
  return () => {
    saver.stop();
    if (drawing) drawing.destroy();
  };
}

/** Save as the user goes: the data and the applicant each when they changed. */
function autosave(ctx, state, service, loket) {
  const schema = service.application;
  const poly = polygonProperty(schema);
  const root = ctx.el;
  let timer = null;
  let dirty = { data: false, applicant: false };
  let chain = Promise.resolve();
  const stateEl = () => $("#save-state");
  const say = (text, cls = "") => {
    if (!stateEl()) return;
    stateEl().className = `portal-save ${cls}`;
    stateEl().textContent = text;
  };

  const currentData = () => {
    const { data, problems } = readFields(root, schema);
    showProblems(root, schema, problems);
    if (poly && state.polygon) data[poly[0]] = state.polygon;
    return data;
  };
  /** What changed, read from the screen now (the screen may be gone when it is sent). */
  const changes = () => {
    const body = {};
    if (dirty.data) body.data = currentData();
    if (dirty.applicant) {
      const a = readApplicant(root, false);
      delete a.problem;
      body.applicant = { ...state.app.applicant, ...a };
      if (!loket) delete body.applicant.email;
      else body.applicant.email = state.app.applicant.email;
    }
    dirty = { data: false, applicant: false };
    return body;
  };
  let stale = null; // the refusal of a save from this screen after another one saved
  const send = async (body) => {
    if (!Object.keys(body).length || stale) return;
    say("Menyimpan draf…");
    try {
      const url = `/applications/${encodeURIComponent(state.app.ticket_no)}`;
      state.app = await patch(url, { ...body, revision: state.app.revision });
      say(`✓ Draf tersimpan ${formatDateTime(new Date().toISOString()).slice(11)}.`, "ok");
      paintArea(state, service);
      paintMissing(state, service);
    } catch (err) {
      if (err.code === "DRAFT_CHANGED_ELSEWHERE") {
        stale = err;
        sayStale(stateEl(), err.message);
        return;
      }
      say(`Draf belum tersimpan: ${err.message}`, "error");
      markServerField(root, err);
    }
  };
  const flush = () => {
    clearTimeout(timer);
    timer = null;
    const body = changes();
    chain = chain.then(() => send(body));
    return chain;
  };
  /** The draft read again in turn with the saves (an upload changed its checklist): a save
   * answered while it was being read cannot be overtaken by an older revision. */
  const reread = () => {
    const read = flush()
      .then(() => get(`/applications/${encodeURIComponent(state.app.ticket_no)}`))
      .then((fresh) => {
        state.app = fresh;
      });
    chain = read.catch(() => {});
    return read;
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(flush, SAVE_DELAY_MS);
  };
  const onEdit = (e) => {
    if (!e.target.closest("input, select") || e.target.type === "file") return;
    if (e.target.id.startsWith("pemohon-")) dirty.applicant = true;
    else dirty.data = true;
    if (e.type === "change") flush();
    else later();
    paintMissing(state, service);
  };
  // on the form, not on the view's element: that one outlives this screen
  $("#portal-form", root).addEventListener("input", onEdit);
  $("#portal-form", root).addEventListener("change", onEdit);
  return {
    dataChanged() {
      dirty.data = true;
      flush();
    },
    flush,
    reread,
    /** The refusal that keeps this screen from saving (another one saved since), or null. */
    stale: () => stale,
    stop: () => {
      if (timer) flush(); // leaving with a change not yet sent: send it
    },
    data: currentData,
  };
}

/** Another device or tab saved this draft since this screen was loaded: say so, offer a reload. */
function sayStale(el, message) {
  if (!el) return;
  el.className = "portal-save error";
  render(el, html`${message} <button type="button" class="btn btn-sm" id="draft-reload">Muat Ulang</button>`);
  $("#draft-reload", el).addEventListener("click", () => window.location.reload());
}

/** A refusal naming a field ("data.luas_dimohon", "applicant.phone") is shown at that field. */
function markServerField(root, err) {
  const m = /^(data|applicant)\.([a-z_]+)/.exec(err.field || "");
  if (!m) return;
  const id = m[1] === "data" ? `f-${m[2]}` : `pemohon-${m[2]}`;
  const msg = $(`#${id}-msg`, root);
  if (msg) msg.textContent = err.message;
  const el = $(`#${id}`, root);
  if (el) el.setAttribute("aria-invalid", "true");
}

/** The parcel's area: the server's measure once this very parcel is saved (the one every later
 * page shows), the browser's own until then (they may differ in the last decimal). */
function measured(state) {
  const saved = state.app.application || {};
  const corners = (p) => JSON.stringify((p && p.coordinates) || null);
  const same = saved.poligon && corners(saved.poligon) === corners(state.polygon);
  return same && saved.luas_poligon ? saved.luas_poligon : polygonArea(state.polygon);
}

/** The drawn area next to the stated one; a warning when they differ by more than 10%. */
function paintArea(state, service) {
  const box = $("#area-box");
  if (!box) return;
  const props = service.application.properties || {};
  const statedKey = Object.keys(props).find((k) => /luas dimohon/i.test(props[k].title || ""));
  const stated = statedKey ? readFields(document, { properties: { [statedKey]: props[statedKey] } }).data[statedKey] : undefined;
  if (!state.polygon) {
    render(box, html`<p class="muted">Belum ada poligon. Luas dihitung setelah paling sedikit 3 titik dipasang.</p>`);
    return;
  }
  const area = measured(state);
  const off = stated ? Math.abs(area - stated) / stated : 0;
  render(
    box,
    html`<dl class="inline-dl portal-area-dl">
      <dt>Luas poligon (dihitung)</dt><dd id="luas-poligon">${decimal(area)} m²</dd>
      <dt>${statedKey ? props[statedKey].title : "Luas Dimohon"}</dt><dd>${stated ? `${decimal(stated)} m²` : "belum diisi"}</dd>
    </dl>
    ${stated && off > AREA_TOLERANCE
      ? html`<p class="flash flash-error" id="area-warning">Luas poligon berbeda ${Math.round(off * 100)}% dari Luas Dimohon.
          Periksa kembali titik-titik poligon atau luas yang Anda isi (selisih paling banyak 10%).</p>`
      : ""}`
  );
}

/** What still keeps AJUKAN disabled, in words. */
function missingList(state, service) {
  const schema = service.application;
  const { data } = readFields(document, schema);
  const poly = polygonProperty(schema);
  if (poly && state.polygon) data[poly[0]] = state.polygon;
  return [...missingData(schema, data), ...(state.app.missing || [])];
}

function paintMissing(state, service) {
  const box = $("#missing-box");
  if (!box) return;
  const missing = missingList(state, service);
  $("#ajukan").disabled = missing.length > 0;
  render(
    box,
    missing.length
      ? html`<p>AJUKAN dapat ditekan setelah data berikut dilengkapi:</p>
          <ul class="portal-missing" id="missing-list">${missing.map((m) => html`<li>${m}</li>`)}</ul>`
      : html`<p class="flash flash-ok">Data dan dokumen persyaratan sudah lengkap. Periksa kembali, lalu tekan AJUKAN.</p>`
  );
}

async function submit(ctx, state, saver, loket) {
  const btn = $("#ajukan");
  const msg = $("#submit-msg");
  msg.textContent = "";
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  try {
    await saver.flush();
    if (saver.stale()) throw saver.stale();
    const done = await post(`/applications/${encodeURIComponent(state.app.ticket_no)}/submit`);
    ctx.flashNext(
      `Permohonan ${done.ticket_no} telah diajukan${loket ? ` atas nama ${done.applicant.name}` : ""}. ` +
        `Kode akses Lacak Permohonan: ${done.access_code}.`,
      "ok"
    );
    ctx.navigate(loket ? `#/tiket/${encodeURIComponent(done.ticket_no)}` : `#/permohonan/${encodeURIComponent(done.ticket_no)}`);
  } catch (err) {
    msg.textContent = err.body && err.body.missing ? `${err.message}` : `Permohonan belum dapat diajukan: ${err.message}`;
    markServerField(ctx.el, err);
    btn.disabled = false;
  } finally {
    btn.removeAttribute("aria-busy");
  }
}
