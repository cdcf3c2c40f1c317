// What the console knows of the caller's agency and workflows: GET /api/workflows, read once
// after login and kept in the session like the profile. Sidebar, permit types, role labels,
// status colours, forms and document kinds all come from here (never from a copy in JS).

import { get, session } from "./api.js";

let data = null;

/** Read the caller's workflows (from the session when already read); null when unreachable. */
export async function loadCatalog() {
  const kept = (session.get() || {}).workflows;
  if (kept) {
    data = kept;
    return data;
  }
  try {
    data = await get("/workflows");
    session.setWorkflows(data);
  } catch {
    data = null;
  }
  return data;
}

/** Forget it (logout, another account). */
export function forgetCatalog() {
  data = null;
}

export const agency = () => (data && data.agency) || null;
export const categories = () => (data && data.categories) || [];
export const workflows = () => categories().flatMap((c) => c.workflows || []);

/** The workflow of a ticket (or of a workflow id); the only one when the ticket does not say. */
export function workflowOf(ticketOrId) {
  const all = workflows();
  const id = typeof ticketOrId === "string" ? ticketOrId : ticketOrId && ticketOrId.workflow;
  return all.find((w) => w.id === id) || (!id && all.length === 1 ? all[0] : null);
}

/** Who a ticket's final decision is sent to ("PTSP (SIAP Jateng)"), or null. */
export function decisionsSentTo(ticket) {
  const w = workflowOf(ticket);
  return (w && w.decisions_sent_to) || null;
}

/** Every permit type of every workflow, in the declared order: {code, short, label, workflow}. */
export function permitTypes() {
  return workflows().flatMap((w) =>
    (w.permit_types || []).map((t) => ({ code: t.id, short: t.short, label: t.label, workflow: w.id }))
  );
}

export function permitType(code) {
  return permitTypes().find((t) => t.code === code) || null;
}

function roleOf(role) {
  for (const w of workflows()) if (w.roles && w.roles[role]) return w.roles[role];
  return null;
}

export function roleLabel(role) {
  const r = roleOf(role);
  return r ? r.label : String(role || "").replace(/_/g, " ");
}

export function rolesText(roles) {
  return (roles || []).map(roleLabel).join(", ") || "-";
}

/** "agency" | "region" | "own": what a role sees, as declared. */
export function roleSees(role) {
  const r = roleOf(role);
  return (r && r.sees) || "agency";
}

const KIND_CLASS = { approved: "ok", rejected: "danger", returned: "warn" };

/** "approved" | "rejected" | "in_progress" of a status (the row's status_kind when it has one). */
export function outcome(status, row) {
  if (row && row.status_kind && (!row.status || row.status === status)) return row.status_kind;
  for (const w of workflows()) {
    const kind = (w.final_statuses || {})[status] || (w.statuses || {})[status];
    if (kind) return kind;
  }
  return "in_progress";
}

/** Colour class of a status: ok / danger for final ones, warn for a step reached by a refusal
 * or a return (the workflow's `statuses`), info otherwise. */
export function statusClass(status, row) {
  return KIND_CLASS[outcome(status, row)] || "info";
}

/** A document kind's declaration {label, formats, max_bytes} (of the ticket's workflow first). */
export function documentKind(kind, ticket) {
  const w = ticket ? workflowOf(ticket) : null;
  const found = [w, ...workflows()].find((x) => x && x.documents && x.documents[kind]);
  return found ? found.documents[kind] : null;
}

export function documentLabel(kind, ticket) {
  const d = documentKind(kind, ticket);
  return d ? d.label : kind;
}

/** The JSON Schema of a form (of the ticket's workflow). */
export function formSchema(name, ticket) {
  const w = workflowOf(ticket);
  return (w && w.forms && w.forms[name]) || null;
}
