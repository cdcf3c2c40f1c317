// Router and shell of the officials' console (hash routes, e.g. #/tiket/27419).

import { get, renewIfDue, session, setReauthHandler } from "./api.js";
import { html, render, $, $$ } from "./html.js";
import { formatDateTime } from "./format.js";
import { agency, categories, forgetCatalog, loadCatalog, permitType, permitTypes, roleLabel, workflows } from "./catalog.js";
import { icon } from "./icons.js";
import { emblem, initials } from "./ui.js";
import { loginDialog } from "./loginform.js";
import * as landing from "./views/landing.js";
import * as dashboard from "./views/dashboard.js";
import * as list from "./views/list.js";
import * as search from "./views/search.js";
import * as detail from "./views/detail.js";
import * as peta from "./views/map.js";
import * as track from "./views/track.js";
import * as notifications from "./views/notifications.js";
import * as profile from "./views/profile.js";
import { ROUTES as PORTAL_ROUTES, adaptShell, home } from "./portal/shell.js";
import * as signing from "./views/signing.js";
import * as tracking from "./views/tracking.js";
import * as verification from "./views/verification.js";

const NEXT_KEY = "etracking.next";
// set by Logout in this tab: Back to a console page then must not be "the page asked for"
const LEFT_KEY = "etracking.loggedOut";
const ACTIVE_WINDOW_MS = 15 * 60 * 1000; // renew the session while used within this window

const ROUTES = [
  { re: /^\/?$/, view: landing, public: true },
  { re: /^\/dashboard$/, view: dashboard },
  { re: /^\/cari$/, view: search },
  { re: /^\/izin\/([A-Z0-9_]+)\/(data-izin|data-disetujui)$/, view: list },
  { re: /^\/tiket\/([^/]+)$/, view: detail },
  { re: /^\/tiket\/([^/]+)\/peta$/, view: peta },
  { re: /^\/tiket\/([^/]+)\/track$/, view: track },
  { re: /^\/notifikasi$/, view: notifications, mode: "list" },
  { re: /^\/notifikasi\/([^/]+)$/, view: notifications, mode: "one" },
  { re: /^\/profil$/, view: profile },
  ...PORTAL_ROUTES, // the applicant portal; home(user): where a user starts (applicants: Data Permohonan)
  // siap n loss officials: the signing screen; public pages (also at /lacak, /verifikasi/<token>)
  { re: /^\/tanda-tangan$/, view: signing },
  { re: /^\/lacak$/, view: tracking, public: true, page: true },
  { re: /^\/verifikasi\/([^/]+)$/, view: verification, public: true, page: true },
];
// public pages linked from outside by path (an SK's QR code, a printed receipt), not by hash
const PAGE_PATHS = /^\/(lacak|verifikasi\/[^/]+)\/?$/;

const state = {
  shell: false,
  counts: null,
  notif: { unread: 0, items: [] },
  cleanup: null,
  renderId: 0,
  pollTimer: null,
  flash: null,
  entering: null,
  bellTimer: null,
};

const app = () => document.getElementById("app");

function parseHash() {
  const byPath = PAGE_PATHS.test(location.pathname) ? location.pathname.replace(/\/$/, "") : "/";
  const h = location.hash.replace(/^#/, "") || byPath;
  const i = h.indexOf("?");
  const path = i < 0 ? h : h.slice(0, i);
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    /* keep it as typed */
  }
  return { path: decoded || "/", query: new URLSearchParams(i < 0 ? "" : h.slice(i + 1)) };
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

/** Show a message at the top of the current screen (kind: ok|error|info); null hides it. */
function showFlash(f) {
  const el = document.getElementById("pesan");
  if (!el) return;
  if (!f) {
    el.hidden = true;
    el.textContent = "";
    return;
  }
  el.hidden = false;
  el.className = `flash flash-${f.kind || "info"}`;
  el.textContent = f.message;
}

/** Keep a message for the next screen shown. */
function flashNext(message, kind = "info") {
  state.flash = { message, kind };
}

function currentUser() {
  const s = session.get();
  return s ? s.user : null;
}

// ---------------------------------------------------------------- shell

function renderShell() {
  const user = currentUser();
  render(
    app(),
    html`
    <a class="skip" href="#konten" id="skip-link">Langsung ke konten</a>
    <header class="topbar">
      <button type="button" class="menu-btn" id="menu-btn" aria-controls="sidebar"
        aria-expanded="false" aria-label="Menu">${icon("menu")}<span class="menu-text">Menu</span></button>
      <a class="brand" href="#/dashboard">
        ${emblem((agency() || {}).emblem)}
        <span class="brand-text"><strong>${brand().app}</strong>
          <small>${brand().subtitle}</small></span>
      </a>
      <div class="topbar-right">
        <div class="bell-wrap">
          <button type="button" class="bell" id="bell" aria-label="Notifikasi, tidak ada yang belum dibaca"
            aria-haspopup="true" aria-expanded="false" aria-controls="notif-menu">
            ${icon("bell")}<span class="badge" id="notif-badge" hidden>0</span>
          </button>
          <div class="dropdown" id="notif-menu" hidden>
            <div class="dropdown-head">Notifikasi</div>
            <ul class="dropdown-list" id="notif-list"></ul>
            <a class="dropdown-foot" href="#/notifikasi" id="notif-all">Lihat Semua Notifikasi</a>
          </div>
        </div>
        <button type="button" class="btn btn-sm btn-secondary topbar-logout" id="logout-top">Logout</button>
        <a class="user" href="#/profil" title="${user ? `Profil: ${user.name} — ${roleText(user)}` : "Profil"}">
          <span class="avatar" aria-hidden="true">${initials(user && user.name)}</span>
          <span class="user-text"><span class="user-name">${user ? user.name : ""}</span>
          <small class="user-role">${user ? roleText(user) : ""}</small></span>
        </a>
      </div>
    </header>
    <div class="layout">
      <nav class="sidebar" id="sidebar" aria-label="Menu utama">
        <div class="sidebar-user"><strong>${user ? user.name : ""}</strong>
          <small>${user ? roleText(user) : ""}</small></div>
        <ul class="nav">
          <li><a class="nav-link" href="#/dashboard" data-nav="/dashboard">${icon("home")}<span>Dashboard</span></a></li>
          ${sidebarEntries()}
          ${signing.navEntry(workflows())}
          <li><a class="nav-link" href="#/notifikasi" data-nav="/notifikasi">${icon("bell")}<span>Notifikasi</span></a></li>
          <li><a class="nav-link" href="#/profil" data-nav="/profil">${icon("user")}<span>Profil</span></a></li>
          <li class="nav-logout-item"><button type="button" class="nav-link nav-logout" id="logout">${icon("logout")}<span>Logout</span></button></li>
        </ul>
      </nav>
      <div class="backdrop" id="backdrop" hidden></div>
      <main class="content" id="konten" tabindex="-1">
        <div id="pesan" class="flash" role="status" aria-live="polite" hidden></div>
        <div id="view"></div>
      </main>
    </div>`
  );
  state.shell = true;
  wireShell();
  paintCounts();
  paintNotifications();
}

/** The shell's buttons: skip link, menu, sub-menus, logout, bell. */
function wireShell() {
  $("#skip-link").addEventListener("click", (e) => {
    e.preventDefault();
    $("#konten").focus();
  });
  $("#menu-btn").addEventListener("click", () => toggleSidebar());
  $("#backdrop").addEventListener("click", () => toggleSidebar(false));
  $$(".nav-toggle").forEach((b) =>
    b.addEventListener("click", () => {
      const open = b.getAttribute("aria-expanded") !== "true";
      setGroup(b, open);
    })
  );
  $$("[data-type-link]").forEach((a) =>
    a.addEventListener("click", () => expandOnly(a.dataset.typeLink))
  );
  $("#sidebar").addEventListener("click", (e) => {
    if (e.target.closest("a.nav-link")) toggleSidebar(false);
  });
  $("#logout").addEventListener("click", logout);
  $("#logout-top").addEventListener("click", logout);
  $("#bell").addEventListener("click", (e) => {
    e.stopPropagation();
    toggleBell();
  });
  $("#notif-menu").addEventListener("click", (e) => {
    if (e.target.closest("a")) toggleBell(false);
  });
}

/** The agency's application name and title (top bar, page titles). */
function brand() {
  const a = agency();
  return (a && a.landing) || { app: "", name: "", subtitle: "" };
}

/** Sidebar: categories → workflows → permit types; the headings only when there are several. */
function sidebarEntries() {
  const headed = workflows().length > 1;
  return categories().map((c) =>
    (c.workflows || []).map(
      (w) => html`${headed ? html`<li class="nav-heading" data-workflow="${w.id}"><small>${c.title}</small>
          <span>${w.title}</span></li>` : ""}
        ${(w.permit_types || []).map((t) => permitEntry({ code: t.id, short: t.short }))}`
    )
  );
}

function permitEntry(t) {
  return html`
    <li class="nav-group" data-type="${t.code}">
      <div class="nav-group-head">
        <a class="nav-link nav-type" href="#/izin/${t.code}/data-izin" data-type-link="${t.code}">
          ${icon("doc")}<span class="nav-label">${t.short}</span>
          <span class="count" data-count="${t.code}" title="Menunggu persetujuan Anda"></span>
        </a>
        <button type="button" class="nav-toggle" aria-expanded="false" aria-controls="sub-${t.code}"
          id="grp-${t.code}" aria-label="Submenu ${t.short}"><span class="chev" aria-hidden="true"></span></button>
      </div>
      <ul class="subnav" id="sub-${t.code}" hidden>
        <li><a class="nav-link" href="#/izin/${t.code}/data-izin" data-nav="/izin/${t.code}/data-izin">Data Izin</a></li>
        <li><a class="nav-link" href="#/izin/${t.code}/data-disetujui" data-nav="/izin/${t.code}/data-disetujui">Data Disetujui</a></li>
      </ul>
    </li>`;
}

function roleText(user) {
  const roles = (user.roles || []).map(roleLabel).join(", ");
  return user.region ? `${roles} — ${user.region}` : roles;
}

function toggleSidebar(force) {
  const sb = $("#sidebar");
  if (!sb) return;
  const open = force === undefined ? !sb.classList.contains("open") : force;
  sb.classList.toggle("open", open);
  $("#backdrop").hidden = !open;
  $("#menu-btn").setAttribute("aria-expanded", String(open));
}

function toggleBell(force) {
  const menu = $("#notif-menu");
  if (!menu) return;
  const open = force === undefined ? menu.hidden : force;
  if (open === !menu.hidden) return;
  menu.hidden = !open;
  $("#bell").setAttribute("aria-expanded", String(open));
  clearInterval(state.bellTimer);
  state.bellTimer = null;
  paintNotifications();
  if (open) {
    refreshNotifications();
    state.bellTimer = setInterval(refreshNotifications, 5000);
  }
}

function markActiveNav(path) {
  $$(".sidebar .nav-link").forEach((a) => {
    const active = a.dataset.nav && (path === a.dataset.nav || path.startsWith(`${a.dataset.nav}/`));
    if (active) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  const m = path.match(/^\/izin\/([A-Z0-9_]+)\//);
  if (m) expandOnly(m[1]);
}

function setGroup(button, open) {
  button.setAttribute("aria-expanded", String(open));
  document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
}

/** Open one permit type's sub-menu (Data Izin, Data Disetujui) and close the others. */
function expandOnly(code) {
  $$(".nav-toggle").forEach((b) => setGroup(b, b.id === `grp-${code}`));
}

function paintCounts() {
  if (!state.counts) return;
  $$("[data-count]").forEach((el) => {
    const n = state.counts.pending[el.dataset.count] || 0;
    el.textContent = String(n);
    el.classList.toggle("zero", n === 0);
    el.setAttribute("aria-label", `${n} menunggu`);
  });
}

function paintNotifications() {
  const badge = $("#notif-badge");
  if (!badge) return;
  const n = state.notif.unread || 0;
  badge.textContent = String(n);
  badge.hidden = n === 0;
  const name = n ? `Notifikasi, ${n} belum dibaca` : "Notifikasi, tidak ada yang belum dibaca";
  $("#bell").setAttribute("title", name);
  $("#bell").setAttribute("aria-label", name);
  // the list exists only while the dropdown is open (no hidden copies of the titles)
  if ($("#notif-menu").hidden) {
    $("#notif-list").innerHTML = "";
    return;
  }
  const items = (state.notif.items || []).slice(0, 5);
  render(
    $("#notif-list"),
    items.length
      ? items.map(
          (n) => html`<li><a href="#/notifikasi/${encodeURIComponent(n.id)}" class="${n.read ? "" : "unread"}">
            <span class="n-title">${n.title}</span>
            <span class="n-time">${formatDateTime(n.created_at)}</span></a></li>`
        )
      : html`<li class="empty">Belum ada notifikasi.</li>`
  );
}

/** Reload the pending counts (sidebar). Views call it after a decision. */
async function refreshCounts() {
  try {
    state.counts = await get("/tickets/summary");
    paintCounts();
  } catch {
    /* counts are a convenience; the lists show errors themselves */
  }
  return state.counts;
}

/** Reload the bell (unread count + latest). */
async function refreshNotifications() {
  try {
    state.notif = await get("/notifications", { limit: 5 });
    paintNotifications();
  } catch {
    /* keep the last known state */
  }
  return state.notif;
}

/** A view changed read state locally (e.g. opened a notification). */
function setUnread(unread) {
  state.notif.unread = Math.max(0, unread);
  paintNotifications();
}

function startPolling() {
  stopPolling();
  const secs = Number(window.ETRACKING_CONFIG.notificationPollSeconds) || 60;
  state.pollTimer = setInterval(() => {
    if (session.get()) {
      refreshNotifications();
      refreshCounts();
    }
  }, secs * 1000);
}

function stopPolling() {
  if (state.pollTimer) clearInterval(state.pollTimer);
  state.pollTimer = null;
}

async function enterShell() {
  await loadCatalog();
  renderShell();
  adaptShell(currentUser());
  refreshCounts();
  refreshNotifications();
  startPolling();
}

function logout() {
  session.clear();
  sessionStorage.setItem(LEFT_KEY, "1");
  leaveShell();
  flashNext("Anda telah keluar dari aplikasi.", "info");
  navigate("#/");
}

function leaveShell() {
  stopPolling();
  clearInterval(state.bellTimer);
  state.bellTimer = null;
  state.shell = false;
  forgetCatalog();
  state.counts = null;
  state.notif = { unread: 0, items: [] };
}

/** Where to go after logging in: the page that was asked for, else the dashboard. */
function takeNext() {
  sessionStorage.removeItem(LEFT_KEY);
  const next = sessionStorage.getItem(NEXT_KEY);
  sessionStorage.removeItem(NEXT_KEY);
  return next && next !== "#/" ? next : home(currentUser());
}

function takeFlash() {
  const f = state.flash;
  state.flash = null;
  return f;
}

// ---------------------------------------------------------------- router

async function route() {
  const { path, query } = parseHash();
  const match = ROUTES.map((r) => ({ r, m: path.match(r.re) })).find((x) => x.m);
  const id = ++state.renderId;
  if (state.cleanup) {
    try {
      state.cleanup();
    } catch {
      /* ignore */
    }
    state.cleanup = null;
  }
  const logged = !!session.get();
  if (match && match.r.page) return showPage(match, query, id);

  if (!match || match.r.public) {
    if (logged && (!match || path === "/" || path === "")) {
      if (!match) {
        await ensureShell();
        render($("#view"), html`<h1 tabindex="-1">Halaman tidak ditemukan</h1>
          <p>Alamat <code>#${path}</code> tidak dikenal. <a href="#/dashboard">Kembali ke Dashboard</a>.</p>`);
        return;
      }
      location.replace(home(currentUser()));
      return;
    }
    if (!match) {
      location.replace("#/");
      return;
    }
    if (state.shell) leaveShell();
    const cleanup = await landing.show(app(), {
      flash: takeFlash(),
      afterLogin: () => navigate(takeNext()),
      isCurrent: () => id === state.renderId,
    });
    if (id === state.renderId) state.cleanup = cleanup || null;
    else if (cleanup) cleanup();
    return;
  }

  if (!logged) {
    if (sessionStorage.getItem(LEFT_KEY)) {
      // Back after Logout: the landing page again (in this same event, no second render),
      // and the login that follows starts at the dashboard
      history.replaceState(null, "", "#/");
      route();
      return;
    }
    sessionStorage.setItem(NEXT_KEY, `#${path}${query.toString() ? `?${query}` : ""}`);
    if (!state.flash) flashNext("Silakan login untuk membuka halaman yang diminta.", "info");
    if (state.shell) leaveShell();
    location.replace("#/");
    return;
  }

  await ensureShell();
  if (id !== state.renderId) return;
  markActiveNav(path);
  showFlash(takeFlash());
  const viewEl = $("#view");
  viewEl.innerHTML = "";
  const ctx = {
    el: viewEl,
    params: match.m.slice(1),
    query,
    mode: match.r.mode,
    isCurrent: () => id === state.renderId,
    setTitle: (t) => (document.title = brand().name ? `${t} · ${brand().name}` : t),
    flash: (message, kind) => showFlash({ message, kind }),
    flashNext,
    clearFlash: () => showFlash(null),
    navigate,
    permitType,
    permitTypes,
    user: currentUser(),
    refreshCounts,
    refreshNotifications,
    setUnread,
    counts: () => state.counts,
  };
  try {
    const cleanup = await match.r.view.show(ctx);
    if (typeof cleanup === "function") {
      if (id === state.renderId) state.cleanup = cleanup;
      else cleanup(); // this screen was left while it loaded
    }
  } catch (err) {
    if (id === state.renderId && err && err.status !== 401) {
      const retry = !err.status || err.status >= 500;
      render(
        viewEl,
        html`<div class="error-box" role="alert"><p>${err.message || "Terjadi kesalahan."}</p>
          ${retry
            ? html`<button type="button" class="btn" id="retry">Coba Lagi</button>`
            : html`<a href="#/dashboard">Kembali ke Dashboard</a>`}</div>`
      );
      if (retry) $("#retry").addEventListener("click", () => route());
    }
  }
  const h1 = viewEl.querySelector("h1");
  const focusInView = viewEl.contains(document.activeElement);
  if (h1 && id === state.renderId && !focusInView) {
    h1.setAttribute("tabindex", "-1");
    h1.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
}

/** A public page (Lacak Permohonan, verification of an SK): no shell, no login. */
async function showPage(match, query, id) {
  if (state.shell) leaveShell();
  const cleanup = await match.r.view.show({
    el: app(),
    params: match.m.slice(1),
    query,
    isCurrent: () => id === state.renderId,
    setTitle: (t) => (document.title = t),
  });
  if (id === state.renderId) state.cleanup = cleanup || null;
  else if (cleanup) cleanup();
}

/** The shell, entered once a session; each later page change reloads the sidebar counts
 * (tickets arrive and leave while an official moves between pages). */
function ensureShell() {
  if (state.shell && document.getElementById("view")) {
    refreshCounts();
    return Promise.resolve();
  }
  if (!state.entering) {
    state.entering = enterShell().finally(() => {
      state.entering = null;
    });
  }
  return state.entering;
}

window.addEventListener("etracking:unauthorized", () => {
  const { path, query } = parseHash();
  if (path !== "/" && path !== "") {
    sessionStorage.setItem(NEXT_KEY, `#${path}${query.toString() ? `?${query}` : ""}`);
  }
  leaveShell();
  flashNext("Sesi Anda telah berakhir. Silakan login kembali.", "error");
  if (location.hash === "#/" || location.hash === "") route();
  else location.replace("#/");
});

/**
 * The session could not be renewed: log in again over the current screen, so what the
 * official typed stays where it is and the interrupted request goes on. true = same
 * account (retry), "other" = another account (its own console), false = closed.
 */
function reauthInPlace() {
  const before = currentUser();
  if (!before) return Promise.resolve(false);
  return new Promise((resolve) => {
    const dialog = loginDialog(document.body, {
      title: "Sesi berakhir — Login kembali",
      note: "Sesi Anda telah berakhir. Login kembali untuk melanjutkan; isian Anda di layar ini tetap tersimpan.",
      email: before.email,
      onLogin: (user) => {
        dialog.destroy();
        if (user.email === before.email) {
          showFlash({ message: "Anda sudah login kembali. Lanjutkan pekerjaan Anda.", kind: "ok" });
          resolve(true);
          return;
        }
        leaveShell();
        resolve("other");
        navigate("#/dashboard");
      },
      onClose: () => {
        dialog.destroy();
        resolve(false);
      },
    });
    dialog.open();
  });
}
setReauthHandler(reauthInPlace);

// renew the session before it expires while the official is using the console
let lastActivity = Date.now();
["pointerdown", "keydown", "input"].forEach((type) =>
  document.addEventListener(type, () => (lastActivity = Date.now()), { capture: true, passive: true })
);
setInterval(() => {
  if (state.shell && Date.now() - lastActivity < ACTIVE_WINDOW_MS) renewIfDue();
}, 60 * 1000);

// page-wide: close the bell dropdown on an outside click, close menus on Escape
document.addEventListener("click", (e) => {
  if (!e.target.closest(".bell-wrap")) toggleBell(false);
});
document.addEventListener("keydown", (e) => {
  if (e.key !== "Escape") return;
  const menu = $("#notif-menu");
  if (menu && !menu.hidden) {
    toggleBell(false);
    $("#bell").focus();
  }
  toggleSidebar(false);
});

window.addEventListener("hashchange", route);
route();
