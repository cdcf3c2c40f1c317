// The services that take applications (GET /api/public/services), read once per page load:
// their checklists ("Daftar Persyaratan") and the data asked (a JSON Schema).

import { api } from "../api.js";

let known = null;

/** Every service offered to applicants; [] when the list cannot be read. */
export async function services() {
  if (known) return known;
  try {
    known = (await api("GET", "/public/services", { auth: false })).items || [];
  } catch {
    return [];
  }
  return known;
}

/** The service of an application (by its workflow), or null. */
export async function serviceOf(app) {
  const all = await services();
  return all.find((s) => s.workflow === app.workflow) || null;
}

/** The services of one agency (by its name, as the API writes it), grouped by category. */
export function byCategory(items) {
  const groups = new Map();
  for (const s of items) {
    const c = s.category || { id: "-", title: "Layanan" };
    if (!groups.has(c.id)) groups.set(c.id, { title: c.title, items: [] });
    groups.get(c.id).items.push(s);
  }
  return [...groups.values()];
}

/** 350000 → "Rp350.000" (as Indonesians write rupiah). */
export function rupiah(n) {
  const whole = Math.trunc(Number(n) || 0);
  return `Rp${String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ".")}`;
}

/** 257.1 → "257,1" (decimal comma, thousands with a dot). */
export function decimal(n, digits = 1) {
  const [a, b] = Number(n).toFixed(digits).split(".");
  const whole = a.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return b && Number(b) ? `${whole},${b.replace(/0+$/, "")}` : whole;
}

let agencies = null;

/** The public record of the agency offering a service (its map area, login title). */
export async function agencyOf(service) {
  if (!agencies) {
    try {
      agencies = (await api("GET", "/agencies", { auth: false })).items || [];
    } catch {
      return null;
    }
  }
  return agencies.find((a) => service && a.name === service.agency) || null;
}
