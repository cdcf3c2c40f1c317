// The applicant's data drawn from the application's JSON Schema: titles as labels, enums as
// selects, numbers with their unit (m²); read back with Indonesian decimal commas.

import { html, $ } from "../html.js";

export const fieldId = (prop) => `f-${prop}`;
export const isPolygon = (p) => p["x-widget"] === "polygon";
const isNumber = (p) => p.type === "number" || p.type === "integer";
/** "Luas Dimohon (m²)" → "m²": the unit a number's title names. */
const unitOf = (p) => ((p.title || "").match(/\(([^)]*m²)\)/) || [])[1] || "";

/** The schema's properties in order, without the polygon (it has its own map). */
export const plainProperties = (schema) =>
  Object.entries((schema && schema.properties) || {}).filter(([, p]) => !isPolygon(p));

/** The polygon property's [name, schema], or null. */
export const polygonProperty = (schema) =>
  Object.entries((schema && schema.properties) || {}).find(([, p]) => isPolygon(p)) || null;

/** 64280.7 → "64.280,7": a number as Indonesians write it in an input (read back as typed). */
function shown(v) {
  if (v === undefined || v === null || v === "") return "";
  const [whole, fraction] = String(v).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return fraction ? `${grouped},${fraction}` : grouped;
}

function control(name, p, value, required) {
  const id = fieldId(name);
  const req = required ? "true" : "false";
  if (Array.isArray(p.enum)) {
    return html`<select id="${id}" name="${name}" aria-required="${req}">
      <option value="">-- Pilih ${p.title || name} --</option>
      ${p.enum.map((o) => html`<option value="${o}" ${o === value ? "selected" : ""}>${o}</option>`)}
    </select>`;
  }
  if (isNumber(p)) {
    const unit = unitOf(p);
    return html`<span class="portal-number"><input id="${id}" name="${name}" type="text" inputmode="decimal"
      value="${shown(value)}" aria-required="${req}" autocomplete="off">${unit ? html`<span class="unit">${unit}</span>` : ""}</span>`;
  }
  const max = Number(p.maxLength) || 500;
  return html`<input id="${id}" name="${name}" type="text" maxlength="${max}" value="${value || ""}"
    placeholder="${(p.examples || [])[0] ? `mis. ${p.examples[0]}` : ""}" aria-required="${req}">`;
}

/** The rows of the form grid, one per property (label, control, message). */
export function fieldRows(schema, data) {
  const required = schema.required || [];
  return plainProperties(schema).map(
    ([name, p]) => html`<label for="${fieldId(name)}">${p.title || name}</label>
      <div>${control(name, p, (data || {})[name], required.includes(name))}
        <small class="form-msg error" id="${fieldId(name)}-msg"></small></div>`
  );
}

function parseNumber(text, p) {
  const clean = text.replace(/\s/g, "").replace(/\.(?=\d{3}(\D|$))/g, "").replace(",", ".");
  const n = Number(clean);
  if (!/^-?\d+(\.\d+)?$/.test(clean) || !Number.isFinite(n)) return { problem: "Isi dengan angka, mis. 240 atau 240,5." };
  if (p.type === "integer" && !Number.isInteger(n)) return { problem: "Isi dengan bilangan bulat." };
  if (p.exclusiveMinimum !== undefined && n <= p.exclusiveMinimum) return { problem: `Harus lebih dari ${p.exclusiveMinimum}.` };
  if (p.minimum !== undefined && n < p.minimum) return { problem: `Paling kecil ${p.minimum}.` };
  if (p.maximum !== undefined && n > p.maximum) return { problem: `Paling besar ${shown(p.maximum)}.` };
  return { value: n };
}

/** Read every field: {data, problems: {name: message}} (a field with a problem is left out). */
export function readFields(root, schema) {
  const data = {};
  const problems = {};
  for (const [name, p] of plainProperties(schema)) {
    const el = $(`#${fieldId(name)}`, root);
    if (!el) continue; // the form has been left
    const text = (el.value || "").trim();
    if (!text) continue;
    if (isNumber(p)) {
      const r = parseNumber(text, p);
      if (r.problem) problems[name] = r.problem;
      else data[name] = r.value;
    } else {
      data[name] = text;
    }
  }
  return { data, problems };
}

/** Mark the fields with problems (and clear the others). */
export function showProblems(root, schema, problems) {
  for (const [name] of plainProperties(schema)) {
    const el = $(`#${fieldId(name)}`, root);
    const msg = $(`#${fieldId(name)}-msg`, root);
    if (!el || !msg) continue;
    if (problems[name]) el.setAttribute("aria-invalid", "true");
    else el.removeAttribute("aria-invalid");
    msg.textContent = problems[name] || "";
  }
}

/** The titles of required properties still empty (the polygon included). */
export function missingData(schema, data) {
  const props = (schema && schema.properties) || {};
  return (schema.required || []).filter((k) => data[k] === undefined || data[k] === null).map((k) => props[k].title || k);
}
