// Data Izin / Data Disetujui of one permit type (#/izin/{CODE}/data-izin|data-disetujui), and
// the same list over every permit type for the search (#/cari).

import { get } from "../api.js";
import { html, raw, render, $ } from "../html.js";
import { formatDate, formatNumber } from "../format.js";
import { TICKET_COLUMNS, statusBadge, ticketButtons, wireGo } from "../ui.js";
import { icon } from "../icons.js";

const PAGE_SIZE = 20;

export async function show(ctx) {
  const [code, which] = ctx.params;
  const box = which === "data-izin" ? "pending" : "decided";
  const type = ctx.permitType(code);
  if (!type) {
    render(ctx.el, html`<h1>Jenis izin tidak dikenal</h1><p>Jenis izin <code>${code}</code> tidak ada.
      <a href="#/dashboard">Kembali ke Dashboard</a>.</p>`);
    return;
  }
  const title = `${which === "data-izin" ? "Data Izin" : "Data Disetujui"} — ${type.short}`;
  ctx.setTitle(title);
  const intro = `${type.label !== type.short ? `${type.label}. ` : ""}${
    box === "pending" ? "Izin yang menunggu persetujuan Anda." : "Izin yang sudah Anda proses."
  }`;
  const tabs = html`<nav class="tabs" aria-label="Data ${type.short}">
      <a href="#/izin/${code}/data-izin" ${which === "data-izin" ? raw('aria-current="page"') : ""}>Data Izin</a>
      <a href="#/izin/${code}/data-disetujui" ${which === "data-disetujui" ? raw('aria-current="page"') : ""}>Data Disetujui</a>
    </nav>`;
  return mountList(ctx, { title, intro, tabs, box, code, base: `#/izin/${code}/${which}` });
}

/**
 * A searchable, paged list of tickets. opts: {title, intro, tabs, box, code (null = every
 * permit type), base (hash of this screen, the search is kept in it)}.
 */
export async function mountList(ctx, { title, intro, tabs, box, code, base }) {
  const st = { q: ctx.query.get("q") || "", cursors: [null], page: 0, next: null, seq: 0 };
  render(
    ctx.el,
    html`
    <div class="page-head">
      <h1>${title}</h1>
      <p class="muted">${intro}</p>
    </div>
    ${tabs}
    <form class="search" id="search-form" role="search">
      <label for="cari" class="search-label">Cari</label>
      <div class="search-row">
        <input id="cari" name="q" type="search" placeholder="Cari nama pemohon atau nomor ticket"
          value="${st.q}" autocomplete="off">
        <button type="submit" class="btn btn-primary">${icon("search")}Cari</button>
      </div>
    </form>
    <p id="list-total" class="list-total" aria-live="polite"></p>
    <div id="list-msg" class="form-msg" role="status" aria-live="polite"></div>
    <div class="table-wrap">
      <table class="data responsive" id="tabel-izin">
        <caption class="sr-only">${title}</caption>
        <thead><tr>${TICKET_COLUMNS.map((c) => html`<th scope="col">${c}</th>`)}<th scope="col">Aksi</th></tr></thead>
        <tbody id="rows"><tr><td colspan="7" class="muted">Memuat data…</td></tr></tbody>
      </table>
    </div>
    <nav class="pager" aria-label="Halaman">
      <button type="button" class="btn btn-secondary" id="prev" disabled>Sebelumnya</button>
      <span id="page-no" class="muted">Halaman 1</span>
      <button type="button" class="btn btn-secondary" id="next" disabled>Berikutnya</button>
    </nav>`
  );

  const rows = $("#rows");
  wireGo(rows);

  async function load() {
    const seq = ++st.seq;
    const stale = () => !ctx.isCurrent() || seq !== st.seq;
    $("#list-msg").textContent = "";
    $("#list-total").textContent = "";
    $("#tabel-izin").setAttribute("aria-busy", "true");
    $("#prev").disabled = true;
    $("#next").disabled = true;
    let data;
    try {
      data = await get("/tickets", {
        box,
        permit_type: code || undefined,
        q: st.q.trim(),
        cursor: st.cursors[st.page],
        limit: PAGE_SIZE,
      });
    } catch (err) {
      if (stale()) return;
      render(rows, html`<tr><td colspan="7" class="error">${err.message}</td></tr>`);
      $("#list-msg").textContent = err.message;
      $("#list-msg").className = "form-msg error";
      $("#tabel-izin").removeAttribute("aria-busy");
      $("#prev").disabled = st.page === 0;
      return;
    }
    if (stale()) return;
    st.next = data.next_cursor || null;
    const items = data.items || [];
    render(
      rows,
      items.length
        ? items.map((t) => ticketRow(t))
        : html`<tr class="empty-row"><td colspan="7">Tidak ada data izin.</td></tr>`
    );
    $("#tabel-izin").removeAttribute("aria-busy");
    $("#prev").disabled = st.page === 0;
    $("#next").disabled = !st.next;
    $("#page-no").textContent = `Halaman ${st.page + 1}`;
    $("#list-total").textContent = totalText(st.page, items.length, data.total);
    $("#list-msg").className = "form-msg";
    if (st.q.trim()) {
      $("#list-msg").textContent = items.length
        ? `Hasil pencarian "${st.q.trim()}".`
        : `Tidak ada hasil untuk "${st.q.trim()}".`;
    }
  }

  let timer = null;
  $("#search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    st.q = $("#cari").value;
    st.cursors = [null];
    st.page = 0;
    // keep the search in the address so that "back" from a ticket returns to it
    const q = st.q.trim();
    history.replaceState(null, "", q ? `${base}${base.includes("?") ? "&" : "?"}q=${encodeURIComponent(q)}` : base);
    load();
  });
  $("#cari").addEventListener("input", () => {
    clearTimeout(timer);
    // the screen may have been left before its first page arrived (no cleanup yet)
    timer = setTimeout(() => ctx.isCurrent() && $("#search-form").requestSubmit(), 400);
  });
  $("#next").addEventListener("click", () => {
    if (!st.next) return;
    st.cursors[st.page + 1] = st.next;
    st.page += 1;
    load();
  });
  $("#prev").addEventListener("click", () => {
    if (st.page === 0) return;
    st.page -= 1;
    load();
  });

  await load();
  return () => clearTimeout(timer);
}

/** "Menampilkan 1–20 dari 57 data" (without `total` from the API: "Menampilkan 1–20 data"). */
export function totalText(page, count, total) {
  if (!count) return typeof total === "number" && total > 0 ? `${formatNumber(total)} data` : "";
  const from = page * PAGE_SIZE + 1;
  const to = from + count - 1;
  const range = to === from ? formatNumber(from) : `${formatNumber(from)}–${formatNumber(to)}`;
  return typeof total === "number"
    ? `Menampilkan ${range} dari ${formatNumber(total)} data`
    : `Menampilkan ${range} data`;
}

/** One ticket as a table row (lists, search, dashboard). */
export function ticketRow(t, { extra = "", buttons = {} } = {}) {
  return html`<tr data-ticket="${t.ticket_no}" class="${t.overdue ? "overdue" : ""}">
    <td data-label="Nomor Ticket"><a href="#/tiket/${encodeURIComponent(t.ticket_no)}" class="ticket-no">${t.ticket_no}</a></td>
    <td data-label="Nama Pemohon">${t.applicant_name}</td>
    <td data-label="Jenis Izin">${t.permit_label}</td>
    <td data-label="Tanggal Pengajuan">${formatDate(t.submitted_at)}</td>
    <td data-label="Status Saat Ini"><span class="status-cell">${statusBadge(t.status, t)}${extra}</span></td>
    <td data-label="Posisi">${t.position}</td>
    <td data-label="Aksi" class="actions">${ticketButtons(t.ticket_no, buttons)}</td>
  </tr>`;
}
