// A parcel's polygon: its area (as the API measures it), and reading it from a GeoJSON or
// KML file an applicant got from a surveyor or Google Earth.

const EARTH_RADIUS_M = 6371008.8;

/** Area in m² of a GeoJSON Polygon's outer ring, on a plane tangent at its mean latitude
 * (the same measure the API gives as luas_poligon). */
export function polygonArea(polygon) {
  const ring = ((polygon && polygon.coordinates) || [])[0] || [];
  if (ring.length < 4) return 0;
  const lat = (ring.reduce((s, p) => s + p[1], 0) / ring.length) * (Math.PI / 180);
  const sx = (Math.PI / 180) * EARTH_RADIUS_M * Math.cos(lat);
  const sy = (Math.PI / 180) * EARTH_RADIUS_M;
  let twice = 0;
  for (let i = 0; i < ring.length - 1; i += 1) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[i + 1];
    twice += x1 * sx * (y2 * sy) - x2 * sx * (y1 * sy);
  }
  return Math.abs(twice) / 2;
}

/** Points [[lng, lat], …] (open) → a closed GeoJSON Polygon. */
export function closedPolygon(points) {
  const ring = points.map(([x, y]) => [Number(x.toFixed(7)), Number(y.toFixed(7))]);
  return { type: "Polygon", coordinates: [[...ring, ring[0]]] };
}

/** The open ring of a Polygon's outer boundary. */
export function openRing(polygon) {
  const ring = ((polygon && polygon.coordinates) || [])[0] || [];
  const same = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1];
  return same ? ring.slice(0, -1) : ring.slice();
}

class FileProblem extends Error {}

function firstPolygon(geojson) {
  if (!geojson || typeof geojson !== "object") return null;
  if (geojson.type === "Polygon") return geojson;
  if (geojson.type === "MultiPolygon" && geojson.coordinates.length === 1) {
    return { type: "Polygon", coordinates: geojson.coordinates[0] };
  }
  if (geojson.type === "Feature") return firstPolygon(geojson.geometry);
  if (geojson.type === "FeatureCollection") {
    const found = (geojson.features || []).map(firstPolygon).filter(Boolean);
    return found.length === 1 ? found[0] : found.length ? "many" : null;
  }
  return null;
}

function fromGeoJson(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new FileProblem("Berkas GeoJSON tidak dapat dibaca: isinya bukan JSON yang benar.");
  }
  const found = firstPolygon(data);
  if (found === "many") throw new FileProblem("Berkas memuat lebih dari satu poligon; sisakan satu bidang tanah saja.");
  if (!found) throw new FileProblem("Berkas GeoJSON tidak memuat poligon bidang tanah.");
  return { type: "Polygon", coordinates: [found.coordinates[0].map((p) => [Number(p[0]), Number(p[1])])] };
}

function fromKml(text) {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  if (doc.getElementsByTagName("parsererror").length) {
    throw new FileProblem("Berkas KML tidak dapat dibaca: isinya bukan XML yang benar.");
  }
  const polygons = doc.getElementsByTagNameNS("*", "Polygon");
  if (polygons.length > 1) throw new FileProblem("Berkas memuat lebih dari satu poligon; sisakan satu bidang tanah saja.");
  const outer = polygons.length ? polygons[0].getElementsByTagNameNS("*", "outerBoundaryIs")[0] : null;
  const coords = outer ? outer.getElementsByTagNameNS("*", "coordinates")[0] : null;
  if (!coords) throw new FileProblem("Berkas KML tidak memuat poligon bidang tanah.");
  const ring = coords.textContent
    .trim()
    .split(/\s+/)
    .map((t) => t.split(",").map(Number))
    .filter((p) => p.length >= 2 && p.every((n) => Number.isFinite(n)))
    .map((p) => [p[0], p[1]]);
  return { type: "Polygon", coordinates: [ring] };
}

/** Read a .geojson/.json/.kml file → a closed Polygon; throws an Error in words. */
export async function polygonFromFile(file) {
  const text = await file.text();
  const kml = /\.kml$/i.test(file.name) || /^\s*<(\?xml|kml)/i.test(text);
  const polygon = kml ? fromKml(text) : fromGeoJson(text);
  const ring = openRing(polygon);
  if (ring.length < 3) throw new Error("Poligon harus memiliki paling sedikit 3 titik sudut.");
  const outside = ring.some(([x, y]) => Math.abs(x) > 180 || Math.abs(y) > 90);
  if (outside) throw new Error("Koordinat poligon harus bujur/lintang (WGS84), mis. 112.22, -8.11.");
  return closedPolygon(ring);
}
