// The forms an option requires, drawn from their JSON Schemas (GET /api/workflows → forms):
// one fieldset per form, one field per property in schema order, read and checked as the
// schema says (required, minLength, maxLength, pattern, x-not-before) before anything is sent.

import { html, raw, $ } from "../html.js";
import { dateField, wireDateField } from "../datefield.js";

/** Id of a property's input, form-<form>-<property>. */
export const fieldId = (form, prop) => `form-${form}-${prop}`;
export const properties = (schema) => Object.entries((schema && schema.properties) || {});
const isDate = (p) => p.format === "date";

function textInput(id, name, prop, value) {
  const max = Number(prop.maxLength) ? raw(`maxlength="${Number(prop.maxLength)}"`) : "";
  return html`<div data-form-row="${id}"><input id="${id}" name="${name}" type="text" ${max}
    placeholder="${(prop.examples || [])[0] || ""}" value="${value}"></div>`;
}

function field(form, name, prop, value) {
  const id = fieldId(form, name);
  const control = isDate(prop)
    ? html`<div data-form-row="${id}">${dateField({ id, name, value, hint: prop.description || "" })}</div>`
    : textInput(id, name, prop, value);
  return html`<label for="${id}" data-form-row="${id}">${prop.title || name}</label>${control}`;
}

/**
 * A form's fieldset (hidden until an option requires it). value(id, fallback) gives what
 * to show (the draft first); data: the ticket's saved data of this form; extra: rows after
 * the fields (the document kinds shown with this form).
 */
export function formFieldset(name, schema, { value, data, extra }) {
  return html`<fieldset id="fieldset-${name}" class="form-fields" data-fieldset="${name}" hidden>
    <legend>${schema.title || name}</legend>
    <div class="form-grid">
      ${properties(schema).map(([k, p]) => field(name, k, p, value(fieldId(name, k), (data || {})[k])))}
      ${extra || ""}
    </div>
  </fieldset>`;
}

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
  return dates;
}

/** Which rows of the forms are shown: those of the forms the chosen option requires. */
export function showForms(root, names) {
  root.querySelectorAll("[data-form-row]").forEach((el) => {
    el.hidden = !names.some((n) => el.dataset.formRow.startsWith(`form-${n}-`));
  });
}

const problem = (id, message) => ({ id, message });

/** What was typed in one property: {value} or {problem}; value undefined when empty. */
function readField(id, prop, dates) {
  const title = prop.title || id;
  const text = dates[id] ? dates[id].text() : ($(`#${id}`).value || "").trim();
  if (!text) return { value: undefined };
  if (!dates[id]) return { value: text };
  const iso = dates[id].iso();
  if (iso) return { value: iso };
  return { problem: problem(id, `${title} tidak dikenali: tulis hari-bulan-tahun, mis. 05-09-2019.`) };
}

/** A property's value against its schema (lengths, pattern); null when it is fine. */
function checkValue(id, prop, value) {
  const title = prop.title || id;
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
