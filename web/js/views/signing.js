// Tanda Tangan Elektronik (#/tanda-tangan): the head of office signs, often on a phone, every
// decree waiting for him in one go — the list of applications waiting at his step, each SK
// openable, "Pilih Semua", one passphrase (typed each time, never kept), "Tandatangani" →
// POST /signing/batch, and the result of each application in words.

import { get, openInNewTab, post } from "../api.js";
import { html, render, $, $$ } from "../html.js";
import { formatDateTime } from "../format.js";
import { permitTypes } from "../catalog.js";
import { icon } from "../icons.js";
import { statusBadge } from "../ui.js";

const TITLE = "Tanda Tangan Elektronik";
const WRONG_PASSPHRASE = "Passphrase salah";

/** The sidebar entry, for whoever signs in a workflow (its declared `signing.role`). */
export function navEntry(workflows) {
  const signs = workflows.some((w) => w.signing && (w.my_roles || []).includes(w.signing.role));
  if (!signs) return "";
  return html`<li><a class="nav-link" href="#/tanda-tangan" data-nav="/tanda-tangan">${icon("doc")}<span>${TITLE}</span></a></li>`;
}

/** Every application waiting for me, of every permit type I see. */
async function waiting() {
  const lists = await Promise.all(
    permitTypes().map((t) => get("/tickets", { permit_type: t.code, limit: 100 }).then((r) => r.items || []))
  );
  return lists.flat().filter((r) => !r.final);
}

export async function show(ctx) {
  ctx.setTitle(TITLE);
  render(ctx.el, html`<h1>${TITLE}</h1><p class="muted">Memuat permohonan yang menunggu tanda tangan…</p>`);
  const rows = await waiting();
  if (!ctx.isCurrent()) return;
  const view = { ctx, rows, results: {} };
  paint(view);
}

function paint(view) {
  const { ctx, rows } = view;
  render(
    ctx.el,
    html`<div class="signing">
      <h1>${TITLE}</h1>
      <p class="muted">Permohonan yang menunggu tanda tangan Anda. Buka SK untuk membacanya, pilih, lalu
        masukkan Passphrase sekali untuk semua.</p>
      ${rows.length ? signingForm(view) : html`<p class="empty-box" id="tte-kosong">Tidak ada SK yang menunggu tanda tangan Anda.</p>`}
    </div>`
  );
  if (rows.length) wire(view);
}

/** Signed in this visit: stays on the list, out of "Pilih Semua" and its count. */
const isSigned = (view, r) => Boolean((view.results[r.ticket_no] || {}).signed);

function signingForm(view) {
  const left = view.rows.filter((r) => !isSigned(view, r)).length;
  const signed = view.rows.length - left;
  return html`<form id="form-tte" novalidate>
    <div class="tte-bar">
      ${left ? html`<label class="check-all"><input type="checkbox" id="pilih-semua">
        <span>Pilih Semua (<span id="jumlah-dipilih">0</span> dari ${left})</span></label>` : ""}
      ${signed ? html`<span class="muted" id="jumlah-ditandatangani">${signed} sudah ditandatangani</span>` : ""}
    </div>
    <ul class="tte-list" id="daftar-tte">${view.rows.map((r) =>
      card(r, view.results[r.ticket_no], (view.keep || []).includes(r.ticket_no))
    )}</ul>
    ${left ? signPanel() : html`<p class="empty-box" id="tte-selesai">Semua SK di daftar ini sudah ditandatangani.</p>`}
    <div id="tte-pesan" class="form-msg" role="alert" aria-live="assertive"></div>
  </form>`;
}

function signPanel() {
  return html`<div class="tte-sign panel">
      <label for="tte-passphrase">Passphrase</label>
      <input id="tte-passphrase" name="passphrase" type="password" autocomplete="off" autocapitalize="off"
        spellcheck="false" aria-describedby="tte-passphrase-bantuan">
      <small class="muted" id="tte-passphrase-bantuan">Passphrase sertifikat elektronik BSrE Anda. Tidak disimpan.</small>
      <button type="submit" class="btn btn-primary btn-lg btn-block" id="btn-tandatangani">Tandatangani</button>
    </div>`;
}

/** One application; `ticked`: still chosen (after a wrong passphrase, to try again). */
function card(r, result, ticked) {
  const done = result && result.signed;
  const id = `tte-${r.ticket_no}`;
  return html`<li class="tte-card ${done ? "signed" : ""}" data-ticket="${r.ticket_no}">
    <div class="tte-head">
      <input type="checkbox" id="${id}" value="${r.ticket_no}" data-pilih ${done ? "disabled" : ticked ? "checked" : ""}
        aria-describedby="${id}-hasil">
      <label for="${id}"><strong>${r.ticket_no}</strong><span>${r.applicant_name}</span></label>
    </div>
    <p class="tte-meta">${r.permit_short || r.permit_label} · ${statusBadge(done ? result.status : r.status, r)}
      <br><span class="muted">${done ? `Ditandatangani${result.signed_at ? ` ${formatDateTime(result.signed_at)}` : ""}` : `Menunggu sejak ${formatDateTime(r.waiting_since)}`}</span></p>
    <div class="tte-actions">
      <button type="button" class="btn btn-sm btn-secondary" data-sk="${r.ticket_no}">${done ? "Unduh SK" : "Lihat SK"}</button>
      <a class="btn btn-sm btn-secondary" href="#/tiket/${encodeURIComponent(r.ticket_no)}">Detail</a>
    </div>
    <p class="tte-hasil ${result ? (done ? "ok" : "error") : ""}" id="${id}-hasil" aria-live="polite">${resultText(result)}</p>
  </li>`;
}

/** What happened to one application, in words. */
function resultText(result) {
  if (!result) return "";
  if (result.signed) return `✓ Ditandatangani. Status: ${result.status}.`;
  if (result.code === "PASSPHRASE_SALAH") return `${WRONG_PASSPHRASE}: belum ditandatangani.`;
  return `Belum ditandatangani: ${result.message || "tidak diproses."}`;
}

function chosen() {
  return $$("[data-pilih]:checked").map((c) => c.value);
}

function wire(view) {
  const all = $("#pilih-semua");
  const boxes = () => $$("[data-pilih]:not(:disabled)");
  const count = () => {
    if (!all) return; // nothing left to sign
    const n = chosen().length;
    $("#btn-tandatangani").textContent = n ? `Tandatangani (${n})` : "Tandatangani";
    $("#jumlah-dipilih").textContent = String(n);
    all.checked = n > 0 && n === boxes().length;
    all.indeterminate = n > 0 && n < boxes().length;
  };
  if (all) {
    all.addEventListener("change", () => {
      boxes().forEach((c) => (c.checked = all.checked));
      count();
    });
  }
  $("#daftar-tte").addEventListener("change", count);
  $("#daftar-tte").addEventListener("click", (e) => {
    const b = e.target.closest("[data-sk]");
    if (b) openSk(b.dataset.sk);
  });
  $("#form-tte").addEventListener("submit", (e) => {
    e.preventDefault();
    sign(view);
  });
  count();
}

function say(text, kind = "error") {
  const msg = $("#tte-pesan");
  msg.className = `form-msg ${kind}`;
  msg.textContent = text;
}

async function sign(view) {
  const nos = chosen();
  const input = $("#tte-passphrase");
  const passphrase = input.value;
  if (!nos.length) return say("Pilih paling sedikit satu permohonan untuk ditandatangani.");
  if (!passphrase) {
    input.focus();
    return say("Masukkan Passphrase.");
  }
  const button = $("#btn-tandatangani");
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  say(`Menandatangani ${nos.length} SK…`, "info");
  let answer;
  try {
    answer = await signInParts(nos, passphrase);
  } catch (err) {
    input.value = "";
    button.disabled = false;
    button.removeAttribute("aria-busy");
    return say(err.code === "PASSPHRASE_SALAH" ? `${WRONG_PASSPHRASE}.` : err.message);
  }
  input.value = ""; // typed again for the next batch, never kept
  if (!view.ctx.isCurrent()) return;
  showResults(view, nos, answer);
}

const PER_REQUEST = 10; // the API signs at most 10 per request (a request's time limit)

/** Every chosen decree, 10 per request; stops where the API stopped (wrong passphrase,
 * BSrE unreachable): the results of all parts together. */
async function signInParts(nos, passphrase) {
  const all = { items: [], signed: 0 };
  for (let i = 0; i < nos.length; i += PER_REQUEST) {
    const part = nos.slice(i, i + PER_REQUEST);
    const answer = await post("/signing/batch", { ticket_nos: part, passphrase });
    all.items.push(...(answer.items || []));
    all.signed += answer.signed || 0;
    if ((answer.items || []).length < part.length) break;
  }
  return all;
}

function showResults(view, nos, answer) {
  const items = answer.items || [];
  const wrong = items.some((i) => i.code === "PASSPHRASE_SALAH");
  // a wrong passphrase stops the batch at its first decree: none of them is signed
  const missing = wrong ? { signed: false, code: "PASSPHRASE_SALAH" } : { signed: false, message: "tidak diproses." };
  // only this attempt's outcome is shown (signed ones stay signed); after a wrong
  // passphrase the same applications stay ticked, to try again at once
  view.results = Object.fromEntries(Object.entries(view.results).filter(([, r]) => r.signed));
  nos.forEach((no) => {
    view.results[no] = items.find((i) => i.ticket_no === no) || missing;
  });
  view.keep = wrong ? nos : [];
  paint(view);
  const signed = answer.signed || 0;
  const text = wrong
    ? `${WRONG_PASSPHRASE}. Tidak ada SK yang ditandatangani; periksa Passphrase lalu coba lagi.`
    : `${signed} dari ${nos.length} SK ditandatangani.`;
  say(text, wrong || signed < nos.length ? "error" : "ok");
  view.ctx.refreshCounts();
  view.ctx.refreshNotifications();
}

/** The decree (drawn, or signed once it is) in a new tab. */
async function openSk(no) {
  try {
    await openInNewTab(`/tickets/${encodeURIComponent(no)}/sk`);
  } catch (err) {
    say(err.message);
  }
}
