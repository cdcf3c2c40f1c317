// The forms an option requires, drawn from their JSON Schemas (GET /api/workflows → forms):
// one fieldset per form, one field per property in schema order, read and checked as the
// schema says (required, minLength, maxLength, pattern, minimum/maximum, enum, x-not-before)
// before anything is sent. Numbers are typed as Indonesians write them ("1,2", "350.000");
// a property with `x-widget: "polygon"` is a parcel drawn on a map over the applicant's.

import { html, raw, $, $$ } from "../html.js";
import { polygonArea } from "../portal/geo.js";
import { dateField, wireDateField } from "../datefield.js";
import { formatNumber } from "../format.js";
import { loadLeaflet } from "../map.js";

/** Id of a property's input, form-<form>-<property>. */
export const fieldId = (form, prop) => `form-${form}-${prop}`;
export const properties = (schema) => Object.entries((schema && schema.properties) || {});
const isDate = (p) => p.format === "date";
const isNumber = (p) => p.type === "number" || p.type === "integer";
const isPolygon = (p) => p["x-widget"] === "polygon";
const isEnum = (p) => Array.isArray(p.enum);

/** A sum of money in rupiah, as its schema declares it (`x-format: rupiah`). */
export const isRupiah = (p) => p["x-format"] === "rupiah";

/** 350000 → "Rp350.000". */
export const formatRupiah = (n) => `Rp${formatNumber(n)}`;

/** 1.2 → "1,2"; 1500 → "1.500" (Indonesian separators). */
export function formatDecimal(n) {
  const x = Number(n);
  if (!Number.isFinite(x)) return String(n ?? "");
  const [whole, frac] = String(Math.abs(x)).split(".");
  const sign = x < 0 ? "-" : "";
  return `${sign}${formatNumber(whole)}${frac ? `,${frac}` : ""}`;
}

/** A saved value as an official reads it (rupiah, decimal comma, polygon summary). */
export function displayValue(prop, value) {
  if (value === null || value === undefined || value === "") return value;
  if (isPolygon(prop)) return polygonSummary(value);
  if (isNumber(prop)) return isRupiah(prop) ? formatRupiah(value) : formatDecimal(value);
  return value;
}

/**
 * "1,2" → 1.2; "350.000" / "Rp 350.000" → 350000; "1.25" → 1.25; null when not a number.
 * A comma is the decimal mark; dots are thousands when every group after them has 3 digits.
 */
export function parseNumber(text) {
  let s = String(text || "").replace(/^\s*Rp\.?\s*/i, "").replace(/\s/g, "");
  if (!s) return null;
  if (s.includes(",")) s = s.replace(/\./g, "").replace(",", ".");
  else if (/^-?\d{1,3}(\.\d{3})+$/.test(s)) s = s.replace(/\./g, "");
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

// ---------------------------------------------------------------- markup

function textInput(id, name, prop, value) {
  const max = Number(prop.maxLength) ? raw(`maxlength="${Number(prop.maxLength)}"`) : "";
  return html`<div data-form-row="${id}"><input id="${id}" name="${name}" type="text" ${max}
    placeholder="${(prop.examples || [])[0] || ""}" value="${value}"></div>`;
}

function selectInput(id, name, prop, value) {
  return html`<div data-form-row="${id}"><select id="${id}" name="${name}">
    <option value="">-- Pilih Salah Satu --</option>
    ${prop.enum.map((v) => html`<option value="${v}" ${v === value ? raw("selected") : ""}>${v}</option>`)}
  </select></div>`;
}

function numberHint(prop) {
  if (isRupiah(prop)) return "Tulis angka tanpa titik atau dengan titik ribuan, mis. 350.000.";
  if (prop.type === "integer") return "Bilangan bulat.";
  return "Desimal ditulis dengan koma, mis. 1,2.";
}

function numberInput(id, name, prop, value) {
  const shown = typeof value === "number" ? (isRupiah(prop) ? formatNumber(value) : formatDecimal(value)) : value;
  const mode = prop.type === "integer" ? "numeric" : "decimal";
  return html`<div data-form-row="${id}" class="${isRupiah(prop) ? "rupiah-field" : ""}">
    ${isRupiah(prop) ? html`<span class="prefix" aria-hidden="true">Rp</span>` : ""}
    <input id="${id}" name="${name}" type="text" inputmode="${mode}" autocomplete="off" value="${shown}"
      aria-describedby="${id}-hint" data-number="${prop.type}">
    <small class="muted number-hint" id="${id}-hint" aria-live="polite">${numberHint(prop)}</small></div>`;
}

function polygonInput(id, name, value) {
  const text = value && typeof value === "object" ? JSON.stringify(value) : value || "";
  return html`<div data-form-row="${id}" class="polygon-field" data-polygon="${id}">
    <input type="hidden" id="${id}" name="${name}" value="${text}">
    <div class="polygon-tools" role="group" aria-label="Alat gambar poligon">
      <button type="button" class="btn btn-sm btn-secondary" data-poly="copy">Salin Poligon Pemohon</button>
      <button type="button" class="btn btn-sm btn-secondary" data-poly="new">Gambar Baru</button>
      <button type="button" class="btn btn-sm btn-secondary" data-poly="undo">Hapus Titik Terakhir</button>
    </div>
    <div class="map map-polygon" id="${id}-map" role="application"
      aria-label="Peta: klik untuk menambah titik poligon disetujui, geser titik untuk memindahkannya"></div>
    <p class="polygon-legend"><span class="swatch swatch-applicant"></span>Poligon dimohon
      <span class="swatch swatch-approved"></span>Poligon disetujui</p>
    <p class="polygon-area" id="${id}-area" aria-live="polite"></p>
    <small class="muted">Klik pada peta untuk menambah titik; geser titik untuk memindahkannya.</small>
    <p class="map-note" id="${id}-note" hidden></p>
  </div>`;
}

function control(id, name, prop, value) {
  if (isDate(prop)) {
    return html`<div data-form-row="${id}">${dateField({ id, name, value, hint: prop.description || "" })}</div>`;
  }
  if (isPolygon(prop)) return polygonInput(id, name, value);
  if (isEnum(prop)) return selectInput(id, name, prop, value);
  if (isNumber(prop)) return numberInput(id, name, prop, value);
  return textInput(id, name, prop, value);
}

function field(form, name, prop, value) {
  const id = fieldId(form, name);
  const label = isPolygon(prop)
    ? html`<span class="label" data-form-row="${id}" id="${id}-label">${prop.title || name}</span>`
    : html`<label for="${id}" data-form-row="${id}">${prop.title || name}</label>`;
  return html`${label}${control(id, name, prop, value)}`;
}

/**
 * A form's fieldset (hidden until an option requires it). value(id, fallback) gives what
 * to show (the draft first); data: the ticket's saved data of this form; extra: rows after
 * the fields (the document kinds shown with this form); lead: rows before them.
 */
export function formFieldset(name, schema, { value, data, extra, lead }) {
  return html`<fieldset id="fieldset-${name}" class="form-fields" data-fieldset="${name}" hidden>
    <legend>${schema.title || name}</legend>
    <div class="form-grid">
      ${lead || ""}
      ${properties(schema).map(([k, p]) => field(name, k, p, value(fieldId(name, k), (data || {})[k])))}
      ${extra || ""}
    </div>
  </fieldset>`;
}

// ---------------------------------------------------------------- wiring

/** Wire the date inputs of the forms; returns {id: {iso(), text()}}. */
export function wireDates(root, forms) {
  const dates = {};
  Object.entries(forms).forEach(([name, schema]) =>
    properties(schema)
      .filter(([, p]) => isDate(p))
      .forEach(([k]) => {
        dates[fieldId(name, k)] = wireDateField(root, fieldId(name, k));
      })
  );
  wireNumbers(root);
  return dates;
}

/** Under a number: what was understood ("= Rp350.000"), or that it is not a number. */
function wireNumbers(root) {
  $$("input[data-number]", root).forEach((input) => {
    const hint = $(`#${input.id}-hint`, root);
    const base = hint.textContent;
    const rupiah = !!input.closest(".rupiah-field");
    const paint = () => {
      const text = input.value.trim();
      const n = parseNumber(text);
      hint.textContent = !text ? base : n === null ? "Bukan angka." : `= ${rupiah ? formatRupiah(n) : formatDecimal(n)}`;
      hint.classList.toggle("error", !!text && n === null);
    };
    input.addEventListener("input", paint);
    paint();
  });
}

/** Which rows of the forms are shown: those of the forms the chosen option requires. */
export function showForms(root, names) {
  root.querySelectorAll("[data-form-row]").forEach((el) => {
    const fs = el.closest("[data-fieldset]");
    el.hidden = !names.some((n) => el.dataset.formRow.startsWith(`form-${n}-`) || (fs && fs.dataset.fieldset === n));
  });
}

// ---------------------------------------------------------------- reading and checking

const problem = (id, message) => ({ id, message });

/** What was typed in one property: {value} or {problem}; value undefined when empty. */
function readField(id, prop, dates) {
  const title = prop.title || id;
  const text = dates[id] ? dates[id].text() : ($(`#${id}`).value || "").trim();
  if (!text) return { value: undefined };
  if (isPolygon(prop)) return readPolygon(id, prop, text);
  if (isNumber(prop)) {
    const n = parseNumber(text);
    if (n === null) return { problem: problem(id, `${title} harus berupa angka.`) };
    if (prop.type === "integer" && !Number.isInteger(n)) {
      return { problem: problem(id, `${title} harus bilangan bulat.`) };
    }
    return { value: n };
  }
  if (!dates[id]) return { value: text };
  const iso = dates[id].iso();
  if (iso) return { value: iso };
  return { problem: problem(id, `${title} tidak dikenali: tulis hari-bulan-tahun, mis. 05-09-2019.`) };
}

function readPolygon(id, prop, text) {
  try {
    const g = JSON.parse(text);
    if (ringOf(g).length >= 4) return { value: g };
  } catch {
    /* below */
  }
  return { problem: problem(id, `${prop.title || id}: gambar paling sedikit tiga titik pada peta.`) };
}

/** A number against its schema's bounds; null when it is fine. */
function checkNumber(id, prop, n) {
  const title = prop.title || id;
  const show = (x) => (isRupiah(prop) ? formatRupiah(x) : formatDecimal(x));
  if (prop.minimum !== undefined && n < prop.minimum) return problem(id, `${title} paling sedikit ${show(prop.minimum)}.`);
  if (prop.exclusiveMinimum !== undefined && n <= prop.exclusiveMinimum) {
    return problem(id, `${title} harus lebih dari ${show(prop.exclusiveMinimum)}.`);
  }
  if (prop.maximum !== undefined && n > prop.maximum) return problem(id, `${title} paling banyak ${show(prop.maximum)}.`);
  return null;
}

/** A property's value against its schema (lengths, pattern, bounds); null when it is fine. */
function checkValue(id, prop, value) {
  const title = prop.title || id;
  if (isNumber(prop)) return checkNumber(id, prop, value);
  if (typeof value !== "string") return null;
  if (prop.minLength > 1 && value.length < prop.minLength) {
    return problem(id, `${title} minimal ${prop.minLength} karakter.`);
  }
  if (prop.maxLength && value.length > prop.maxLength) {
    return problem(id, `${title} maksimal ${prop.maxLength} karakter.`);
  }
  if (prop.pattern && !new RegExp(prop.pattern, "u").test(value)) {
    return problem(id, `${title} tidak sesuai format.`);
  }
  return null;
}

/** The declared "not before" rules between two dates of the form. */
function checkRules(name, schema, data) {
  for (const rule of schema["x-not-before"] || []) {
    const a = data[rule.field];
    const b = data[rule.other];
    if (a && b && a < b) return problem(fieldId(name, rule.field), rule.message);
  }
  return null;
}

/**
 * Read one form: {data} or {problem: {id, message}, missing: [ids]} — the fields left empty
 * that the schema requires are all named at once.
 */
export function readForm(name, schema, dates) {
  const data = {};
  const missing = [];
  const required = schema.required || [];
  for (const [k, p] of properties(schema)) {
    const id = fieldId(name, k);
    const r = readField(id, p, dates);
    if (r.problem) return { problem: r.problem };
    if (r.value === undefined) {
      if (required.includes(k)) missing.push([id, p.title || k]);
      continue;
    }
    data[k] = r.value;
  }
  if (missing.length) {
    const names = missing.map(([, t]) => t).join(", ");
    return { problem: problem(missing[0][0], `Lengkapi data ${schema.title || name}: ${names}.`), missing: missing.map(([id]) => id) };
  }
  for (const [k, p] of properties(schema)) {
    const bad = data[k] !== undefined && !isDate(p) ? checkValue(fieldId(name, k), p, data[k]) : null;
    if (bad) return { problem: bad };
  }
  const bad = checkRules(name, schema, data);
  return bad ? { problem: bad } : { data };
}

// ---------------------------------------------------------------- polygons

/** The outer ring [[lng, lat], …] of a Polygon (or of a Feature holding one); [] otherwise. */
export function ringOf(g) {
  const geom = g && g.type === "Feature" ? g.geometry : g;
  return geom && geom.type === "Polygon" && Array.isArray(geom.coordinates) ? geom.coordinates[0] || [] : [];
}

/** Area in m² of a closed ring, measured as the API and the portal measure it. */
export const ringArea = (ring) => polygonArea({ type: "Polygon", coordinates: [ring] });

/** "220,4 m²". */
export const formatArea = (m2) => `${formatDecimal(Math.round(m2 * 10) / 10)} m²`;

/** "4 titik, luas 220,4 m²" of a saved polygon. */
export function polygonSummary(g) {
  const ring = ringOf(g);
  if (!ring.length) return "-";
  return `${ring.length - 1} titik, luas ${formatArea(ringArea(ring))}`;
}

const APPLICANT_STYLE = { color: "#5b6b7a", weight: 2, dashArray: "6 6", fillOpacity: 0.08 };
const APPROVED_STYLE = { color: "#1b7f3b", weight: 3, fillColor: "#2fa35a", fillOpacity: 0.3 };

/**
 * Wire the polygon fields of the forms. reference: the applicant's geometry (drawn dashed,
 * copied by "Salin Poligon Pemohon"); onChange(id, areaM2) after every edit.
 * Returns {refresh(): draw the maps now shown, destroy()}.
 */
export function wirePolygons(root, forms, { reference, onChange } = {}) {
  const fields = Object.entries(forms).flatMap(([name, schema]) =>
    properties(schema)
      .filter(([, p]) => isPolygon(p))
      .map(([k]) => polygonField(root, fieldId(name, k), reference, onChange || (() => {})))
  );
  return {
    refresh: () => fields.forEach((f) => f.refresh()),
    destroy: () => fields.forEach((f) => f.destroy()),
  };
}

function polygonField(root, id, reference, onChange) {
  const box = $(`[data-polygon="${id}"]`, root);
  const input = $(`#${id}`, box);
  const st = { map: null, L: null, points: initialPoints(input.value), shape: null, markers: [], loading: null };
  const area = () => ringArea(closed(st.points));
  const save = () => {
    input.value = st.points.length >= 3 ? JSON.stringify({ type: "Polygon", coordinates: [closed(st.points)] }) : "";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    $(`#${id}-area`, box).textContent = st.points.length >= 3
      ? `Luas poligon disetujui: ${formatArea(area())} (${st.points.length} titik)`
      : `Belum ada poligon disetujui (${st.points.length} titik; paling sedikit 3).`;
    onChange(id, st.points.length >= 3 ? area() : null);
  };
  const redraw = () => {
    if (st.map) drawApproved(st);
    save();
  };
  st.redraw = redraw;
  const tools = {
    copy: () => {
      st.points = openRing(ringOf(reference));
      redraw();
    },
    new: () => {
      st.points = [];
      redraw();
    },
    undo: () => {
      st.points = st.points.slice(0, -1);
      redraw();
    },
  };
  box.addEventListener("click", (e) => {
    const b = e.target.closest("[data-poly]");
    if (b) tools[b.dataset.poly]();
  });
  $(`#${id}-area`, box).textContent = "";
  if (st.points.length) save();
  return {
    refresh: () => {
      if (box.hidden || box.offsetParent === null) return;
      if (st.map) st.map.invalidateSize();
      else if (!st.loading) st.loading = startMap(st, box, id, reference, redraw);
    },
    destroy: () => st.map && st.map.remove(),
  };
}

function initialPoints(text) {
  try {
    return openRing(ringOf(JSON.parse(text)));
  } catch {
    return [];
  }
}

/** [[lng, lat] …] without the closing point. */
function openRing(ring) {
  const pts = ring.map((p) => [p[0], p[1]]);
  const last = pts[pts.length - 1];
  if (pts.length > 1 && last[0] === pts[0][0] && last[1] === pts[0][1]) pts.pop();
  return pts;
}

const closed = (pts) => (pts.length ? pts.concat([pts[0]]) : []);
const round7 = (x) => Math.round(x * 1e7) / 1e7;

async function startMap(st, box, id, reference, redraw) {
  try {
    const L = await loadLeaflet();
    st.L = L;
    const map = L.map($(`#${id}-map`, box), { maxZoom: 21 });
    st.map = map;
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    addTiles(L, map, $(`#${id}-note`, box));
    const ref = L.geoJSON(reference || null, { style: () => APPLICANT_STYLE, interactive: false }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    map.on("click", (e) => {
      st.points.push([round7(e.latlng.lng), round7(e.latlng.lat)]);
      redraw();
    });
    const b = ref.getBounds();
    if (b.isValid()) map.fitBounds(b, { padding: [30, 30], maxZoom: 21 });
    else map.setView([-8.1, 112.25], 12);
    redraw();
  } catch (err) {
    $(`#${id}-map`, box).textContent = err.message;
  }
}

function addTiles(L, map, note) {
  const c = window.ETRACKING_CONFIG || {};
  if (!c.tileUrl) return;
  const tiles = L.tileLayer(c.tileUrl, {
    attribution: c.tileAttribution || "",
    maxNativeZoom: c.tileMaxZoom || 19,
    maxZoom: 21,
  });
  tiles.once("tileerror", () => {
    note.hidden = false;
    note.textContent = "Peta dasar tidak dapat dimuat; poligon tetap dapat digambar.";
  });
  tiles.addTo(map);
}

/** The approved polygon and one draggable handle per point. */
function drawApproved(st) {
  const { L, map } = st;
  if (st.shape) st.shape.remove();
  st.markers.forEach((m) => m.remove());
  const latlngs = st.points.map(([lng, lat]) => [lat, lng]);
  st.shape = (latlngs.length >= 3 ? L.polygon(latlngs, APPROVED_STYLE) : L.polyline(latlngs, APPROVED_STYLE)).addTo(map);
  st.markers = latlngs.map((ll, i) => {
    const m = L.marker(ll, {
      draggable: true,
      keyboard: true,
      title: `Titik ${i + 1}`,
      icon: L.divIcon({ className: "vertex", iconSize: [14, 14] }),
    }).addTo(map);
    m.on("drag", (e) => {
      const p = e.target.getLatLng();
      st.points[i] = [round7(p.lng), round7(p.lat)];
      st.shape.setLatLngs(st.points.map(([lng, lat]) => [lat, lng]));
    });
    m.on("dragend", () => st.redraw());
    return m;
  });
}
