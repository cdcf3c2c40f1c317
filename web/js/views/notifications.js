// Notifikasi (#/notifikasi) and one notification in the seed's form (#/notifikasi/{id}).

import { get, post } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatDate, formatDateTime } from "../format.js";
import { TICKET_COLUMNS, wireGo } from "../ui.js";

const PAGE = 50;

export async function show(ctx) {
  return ctx.mode === "one" ? showOne(ctx) : showList(ctx);
}

async function showList(ctx) {
  ctx.setTitle("Notifikasi");
  render(ctx.el, html`<h1>Notifikasi</h1><p class="muted">Memuat notifikasi…</p>`);
  const first = await get("/notifications", { limit: PAGE });
  if (!ctx.isCurrent()) return;
  const st = { items: first.items || [], unread: first.unread || 0, cursor: first.next_cursor || null };

  const paint = () => {
    render(
      ctx.el,
      html`
      <div class="page-head with-actions">
        <h1>Notifikasi</h1>
        <div><button type="button" class="btn btn-secondary" id="read-all" ${st.unread ? "" : "disabled"}>Tandai semua sudah dibaca</button></div>
      </div>
      <p class="muted" id="unread-text">${st.unread ? `${st.unread} notifikasi belum dibaca.` : "Semua notifikasi sudah dibaca."}</p>
      <div id="notif-msg" class="form-msg" role="status" aria-live="polite"></div>
      ${st.items.length
        ? html`<ul class="notif-list" id="daftar-notifikasi">${st.items.map(
            (n) => html`<li class="${n.read ? "read" : "unread"}" data-notification="${n.id}">
              <a href="#/notifikasi/${encodeURIComponent(n.id)}">
                <span class="n-dot" aria-hidden="true"></span>
                <span class="n-main">
                  <span class="n-title">${n.title}${n.read ? "" : html` <span class="sr-only">(belum dibaca)</span>`}</span>
                  <span class="n-message">${n.message}</span>
                </span>
                <span class="n-time">${formatDateTime(n.created_at)}</span>
              </a></li>`
          )}</ul>`
        : html`<p class="empty">Belum ada notifikasi.</p>`}
      ${st.cursor ? html`<div class="pager"><button type="button" class="btn btn-secondary" id="more">Muat lebih banyak</button></div>` : ""}`
    );
    const ra = $("#read-all");
    ra.addEventListener("click", async () => {
      ra.disabled = true;
      try {
        await post("/notifications/read-all");
        st.items = st.items.map((n) => ({ ...n, read: true }));
        st.unread = 0;
        ctx.setUnread(0);
        ctx.refreshNotifications();
        paint();
        $("#notif-msg").textContent = "Semua notifikasi ditandai sudah dibaca.";
        $("#notif-msg").className = "form-msg ok";
      } catch (err) {
        ra.disabled = false;
        $("#notif-msg").textContent = err.message;
        $("#notif-msg").className = "form-msg error";
      }
    });
    const more = $("#more");
    if (more) {
      more.addEventListener("click", async () => {
        more.disabled = true;
        try {
          const r = await get("/notifications", { limit: PAGE, cursor: st.cursor });
          st.items = st.items.concat(r.items || []);
          st.cursor = r.next_cursor || null;
          paint();
        } catch (err) {
          more.disabled = false;
          $("#notif-msg").textContent = err.message;
          $("#notif-msg").className = "form-msg error";
        }
      });
    }
  };
  paint();
}

/** A cell of the seed's table; dates as Indonesians write them, whatever the server sent. */
function cell(column, value) {
  if (value === undefined || value === null || value === "") return "-";
  return column === "Tanggal Pengajuan" ? formatDate(value) : value;
}

async function find(id) {
  let cursor = null;
  for (let i = 0; i < 10; i += 1) {
    const r = await get("/notifications", { limit: 100, cursor });
    const n = (r.items || []).find((x) => x.id === id);
    if (n) return { n, unread: r.unread };
    cursor = r.next_cursor;
    if (!cursor) break;
  }
  return { n: null };
}

async function showOne(ctx) {
  const [id] = ctx.params;
  ctx.setTitle("Notifikasi");
  render(ctx.el, html`<h1>Notifikasi</h1><p class="muted">Memuat notifikasi…</p>`);
  const { n, unread } = await find(id);
  if (!ctx.isCurrent()) return;
  if (!n) {
    render(ctx.el, html`<h1>Notifikasi tidak ditemukan</h1>
      <p><a href="#/notifikasi">Lihat Semua Notifikasi</a></p>`);
    return;
  }
  const s = n.summary || {};
  render(
    ctx.el,
    html`
    <p class="crumb"><a href="#/notifikasi">← Lihat Semua Notifikasi</a></p>
    <article class="panel notif-one" id="notifikasi">
      <h1 class="notif-title">${n.title}</h1>
      <p class="notif-time">Diterima : ${formatDateTime(n.created_at)}</p>
      <p class="notif-message">${n.message}</p>
      <p>Dengan detail izin sebagai berikut :</p>
      <div class="table-wrap">
        <table class="data responsive" id="tabel-notifikasi">
          <thead><tr>${TICKET_COLUMNS.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
          <tbody><tr data-ticket="${s["Nomor Ticket"] || n.ticket_no}">${TICKET_COLUMNS.map(
            (c) => html`<td data-label="${c}">${cell(c, s[c])}</td>`
          )}</tr></tbody>
        </table>
      </div>
      <p class="form-actions">
        <button type="button" class="btn btn-primary btn-lg" id="proses-izin"
          data-go="#/tiket/${encodeURIComponent(n.ticket_no)}">PROSES IZIN</button>
      </p>
    </article>`
  );
  wireGo($("#notifikasi"));
  if (!n.read) {
    try {
      await post(`/notifications/${encodeURIComponent(n.id)}/read`);
      ctx.setUnread((unread || 1) - 1);
      ctx.refreshNotifications();
    } catch {
      /* it stays unread; nothing else to do */
    }
  }
}
