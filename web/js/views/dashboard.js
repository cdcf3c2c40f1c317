// Dashboard (#/dashboard): how many permits wait for me, per permit type.

import { get } from "../api.js";
import { html, render } from "../html.js";
import { rolesText } from "../format.js";

export async function show(ctx) {
  ctx.setTitle("Dashboard");
  const user = ctx.user || {};
  render(ctx.el, html`<h1>Dashboard</h1><p class="muted">Memuat data…</p>`);
  const summary = await get("/tickets/summary");
  const types = ctx.permitTypes();
  if (!ctx.isCurrent()) return;
  const total = summary.total || 0;
  render(
    ctx.el,
    html`
    <h1>Dashboard</h1>
    <p class="lead">Selamat datang, <strong>${user.name || ""}</strong>
      <span class="muted">(${rolesText(user.roles)}${user.region ? ` — ${user.region}` : ""})</span></p>
    <section class="total-card" aria-labelledby="h-total">
      <h2 id="h-total">Izin menunggu persetujuan Anda</h2>
      <p class="total-number" id="total-menunggu">${total}</p>
      <p class="muted">${total ? "Pilih jenis izin di bawah untuk memproses." : "Tidak ada izin yang menunggu persetujuan Anda."}</p>
    </section>
    <nav aria-labelledby="h-jenis">
      <h2 id="h-jenis" class="section-title">Per jenis izin</h2>
      <ul class="cards">
        ${types.map((t) => {
          const n = (summary.pending || {})[t.code] || 0;
          return html`<li>
            <a class="card ${n ? "has-pending" : ""}" href="#/izin/${t.code}/data-izin" data-type="${t.code}">
              <span class="card-count">${n}</span>
              <span class="card-title">${t.short}</span>
              <span class="card-label">${t.label !== t.short ? t.label : ""}</span>
              <span class="card-link">Data Izin →</span>
            </a></li>`;
        })}
      </ul>
    </nav>`
  );
}
