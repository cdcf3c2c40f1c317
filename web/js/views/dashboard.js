// Dashboard (#/dashboard): "berisi data izin yang masuk" (the seed) — a search over every permit
// type, how many wait for me per type, the latest arrivals, and what is overdue (highlighted).

import { get } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatDateTime, formatNumber } from "../format.js";
import { rolesText } from "../catalog.js";
import { icon } from "../icons.js";
import { TICKET_COLUMNS, wireGo } from "../ui.js";
import { ticketRow } from "./list.js";

// the dashboard's tables open the ticket; map and track are one click further, on its page
const DETAIL_ONLY = { map: false, track: false };

export async function show(ctx) {
  ctx.setTitle("Dashboard");
  render(ctx.el, html`<h1>Dashboard</h1><p class="muted">Memuat data…</p>`);
  const summary = await get("/tickets/summary");
  // an API without `latest` still lets the dashboard list what came in for me
  const latest = summary.latest || (await latestFallback());
  if (!ctx.isCurrent()) return;
  render(
    ctx.el,
    html`
    <h1>Dashboard</h1>
    ${welcome(ctx.user || {})}
    ${searchBox()}
    ${totalCard(summary.total || 0)}
    ${Array.isArray(summary.overdue) ? overdueSection(summary) : ""}
    ${latestSection(latest)}
    ${typeCards(ctx.permitTypes(), summary.pending || {})}`
  );
  ["#melewati-batas", "#izin-terbaru"].forEach((id) => $(id) && wireGo($(id)));
  $("#dashboard-search").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("#cari-semua").value.trim();
    ctx.navigate(q ? `#/cari?box=pending&q=${encodeURIComponent(q)}` : "#/cari?box=pending");
  });
}

async function latestFallback() {
  try {
    return (await get("/tickets", { box: "pending", limit: 5 })).items || [];
  } catch {
    return [];
  }
}

function welcome(user) {
  return html`<p class="lead">Selamat datang, <strong>${user.name || ""}</strong>
    <span class="muted">(${rolesText(user.roles)}${user.region ? ` — ${user.region}` : ""})</span></p>`;
}

function searchBox() {
  return html`<form class="search dashboard-search" id="dashboard-search" role="search">
    <label for="cari-semua" class="search-label">Cari izin di semua jenis izin</label>
    <div class="search-row">
      <input id="cari-semua" name="q" type="search" placeholder="Nama pemohon atau nomor ticket" autocomplete="off">
      <button type="submit" class="btn btn-primary">${icon("search")}Cari</button>
    </div>
  </form>`;
}

function totalCard(total) {
  return html`<section class="total-card" aria-labelledby="h-total">
    <h2 id="h-total">Izin menunggu persetujuan Anda</h2>
    <p class="total-number" id="total-menunggu">${formatNumber(total)}</p>
    <p class="muted">${total ? "Pilih jenis izin di bawah, atau buka izin dari tabel." : "Tidak ada izin yang menunggu persetujuan Anda."}</p>
  </section>`;
}

function table(id, caption, rows, extra) {
  return html`<div class="table-wrap"><table class="data responsive" id="${id}">
    <caption class="sr-only">${caption}</caption>
    <thead><tr>${TICKET_COLUMNS.map((c) => html`<th scope="col">${c}</th>`)}<th scope="col">Aksi</th></tr></thead>
    <tbody>${rows.map((t) => ticketRow(t, { extra: extra ? extra(t) : "", buttons: DETAIL_ONLY }))}</tbody>
  </table></div>`;
}

function overdueSection(summary) {
  const rows = summary.overdue;
  const total = summary.overdue_total ?? rows.length;
  const due = (t) =>
    html`<span class="tag tag-overdue">Batas waktu ${formatDateTime(t.due_at)}</span>`;
  return html`<section class="panel overdue-panel ${total ? "has-overdue" : ""}" aria-labelledby="h-terlambat" id="melewati-batas">
    <h2 id="h-terlambat">Melewati batas waktu <span class="count-pill" id="jumlah-terlambat">${formatNumber(total)}</span></h2>
    ${rows.length
      ? html`${table("tabel-terlambat", "Melewati batas waktu", rows, due)}
        ${total > rows.length ? html`<p class="muted">Menampilkan ${rows.length} dari ${formatNumber(total)} izin yang melewati batas waktu.</p>` : ""}`
      : html`<p class="muted">Tidak ada izin yang melewati batas waktu.</p>`}
  </section>`;
}

function latestSection(rows) {
  const since = (t) =>
    t.waiting_since ? html`<small class="muted since">sejak ${formatDateTime(t.waiting_since)}</small>` : "";
  return html`<section class="panel" aria-labelledby="h-terbaru" id="izin-terbaru">
    <h2 id="h-terbaru">Data izin masuk terbaru</h2>
    ${rows.length
      ? table("tabel-terbaru", "Data izin masuk terbaru", rows, since)
      : html`<p class="muted">Belum ada izin yang masuk untuk Anda.</p>`}
  </section>`;
}

function typeCards(types, pending) {
  return html`<nav aria-labelledby="h-jenis">
    <h2 id="h-jenis" class="section-title">Per jenis izin</h2>
    <ul class="cards">
      ${types.map((t) => {
        const n = pending[t.code] || 0;
        return html`<li>
          <a class="card ${n ? "has-pending" : ""}" href="#/izin/${t.code}/data-izin" data-type="${t.code}">
            <span class="card-count">${formatNumber(n)}</span>
            <span class="card-title">${t.short}</span>
            <span class="card-label">${t.label !== t.short ? t.label : ""}</span>
            <span class="card-link">Data Izin →</span>
          </a></li>`;
      })}
    </ul>
  </nav>`;
}
