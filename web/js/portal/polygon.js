// The parcel drawn on a Leaflet map by clicking its corners, or read from a GeoJSON/KML file.
// Small on purpose: an applicant places 4–10 points; dragging and snapping are not needed.

import { html, render, $ } from "../html.js";
import { loadLeaflet } from "../map.js";
import { closedPolygon, openRing, polygonFromFile } from "./geo.js";

const STYLE = { color: "#0b4f8a", weight: 3, fillColor: "#f2b705", fillOpacity: 0.35 };
const INDONESIA = { center: [-2.5, 118], zoom: 5 };

/** The controls' markup; ids polygon-*. */
export function polygonMarkup(title) {
  return html`<div class="portal-polygon" id="polygon-box">
    <p class="label" id="polygon-title">${title}</p>
    <p class="muted small" id="polygon-help">Klik peta pada setiap sudut bidang tanah (paling sedikit 3 titik),
      atau unggah berkas GeoJSON/KML dari juru ukur atau Google Earth.</p>
    <div class="map portal-map" id="polygon-map" role="application" aria-label="Peta lokasi: klik untuk menambah titik sudut"></div>
    <p class="muted small" id="polygon-tiles" role="status" hidden>Peta dasar tidak dapat dimuat; titik sudut tetap dapat
      dipasang, atau unggah berkas GeoJSON/KML.</p>
    <div class="portal-polygon-tools">
      <button type="button" class="btn btn-sm btn-secondary" id="polygon-undo" disabled>Hapus Titik Terakhir</button>
      <button type="button" class="btn btn-sm btn-secondary" id="polygon-clear" disabled>Hapus Poligon</button>
      <label class="btn btn-sm btn-secondary portal-file" for="polygon-file">Unggah GeoJSON/KML</label>
      <input type="file" id="polygon-file" class="sr-only" disabled
        accept=".geojson,.json,.kml,application/geo+json,application/vnd.google-earth.kml+xml">
    </div>
    <p class="form-msg" id="polygon-msg" role="status" aria-live="polite"></p>
  </div>`;
}

/** The base map; when its tiles cannot be loaded the applicant is told the drawing still works. */
function addTiles(L, map, note) {
  const c = window.ETRACKING_CONFIG || {};
  if (!c.tileUrl) return;
  const tiles = L.tileLayer(c.tileUrl, { attribution: c.tileAttribution || "", maxZoom: c.tileMaxZoom || 19 });
  tiles.once("tileerror", () => {
    if (note) note.hidden = false;
  });
  tiles.addTo(map);
}

/**
 * Wire the drawing in root. value: a Polygon or null; area: {center, zoom} where the map opens;
 * onChange(polygon|null) after every change. Returns {destroy()}.
 */
export async function wirePolygon(root, { value, area, onChange }) {
  const L = await loadLeaflet();
  const el = $("#polygon-map", root);
  const map = L.map(el, { zoomControl: true });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  addTiles(L, map, $("#polygon-tiles", root));
  L.control.scale({ imperial: false }).addTo(map);
  const layer = L.layerGroup().addTo(map);
  let points = openRing(value); // [[lng, lat], …]
  const msg = $("#polygon-msg", root);
  const say = (text, cls = "") => {
    msg.className = `form-msg ${cls}`;
    msg.textContent = text;
  };

  /** Corner dots at most a third of the shortest side on screen: they mark the parcel, never
   * hide it (a plot drawn zoomed out was a pile of dots). */
  const corner = (latlngs) => {
    const at = latlngs.map((p) => map.latLngToLayerPoint(p));
    const sides = at.map((p, i) => p.distanceTo(at[(i + 1) % at.length])).filter((d) => d > 0);
    const radius = Math.max(2, Math.min(6, Math.min(...sides, 18) / 3));
    return { ...STYLE, radius, weight: radius < 6 ? 1.5 : STYLE.weight, fillOpacity: 1 };
  };
  const draw = () => {
    layer.clearLayers();
    const latlngs = points.map(([x, y]) => [y, x]);
    if (latlngs.length >= 3) L.polygon(latlngs, STYLE).addTo(layer);
    else if (latlngs.length === 2) L.polyline(latlngs, STYLE).addTo(layer);
    const dot = corner(latlngs);
    latlngs.forEach((p) => L.circleMarker(p, dot).addTo(layer));
  };
  const changed = () => {
    draw();
    onChange(points.length >= 3 ? closedPolygon(points) : null);
  };
  const fit = () => {
    if (points.length) map.fitBounds(L.latLngBounds(points.map(([x, y]) => [y, x])), { padding: [30, 30], maxZoom: 18 });
    else map.setView((area || INDONESIA).center, (area || INDONESIA).zoom);
  };

  map.on("click", (e) => {
    points.push([e.latlng.lng, e.latlng.lat]);
    say(points.length < 3 ? `Titik ${points.length} dipasang; tambah paling sedikit ${3 - points.length} lagi.` : `${points.length} titik sudut.`);
    changed();
  });
  $("#polygon-undo", root).addEventListener("click", () => {
    points.pop();
    say("");
    changed();
  });
  $("#polygon-clear", root).addEventListener("click", () => {
    points = [];
    say("Poligon dihapus. Klik peta untuk menggambar lagi.");
    changed();
  });
  $("#polygon-file", root).addEventListener("change", async (e) => {
    const file = e.target.files[0];
    e.target.value = "";
    if (!file) return;
    try {
      points = openRing(await polygonFromFile(file));
      say(`✓ Poligon dibaca dari ${file.name} (${points.length} titik sudut).`, "ok");
      changed();
      fit();
    } catch (err) {
      say(err.message, "error");
    }
  });
  fit();
  draw();
  map.on("zoomend", draw);
  // usable once wired (a file chosen while the map still loaded was lost)
  ["#polygon-undo", "#polygon-clear", "#polygon-file"].forEach((id) => ($(id, root).disabled = false));
  const ro = typeof ResizeObserver === "function" ? new ResizeObserver(() => map.invalidateSize()) : null;
  if (ro) ro.observe(el);
  return {
    destroy() {
      if (ro) ro.disconnect();
      map.remove();
    },
  };
}
