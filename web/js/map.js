// Leaflet, loaded on first use, and drawing of a ticket's location.
// The geometry is drawn and fitted even when no tile can be loaded (offline).

import { agency } from "./catalog.js";

let loading = null;
// Where a map with nothing to fit opens: the agency's area (its declaration), else Indonesia.
const INDONESIA = { center: [-2.5, 118], zoom: 5 };

function home() {
  const area = (agency() || {}).map;
  return area && Array.isArray(area.center) ? area : INDONESIA;
}

function cfg() {
  return window.ETRACKING_CONFIG || {};
}

/** Load Leaflet's CSS and script once; resolves with window.L. */
export function loadLeaflet() {
  if (window.L && window.L.map) return Promise.resolve(window.L);
  if (loading) return loading;
  loading = new Promise((resolve, reject) => {
    if (!document.querySelector("link[data-leaflet]")) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = cfg().leafletCss || "vendor/leaflet/leaflet.css";
      link.dataset.leaflet = "1";
      document.head.appendChild(link);
    }
    const script = document.createElement("script");
    script.src = cfg().leafletJs || "vendor/leaflet/leaflet.js";
    script.async = true;
    script.onload = () =>
      window.L ? resolve(window.L) : reject(new Error("Pustaka peta tidak dapat dimuat."));
    script.onerror = () => {
      loading = null;
      script.remove();
      reject(new Error("Pustaka peta (Leaflet) tidak dapat dimuat."));
    };
    document.head.appendChild(script);
  });
  return loading;
}

const SHAPE_STYLE = {
  color: "#0b4f8a",
  weight: 3,
  opacity: 1,
  fillColor: "#f2b705",
  fillOpacity: 0.35,
};

/**
 * Draw a GeoJSON geometry or Feature in el. onTileError() is called once if the base map
 * cannot be loaded. Returns {map, destroy()}.
 */
export async function drawLocation(el, geojson, { onTileError } = {}) {
  const L = await loadLeaflet();
  const map = L.map(el, { zoomControl: true, attributionControl: true });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  const c = cfg();
  if (c.tileUrl) {
    const tiles = L.tileLayer(c.tileUrl, {
      attribution: c.tileAttribution || "",
      maxZoom: c.tileMaxZoom || 19,
    });
    let told = false;
    tiles.on("tileerror", () => {
      if (!told && onTileError) {
        told = true;
        onTileError();
      }
    });
    tiles.addTo(map);
  }
  const layer = L.geoJSON(geojson, {
    style: () => SHAPE_STYLE,
    pointToLayer: (_f, latlng) =>
      L.circleMarker(latlng, { ...SHAPE_STYLE, radius: 11, fillOpacity: 0.9 }),
  }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  const fit = () => {
    const b = layer.getBounds();
    if (b.isValid()) map.fitBounds(b, { padding: [30, 30], maxZoom: 16 });
    else map.setView(home().center, home().zoom);
  };
  fit();
  // the container may get its final size after layout (e.g. shown inline)
  const ro = typeof ResizeObserver === "function" ? new ResizeObserver(() => map.invalidateSize()) : null;
  if (ro) ro.observe(el);
  return {
    map,
    refit: () => {
      map.invalidateSize();
      fit();
    },
    destroy: () => {
      if (ro) ro.disconnect();
      map.remove();
    },
  };
}

/** Rows [{ring, no, lng, lat}] of the coordinates of a geometry (Bujur = lng, Lintang = lat). */
export function coordinateRows(geometry) {
  if (!geometry) return [];
  const g = geometry.type === "Feature" ? geometry.geometry : geometry;
  if (!g) return [];
  const rows = [];
  const addRing = (label, coords) =>
    coords.forEach((p, i) => rows.push({ ring: label, no: i + 1, lng: p[0], lat: p[1] }));
  switch (g.type) {
    case "Point":
      addRing("Titik", [g.coordinates]);
      break;
    case "MultiPoint":
      addRing("Titik", g.coordinates);
      break;
    case "LineString":
      addRing("Garis", g.coordinates);
      break;
    case "MultiLineString":
      g.coordinates.forEach((l, i) => addRing(`Garis ${i + 1}`, l));
      break;
    case "Polygon":
      g.coordinates.forEach((r, i) => addRing(i === 0 ? "Batas luar" : `Lubang ${i}`, r));
      break;
    case "MultiPolygon":
      g.coordinates.forEach((poly, j) =>
        poly.forEach((r, i) =>
          addRing(`Poligon ${j + 1}${i === 0 ? "" : ` — lubang ${i}`}`, r)
        )
      );
      break;
    case "GeometryCollection":
      (g.geometries || []).forEach((x) => rows.push(...coordinateRows(x)));
      break;
    default:
      break;
  }
  return rows;
}
