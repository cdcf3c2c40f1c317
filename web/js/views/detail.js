// Detail (#/tiket/{no}): every piece of ticket data and, when it is my turn, the decision form.

import { get, post, uploadToPresigned } from "../api.js";
import { html, render, $, $$ } from "../html.js";
import { formatDate, formatDateTime, formatSize, roleLabel } from "../format.js";
import { drawLocation } from "../map.js";
import { statusBadge, statusKind, ticketButtons, wireGo } from "../ui.js";

const MAX_PDF = 10 * 1024 * 1024;
const STALE_MESSAGE =
  "Izin ini sudah diproses oleh pengguna lain. Muat ulang untuk melihat status terbaru.";

export async function show(ctx) {
  const [no] = ctx.params;
  ctx.setTitle(`Detail Izin ${no}`);
  render(ctx.el, html`<h1>Detail Izin — No. Ticket ${no}</h1><p class="muted">Memuat data izin…</p>`);
  const ticket = await get(`/tickets/${encodeURIComponent(no)}`);
  if (!ctx.isCurrent()) return;
  const view = { ctx, no, cleanup: [] };
  paint(view, ticket);
  return () => view.cleanup.forEach((f) => f());
}

async function reload(view) {
  view.ctx.clearFlash();
  try {
    const t = await get(`/tickets/${encodeURIComponent(view.no)}`);
    if (view.ctx.isCurrent()) paint(view, t);
  } catch (err) {
    if (view.ctx.isCurrent() && err.status !== 401) view.ctx.flash(err.message, "error");
  }
}

function row(label, value) {
  return html`<tr><th scope="row">${label}</th><td>${value === null || value === undefined || value === "" ? "-" : value}</td></tr>`;
}

function paint(view, t) {
  view.cleanup.forEach((f) => f());
  view.cleanup = [];
  const { ctx } = view;
  const p = t.pending;
  const a = t.applicant || {};
  const docs = t.documents || [];
  const rekomtekDocs = docs.filter((d) => d.kind === "REKOMTEK");
  const last = t.last_decision;
  // right after the last decision the ticket shows its final status before it is marked final
  const isFinal = t.final || (!p && /^(DISETUJUI|DITOLAK) DINAS ESDM$/.test(t.status || ""));

  render(
    ctx.el,
    html`
    <div class="page-head with-actions">
      <h1>Detail Izin — No. Ticket ${t.ticket_no}</h1>
      <div id="head-actions">${ticketButtons(t.ticket_no, { detail: false, mapText: "Peta Lokasi" })}</div>
    </div>

    ${isFinal
      ? html`<div class="final-banner final-${statusKind(t.status)}" id="status-akhir">
          <span class="final-label">Keputusan akhir</span>
          <strong class="final-status">${t.status}</strong>
          <span>${t.decided_at ? `Diputuskan ${formatDateTime(t.decided_at)} · ` : ""}${
            t.final ? "dikirim ke PTSP (SIAP Jateng)" : "sedang dikirim ke PTSP (SIAP Jateng)"
          }</span>
        </div>`
      : html`<div class="status-strip" id="status-strip">
          <div><span class="muted">Status Saat Ini</span> ${statusBadge(t.status)}</div>
          <div><span class="muted">Posisi</span> <strong>${t.position}</strong></div>
          <div class="${p && p.my_turn ? "turn-mine" : "turn-other"}" id="giliran">${
            p && p.my_turn
              ? "Giliran Anda untuk memproses izin ini."
              : `Menunggu: ${p ? waitingFor(p, t) : t.position}`
          }</div>
        </div>`}

    <div class="grid-2">
      <section class="panel" aria-labelledby="h-pemohon">
        <h2 id="h-pemohon">Data Pemohon</h2>
        <table class="kv"><tbody>
          ${row("Nama Pemohon", a.name || t.applicant_name)}
          ${row("Perusahaan", a.company)}
          ${row("NIK", a.nik)}
          ${row("Email", a.email)}
          ${row("Nomor Telepon", a.phone)}
        </tbody></table>
      </section>
      <section class="panel" aria-labelledby="h-izin">
        <h2 id="h-izin">Data Izin</h2>
        <table class="kv"><tbody>
          ${row("Nomor Ticket", t.ticket_no)}
          ${row("Jenis Izin", t.permit_label)}
          ${row("Tanggal Pengajuan", formatDate(t.submitted_at))}
          ${row("Wilayah", t.region)}
          ${row("Status Saat Ini", statusBadge(t.status))}
          ${row("Posisi", t.position)}
          ${p ? row("Menunggu sejak", formatDateTime(p.entered_at)) : ""}
          ${last
            ? row(
                "Keputusan terakhir",
                html`<strong>${last.action}</strong><br><span class="muted">${last.actor_name || last.actor}
                  (${roleLabel(last.role)}), ${formatDateTime(last.decided_at)}</span>`
              )
            : ""}
          ${t.final ? row("Tanggal keputusan akhir", formatDateTime(t.decided_at)) : ""}
        </tbody></table>
      </section>
    </div>

    <section class="panel" aria-labelledby="h-ptsp">
      <h2 id="h-ptsp">Dokumen dari PTSP</h2>
      ${(t.ptsp_documents || []).length
        ? html`<ul class="doc-links">${t.ptsp_documents.map(
            (d) => html`<li><a href="${safeUrl(d.url)}" target="_blank" rel="noopener noreferrer">${d.name}</a></li>`
          )}</ul>`
        : html`<p class="muted">Tidak ada dokumen dari PTSP.</p>`}
    </section>

    ${t.rekomtek
      ? html`<section class="panel rekomtek" aria-labelledby="h-rekomtek" id="rekomtek">
          <h2 id="h-rekomtek">Rekomendasi Teknis</h2>
          ${p && p.my_turn && ["KEPALA_BIDANG", "KEPALA_DINAS"].includes(p.role)
            ? html`<p class="hint">Tinjau data rekomendasi teknis dari Cabang Dinas Wilayah berikut sebelum memutuskan.</p>`
            : ""}
          <table class="kv"><tbody>
            ${row("Nomor Rekomtek", t.rekomtek.nomor)}
            ${row("Tanggal Surat Rekomendasi Teknis", formatDate(t.rekomtek.tanggal_surat))}
            ${row("Masa Berlaku", formatDate(t.rekomtek.berlaku_sampai))}
            ${row("Jangka Waktu Izin", t.rekomtek.jangka_waktu)}
            ${row(
              "Surat rekomendasi teknis lampiran peta",
              rekomtekDocs.length
                ? html`${rekomtekDocs.map(
                    (d) => html`<div class="doc-inline">${d.filename}
                      <button type="button" class="btn btn-sm btn-secondary" data-doc="${d.id}">Buka</button></div>`
                  )}`
                : "-"
            )}
          </tbody></table>
        </section>`
      : ""}

    <section class="panel" aria-labelledby="h-dokumen">
      <h2 id="h-dokumen">Dokumen Unggahan</h2>
      <div id="doc-table">${documentsTable(docs)}</div>
      <div id="doc-msg" class="form-msg" role="status" aria-live="polite"></div>
    </section>

    ${p && p.my_turn && (p.options || []).length
      ? decisionForm(t)
      : !isFinal
      ? html`<section class="panel waiting" aria-labelledby="h-proses" id="panel-proses">
          <h2 id="h-proses">Proses Persetujuan</h2>
          ${p
            ? html`<p class="waiting-text">Menunggu: <strong>${waitingFor(p, t)}</strong></p>
                <p class="muted">Status ${p.status} sejak ${formatDateTime(p.entered_at)}. Anda tidak dapat
                  memproses izin ini pada langkah ini.</p>`
            : html`<p class="waiting-text">Menunggu: <strong>${t.position}</strong></p>
                <p class="muted">Langkah berikutnya sedang dicatat sistem.
                  <button type="button" class="btn btn-sm btn-secondary" id="reload-detail">Muat Ulang</button></p>`}
        </section>`
      : ""}`
  );

  wireGo($("#head-actions"));
  ctx.el.addEventListener("click", onDocClick);
  view.cleanup.push(() => ctx.el.removeEventListener("click", onDocClick));
  const rl = $("#reload-detail");
  if (rl) rl.addEventListener("click", () => reload(view));
  if (p && p.my_turn && (p.options || []).length) wireDecision(view, t);

  async function onDocClick(e) {
    const b = e.target.closest("[data-doc]");
    if (!b) return;
    const msg = $("#doc-msg");
    // open the tab now (a click may open a window), fill in the short-lived link after
    const w = window.open("", "_blank");
    try {
      const r = await get(`/tickets/${encodeURIComponent(t.ticket_no)}/documents/${encodeURIComponent(b.dataset.doc)}`);
      if (w) {
        w.opener = null;
        w.location.href = r.url;
        msg.className = "form-msg";
        msg.textContent = "";
      } else {
        msg.className = "form-msg";
        render(msg, html`Dokumen siap: <a href="${safeUrl(r.url)}" target="_blank" rel="noopener noreferrer">buka ${r.filename || "dokumen"}</a> (tautan berlaku 5 menit).`);
      }
    } catch (err) {
      if (w) w.close();
      msg.className = "form-msg error";
      msg.textContent = err.message;
    }
  }
}

/** The uploaded documents (refreshed in place after an upload is confirmed). */
function documentsTable(docs) {
  return docs.length
    ? html`<div class="table-wrap"><table class="data responsive" id="tabel-dokumen">
            <thead><tr><th scope="col">Nama Berkas</th><th scope="col">Jenis</th><th scope="col">Ukuran</th>
              <th scope="col">Diunggah</th><th scope="col">Oleh</th><th scope="col">Langkah</th><th scope="col">Aksi</th></tr></thead>
            <tbody>${docs.map(
              (d) => html`<tr data-document="${d.id}">
                <td data-label="Nama Berkas">${d.filename}</td>
                <td data-label="Jenis">${d.kind}</td>
                <td data-label="Ukuran">${formatSize(d.size)}</td>
                <td data-label="Diunggah">${formatDateTime(d.uploaded_at)}</td>
                <td data-label="Oleh">${d.uploaded_by}</td>
                <td data-label="Langkah">${d.step || "-"}</td>
                <td data-label="Aksi"><button type="button" class="btn btn-sm btn-secondary" data-doc="${d.id}">Buka</button></td>
              </tr>`
            )}</tbody></table></div>`
        : html`<p class="muted">Belum ada dokumen yang diunggah.</p>`;
}

function waitingFor(p, t) {
  return p.role === "CABANG_DINAS" && t.region ? `${p.role_label} (${t.region})` : p.role_label;
}

function safeUrl(u) {
  return /^https?:\/\//i.test(String(u || "")) ? u : "#";
}

// ---------------------------------------------------------------- decision form

function decisionForm(t) {
  const p = t.pending;
  const r = t.rekomtek || {};
  return html`
  <section class="panel decision" aria-labelledby="h-proses" id="panel-proses">
    <h2 id="h-proses">Proses Persetujuan</h2>
    <p class="muted">Langkah ${p.step}: <strong>${p.status}</strong> — diproses oleh ${p.role_label}.</p>
    <form id="form-keputusan" novalidate>
      <div class="form-grid">
        <label for="perubahan-status">Perubahan Status</label>
        <div><select id="perubahan-status" name="action" required>
          <option value="">-- Pilih Salah Satu --</option>
          ${p.options.map((o) => html`<option value="${o.action}">${o.action}</option>`)}
        </select></div>
      </div>

      <fieldset id="rekomtek-fields" class="rekomtek-fields" hidden>
        <legend>Data Rekomendasi Teknis</legend>
        <div class="form-grid">
          <label for="nomor-rekomtek">Nomor Rekomtek</label>
          <div><input id="nomor-rekomtek" name="nomor" type="text" maxlength="100"
            placeholder="625/REKOM/WIUP/09/2019" value="${r.nomor || ""}"></div>
          <label for="tanggal-surat">Tanggal Surat Rekomendasi Teknis</label>
          <div><input id="tanggal-surat" name="tanggal_surat" type="date" value="${r.tanggal_surat || ""}"></div>
          <label for="masa-berlaku">Masa Berlaku</label>
          <div><input id="masa-berlaku" name="berlaku_sampai" type="date" value="${r.berlaku_sampai || ""}">
            <small class="muted">Tanggal akhir berlakunya rekomendasi teknis.</small></div>
          <label for="jangka-waktu">Jangka Waktu Izin</label>
          <div><input id="jangka-waktu" name="jangka_waktu" type="text" maxlength="60" placeholder="1 Tahun"
            value="${r.jangka_waktu || ""}"></div>
          <label for="berkas-rekomtek">Unggah surat rekomendasi teknis lampiran peta (PDF)</label>
          <div class="upload">
            <input id="berkas-rekomtek" name="berkas" type="file" accept="application/pdf,.pdf">
            <div class="progress-row" id="upload-progress-row" hidden>
              <progress id="upload-progress" max="100" value="0" aria-label="Kemajuan unggahan"></progress>
              <span id="upload-percent">0%</span>
            </div>
            <p id="upload-status" class="form-msg" role="status" aria-live="polite"></p>
          </div>
        </div>
      </fieldset>

      <div class="form-grid">
        <label for="catatan">Catatan</label>
        <div><textarea id="catatan" name="note" rows="3" maxlength="2000"
          placeholder="Opsional: alasan atau keterangan keputusan"></textarea></div>
        <span class="label" id="label-peta">Peta</span>
        <div class="peta-row" role="group" aria-labelledby="label-peta">
          <button type="button" class="btn btn-green" id="btn-lihat-peta" aria-expanded="false"
            aria-controls="inline-map-box">LIHAT PETA</button>
          <button type="button" class="btn btn-check" id="btn-check" aria-pressed="false">CHECK</button>
        </div>
      </div>
      <div id="inline-map-box" class="inline-map-box" hidden>
        <div id="inline-map" class="map map-inline" role="region" aria-label="Peta lokasi tambang"></div>
        <p id="inline-map-note" class="map-note" hidden></p>
      </div>
      <p class="muted hint" id="check-hint">Klik CHECK setelah memeriksa detail izin dan peta, lalu klik SIMPAN.</p>
      <div id="keputusan-pesan" class="form-msg" role="alert" aria-live="assertive"></div>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary btn-lg" id="btn-simpan" disabled>SIMPAN</button>
      </div>
    </form>
  </section>`;
}

function wireDecision(view, t) {
  const { ctx } = view;
  const p = t.pending;
  const st = { checked: false, docId: null, uploading: false, map: null, saving: false };
  const select = $("#perubahan-status");
  const checkBtn = $("#btn-check");
  const saveBtn = $("#btn-simpan");
  const msg = $("#keputusan-pesan");
  const option = () => p.options.find((o) => o.action === select.value) || null;
  const needsRekomtek = () => {
    const o = option();
    return !!(o && o.requires && o.requires.fields === "rekomtek");
  };
  const needsDocs = () => {
    const o = option();
    return (o && o.requires && o.requires.documents) || [];
  };

  const update = () => {
    $("#rekomtek-fields").hidden = !(needsRekomtek() || needsDocs().length);
    saveBtn.disabled = !(st.checked && select.value) || st.saving || st.uploading;
  };
  const setMsg = (text, kind = "error") => {
    msg.className = `form-msg ${kind}`;
    msg.textContent = text;
  };

  $("#form-keputusan").addEventListener("input", (e) => {
    if (e.target.hasAttribute("aria-invalid")) e.target.removeAttribute("aria-invalid");
  });
  select.addEventListener("change", () => {
    setMsg("", "");
    update();
  });
  checkBtn.addEventListener("click", () => {
    st.checked = !st.checked;
    checkBtn.setAttribute("aria-pressed", String(st.checked));
    checkBtn.textContent = st.checked ? "✓ SUDAH DICEK" : "CHECK";
    checkBtn.classList.toggle("checked", st.checked);
    update();
  });

  $("#btn-lihat-peta").addEventListener("click", async (e) => {
    const btn = e.currentTarget;
    const box = $("#inline-map-box");
    const open = box.hidden;
    box.hidden = !open;
    btn.setAttribute("aria-expanded", String(open));
    if (open && !st.map && t.location) {
      try {
        st.map = await drawLocation($("#inline-map"), t.location, {
          onTileError: () => {
            const n = $("#inline-map-note");
            if (n) {
              n.hidden = false;
              n.textContent = "Peta dasar tidak dapat dimuat; batas lokasi tetap ditampilkan.";
            }
          },
        });
      } catch (err) {
        $("#inline-map").textContent = err.message;
      }
    } else if (open && st.map) {
      st.map.refit();
    }
  });
  view.cleanup.push(() => st.map && st.map.destroy());

  $("#berkas-rekomtek").addEventListener("change", (e) => {
    const file = e.target.files && e.target.files[0];
    st.docId = null;
    if (file) upload(file);
  });

  async function upload(file) {
    const status = $("#upload-status");
    const row = $("#upload-progress-row");
    const bar = $("#upload-progress");
    const pct = $("#upload-percent");
    const say = (text, kind) => {
      status.className = `form-msg ${kind || ""}`;
      status.textContent = text;
    };
    if (!/\.pdf$/i.test(file.name) && file.type !== "application/pdf") {
      say("Berkas harus berformat PDF.", "error");
      return;
    }
    if (file.size === 0) {
      say("Berkas kosong.", "error");
      return;
    }
    if (file.size > MAX_PDF) {
      say(`Ukuran berkas ${formatSize(file.size)} melebihi batas 10 MB.`, "error");
      return;
    }
    st.uploading = true;
    update();
    row.hidden = false;
    bar.value = 0;
    pct.textContent = "0%";
    say(`Mengunggah ${file.name}…`, "");
    const input = $("#berkas-rekomtek");
    input.disabled = true;
    try {
      const grant = await post(`/tickets/${encodeURIComponent(t.ticket_no)}/documents`, {
        kind: "REKOMTEK",
        filename: file.name.slice(-200),
        content_type: "application/pdf",
        size: file.size,
      });
      await uploadToPresigned(grant.upload, file, (f) => {
        bar.value = Math.round(f * 100);
        pct.textContent = `${Math.round(f * 100)}%`;
      });
      say("Memeriksa berkas di server…", "");
      const doc = await post(
        `/tickets/${encodeURIComponent(t.ticket_no)}/documents/${encodeURIComponent(grant.id)}/confirm`
      );
      st.docId = doc.id;
      say(`✓ Berkas diterima: ${doc.filename} (${formatSize(doc.size)}).`, "ok");
      // show it in Dokumen Unggahan too; a failed refresh does not undo the upload
      get(`/tickets/${encodeURIComponent(t.ticket_no)}`)
        .then((fresh) => render($("#doc-table"), documentsTable(fresh.documents || [])))
        .catch(() => {});
    } catch (err) {
      st.docId = null;
      row.hidden = true;
      say(`Berkas ditolak: ${err.message}`, "error");
    } finally {
      st.uploading = false;
      input.disabled = false;
      update();
    }
  }

  $("#form-keputusan").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (st.saving) return;
    $$("[aria-invalid]", ctx.el).forEach((x) => x.removeAttribute("aria-invalid"));
    const o = option();
    if (!o) {
      setMsg("Pilih Perubahan Status terlebih dahulu.");
      select.focus();
      return;
    }
    if (!st.checked) {
      setMsg("Klik CHECK setelah memeriksa detail izin dan peta.");
      checkBtn.focus();
      return;
    }
    const body = { step: p.step, action: o.action, checked: true };
    const note = $("#catatan").value.trim();
    if (note) body.note = note;
    if (needsRekomtek()) {
      const fields = [
        ["nomor-rekomtek", "nomor", "Nomor Rekomtek"],
        ["tanggal-surat", "tanggal_surat", "Tanggal Surat Rekomendasi Teknis"],
        ["masa-berlaku", "berlaku_sampai", "Masa Berlaku"],
        ["jangka-waktu", "jangka_waktu", "Jangka Waktu Izin"],
      ];
      const rekomtek = {};
      const missing = [];
      for (const [id, key, label] of fields) {
        const v = $(`#${id}`).value.trim();
        if (!v) {
          missing.push(label);
          $(`#${id}`).setAttribute("aria-invalid", "true");
        }
        rekomtek[key] = v;
      }
      if (missing.length) {
        setMsg(`Lengkapi data rekomtek: ${missing.join(", ")}.`);
        $("[aria-invalid]", ctx.el).focus();
        return;
      }
      if (rekomtek.nomor.length < 3) {
        setMsg("Nomor Rekomtek minimal 3 karakter.");
        $("#nomor-rekomtek").setAttribute("aria-invalid", "true");
        $("#nomor-rekomtek").focus();
        return;
      }
      if (rekomtek.berlaku_sampai < rekomtek.tanggal_surat) {
        setMsg("Masa Berlaku tidak boleh sebelum Tanggal Surat Rekomendasi Teknis.");
        $("#masa-berlaku").setAttribute("aria-invalid", "true");
        $("#masa-berlaku").focus();
        return;
      }
      body.rekomtek = rekomtek;
    }
    if (needsDocs().length) {
      if (st.uploading) {
        setMsg("Tunggu sampai unggahan surat rekomendasi teknis selesai.");
        return;
      }
      if (!st.docId) {
        setMsg("Unggah surat rekomendasi teknis lampiran peta (PDF) terlebih dahulu.");
        $("#berkas-rekomtek").setAttribute("aria-invalid", "true");
        $("#berkas-rekomtek").focus();
        return;
      }
      body.document_ids = [st.docId];
    }

    st.saving = true;
    update();
    saveBtn.setAttribute("aria-busy", "true");
    setMsg("Menyimpan keputusan…", "info");
    try {
      const d = await post(`/tickets/${encodeURIComponent(t.ticket_no)}/decision`, body);
      if (!ctx.isCurrent()) return;
      paint(view, d);
      window.scrollTo(0, 0);
      ctx.flash(`Keputusan "${o.action}" tersimpan. Status baru: ${d.status}.`, "ok");
      ctx.refreshCounts();
      ctx.refreshNotifications();
    } catch (err) {
      st.saving = false;
      saveBtn.removeAttribute("aria-busy");
      update();
      if (err.status === 409 || err.code === "STEP_NOT_PENDING" || err.code === "STEP_ALREADY_DECIDED") {
        msg.className = "form-msg error";
        render(msg, html`<p>${STALE_MESSAGE}</p>
          <button type="button" class="btn btn-secondary" id="btn-muat-ulang">Muat Ulang</button>`);
        $("#btn-muat-ulang").addEventListener("click", () => reload(view));
        return;
      }
      setMsg(err.message);
      const fieldIds = {
        action: "perubahan-status",
        checked: "btn-check",
        rekomtek: "nomor-rekomtek",
        "rekomtek.nomor": "nomor-rekomtek",
        "rekomtek.tanggal_surat": "tanggal-surat",
        "rekomtek.berlaku_sampai": "masa-berlaku",
        "rekomtek.jangka_waktu": "jangka-waktu",
        document_ids: "berkas-rekomtek",
        note: "catatan",
      };
      const target = err.field && document.getElementById(fieldIds[err.field]);
      if (target) {
        target.setAttribute("aria-invalid", "true");
        target.focus();
      }
    }
  });

  update();
}
