// "Data Permohonan": the applicant's own applications, newest first, drafts marked
// "Draf (belum diajukan)", and a button per service to start a new one.

import { get } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatDateLong } from "../format.js";
import { loading } from "../ui.js";
import { services } from "./services.js";
import { statusChip } from "./words.js";

const row = (a) => html`<tr data-ticket="${a.ticket_no}">
  <td data-label="Nomor Registrasi"><a class="ticket-no" href="#/permohonan/${encodeURIComponent(a.ticket_no)}">${a.ticket_no}</a></td>
  <td data-label="Kegiatan">${a.activity || "-"}<br><small class="muted">${a.workflow_title || ""}</small></td>
  <td data-label="Status">${statusChip(a)}</td>
  <td data-label="Tanggal">${formatDateLong(a.draft ? a.created_at : a.submitted_at || a.created_at)}</td>
  <td class="actions"><a class="btn btn-sm ${a.draft ? "btn-primary" : "btn-secondary"}"
    href="#/permohonan/${encodeURIComponent(a.ticket_no)}">${a.draft ? "Lanjutkan Isian" : "Lihat"}</a></td>
</tr>`;

function table(items) {
  return html`<div class="table-wrap"><table class="data responsive portal-list">
    <thead><tr><th>Nomor Registrasi</th><th>Kegiatan</th><th>Status</th><th>Tanggal</th><th><span class="sr-only">Aksi</span></th></tr></thead>
    <tbody>${items.length
      ? items.map(row)
      : html`<tr class="empty-row"><td colspan="5">Belum ada permohonan. Tekan tombol di atas untuk memasukkan data permohonan.</td></tr>`}</tbody>
  </table></div>`;
}

export async function show(ctx) {
  ctx.setTitle("Data Permohonan");
  render(ctx.el, html`<h1>Data Permohonan</h1>${loading("permohonan")}`);
  const [page, offered] = await Promise.all([get("/applications", { limit: 50 }), services()]);
  if (!ctx.isCurrent()) return;
  const items = page.items || [];
  render(
    ctx.el,
    html`<div class="page-head with-actions"><h1>Data Permohonan</h1>
      <div class="btn-group">${offered.map(
        (s) => html`<a class="btn btn-primary" href="#/permohonan/baru?jenis=${encodeURIComponent(s.permit_types[0].id)}">Masukkan data ${s.title}</a>`
      )}</div></div>
    <p class="muted">Permohonan Anda. Draf dapat diubah sampai Anda menekan AJUKAN; setelah itu ikuti statusnya di sini.</p>
    <div id="daftar">${table(items)}</div>
    ${page.next_cursor ? html`<p class="muted">Menampilkan 50 permohonan terbaru.</p>` : ""}`
  );
  $("#daftar").addEventListener("click", (e) => {
    const tr = e.target.closest("tr[data-ticket]");
    if (tr && !e.target.closest("a")) ctx.navigate(`#/permohonan/${encodeURIComponent(tr.dataset.ticket)}`);
  });
}
