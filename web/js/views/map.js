// Peta (#/tiket/{no}/peta): the location on a Leaflet map, its coordinates and the ticket.

import { get } from "../api.js";
import { html, render, $ } from "../html.js";
import { formatDate } from "../format.js";
import { drawLocation, coordinateRows } from "../map.js";
import { statusBadge, ticketButtons, wireGo } from "../ui.js";

export async function show(ctx) {
  const [no] = ctx.params;
  ctx.setTitle(`Peta Lokasi ${no}`);
  render(ctx.el, html`<h1>Peta Lokasi — No. Ticket ${no}</h1><p class="muted">Memuat peta…</p>`);
  const feature = await get(`/tickets/${encodeURIComponent(no)}/map`);
  if (!ctx.isCurrent()) return;
  const p = feature.properties || {};
  const rows = coordinateRows(feature.geometry);
  const multi = new Set(rows.map((r) => r.ring)).size > 1;
  const centroid = p.centroid;

  render(
    ctx.el,
    html`
    <div class="page-head with-actions">
      <h1>Peta Lokasi — No. Ticket ${p.ticket_no || no}</h1>
      <div id="head-actions">${ticketButtons(no, { map: false })}</div>
    </div>
    <div class="map-page">
      <div class="map-box">
        <div id="peta" class="map map-full" role="region" aria-label="Peta lokasi ${p.ticket_no || no}"></div>
        <p id="map-note" class="map-note" role="status" aria-live="polite" hidden></p>
      </div>
      <aside class="map-side">
        <section class="panel">
          <h2>Data Izin</h2>
          <table class="kv">
            <tbody>
              <tr><th scope="row">Nomor Ticket</th><td>${p.ticket_no}</td></tr>
              <tr><th scope="row">Nama Pemohon</th><td>${p.applicant_name}</td></tr>
              <tr><th scope="row">Jenis Izin</th><td>${p.permit_label}</td></tr>
              <tr><th scope="row">Tanggal Pengajuan</th><td>${formatDate(p.submitted_at)}</td></tr>
              <tr><th scope="row">Wilayah</th><td>${p.region}</td></tr>
              <tr><th scope="row">Status Saat Ini</th><td>${statusBadge(p.status, p)}</td></tr>
              <tr><th scope="row">Posisi</th><td>${p.position}</td></tr>
              ${centroid ? html`<tr><th scope="row">Titik Tengah <small class="muted">(lintang, bujur)</small></th><td>${coord(centroid[1])}, ${coord(centroid[0])}</td></tr>` : ""}
            </tbody>
          </table>
        </section>
        <section class="panel">
          <h2>Koordinat ${shapeName(feature.geometry)}</h2>
          <p class="muted small">Lintang, bujur dalam derajat desimal (WGS84), urutan yang dibaca GPS dan Google Maps.</p>
          <div class="table-wrap">
            <table class="data coords" id="tabel-koordinat">
              <thead><tr>${multi ? html`<th scope="col">Bagian</th>` : ""}<th scope="col">No.</th>
                <th scope="col">Lintang</th><th scope="col">Bujur</th></tr></thead>
              <tbody>
                ${rows.length
                  ? rows.map(
                      (r) => html`<tr>${multi ? html`<td>${r.ring}</td>` : ""}<td>${r.no}</td>
                        <td>${coord(r.lat)}</td><td>${coord(r.lng)}</td></tr>`
                    )
                  : html`<tr><td colspan="4">Lokasi tidak tersedia.</td></tr>`}
              </tbody>
            </table>
          </div>
        </section>
      </aside>
    </div>`
  );
  wireGo($("#head-actions"));

  let drawn = null;
  try {
    drawn = await drawLocation($("#peta"), feature, {
      onTileError: () => {
        const note = $("#map-note");
        if (note) {
          note.hidden = false;
          note.textContent =
            "Peta dasar tidak dapat dimuat (tidak ada koneksi ke server peta). Batas lokasi tetap ditampilkan.";
        }
      },
    });
  } catch (err) {
    const box = $("#peta");
    if (box) {
      box.classList.add("map-failed");
      box.textContent = `${err.message} Koordinat lokasi tersedia pada tabel.`;
    }
  }
  if (!ctx.isCurrent()) {
    if (drawn) drawn.destroy();
    return;
  }
  return () => drawn && drawn.destroy();
}

const SHAPES = { Polygon: "Poligon", MultiPolygon: "Multipoligon", Point: "Titik", LineString: "Garis" };

/** "Poligon", "Titik", … : the GeoJSON geometry type in the reader's words. */
function shapeName(geometry) {
  return (geometry && SHAPES[geometry.type]) || "Lokasi";
}

/** A coordinate as GPS devices and Google Maps write it: six decimals (about 10 cm) after
 * a point, the same in the table and the centre, so the two can be compared and copied. */
function coord(n) {
  return typeof n === "number" ? n.toFixed(6) : n;
}
