// "Perbaiki Data Permohonan": when the application came back to its applicant, the step that
// declares `corrects_application` lets her fix its data (the fields and the parcel) and send
// it whole with AJUKAN ULANG; nothing is saved before she presses it.

import { html, $ } from "../html.js";
import { agencyOf } from "./services.js";
import { fieldId, fieldRows, polygonProperty, readFields, showProblems } from "./fields.js";
import { polygonMarkup, wirePolygon } from "./polygon.js";

/** Whether the applicant's step takes corrected data. */
export const takesCorrection = (options) => options.some((o) => (o.requires || {}).corrects_application);

export function correctionMarkup(app, service) {
  const poly = polygonProperty(service.application);
  return html`<div class="portal-correction" id="perbaiki-data"><h3>Perbaiki Data Permohonan</h3>
    <p class="muted">Ubah isian yang diminta petugas; isian yang tidak diubah dikirim seperti semula.</p>
    <div class="form-grid">${fieldRows(service.application, app.application)}</div>
    ${poly ? polygonMarkup(poly[1].title) : ""}</div>`;
}

/** The map, wired once Leaflet is there; the rest of the step works meanwhile (and without
 * it: the parcel then stays as it was). */
async function wireMap(root, service, value, onChange) {
  const agency = await agencyOf(service);
  return wirePolygon(root, { value, area: agency && agency.map, onChange });
}

/** Wire the fields and the map in `root`; {read, showRefusal, destroy}. onFixed(): no field
 * is marked any more (what said to fix them can go). */
export function wireCorrection(root, app, service, onFixed = null) {
  const schema = service.application;
  const poly = polygonProperty(schema);
  let polygon = poly ? (app.application || {})[poly[0]] || null : null;
  let drawing = null;
  let left = false;
  if (poly) {
    wireMap(root, service, polygon, (p) => (polygon = p))
      .then((d) => (left ? d.destroy() : (drawing = d)))
      .catch(() => {
        const msg = $("#polygon-msg", root);
        if (msg) msg.textContent = "Peta tidak dapat dimuat; poligon dikirim seperti semula.";
      });
  }
  // a field's message stands for what was sent or checked, not for what is typed since
  root.addEventListener("input", (e) => {
    const msg = e.target.id && $(`#${e.target.id}-msg`, root);
    if (msg) msg.textContent = "";
    e.target.removeAttribute("aria-invalid");
    if (!root.querySelector("[aria-invalid='true']") && onFixed) onFixed();
  });
  return {
    /** The corrected data, whole; null (each problem shown at its field) when it is not. */
    read() {
      const { data, problems } = readFields(root, schema);
      showProblems(root, schema, problems);
      if (Object.keys(problems).length) return null;
      return poly && polygon ? { ...data, [poly[0]]: polygon } : data;
    },
    /** A refusal naming a field ("application.luas_dimohon") is shown at that field. */
    showRefusal(err) {
      const m = /^application\.([a-z_]+)/.exec(err.field || "");
      const msg = m && $(`#${fieldId(m[1])}-msg`, root);
      if (msg) msg.textContent = err.message;
    },
    destroy() {
      left = true;
      if (drawing) drawing.destroy();
    },
  };
}
