// Formatting of dates, times, durations and sizes, in Bahasa Indonesia.
// Dates are written as Indonesians write them (05-09-2019, 5 September 2019) and times in WIB
// (Asia/Jakarta) whatever the zone and locale of the PC: officials in Semarang must see the
// same clock as the letters they sign, and a laptop set to another zone must not shift a day.

const ZONE = "Asia/Jakarta";
export const MONTHS = [
  "Januari", "Februari", "Maret", "April", "Mei", "Juni",
  "Juli", "Agustus", "September", "Oktober", "November", "Desember",
];
const pad = (n) => String(n).padStart(2, "0");
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

// one formatter, numeric parts only, so nothing depends on the browser's locale
const PARTS = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** The WIB calendar parts of a value: {y, m, d, hh, mm} (numbers) or null. */
export function wibParts(value) {
  if (!value) return null;
  const only = DATE_ONLY.exec(String(value));
  if (only) return { y: +only[1], m: +only[2], d: +only[3], hh: null, mm: null };
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const p = Object.fromEntries(PARTS.formatToParts(date).map((x) => [x.type, x.value]));
  return { y: +p.year, m: +p.month, d: +p.day, hh: +p.hour % 24, mm: +p.minute };
}

/** A date ("2019-09-05" or an ISO timestamp) → "05-09-2019" (WIB). */
export function formatDate(value) {
  const p = wibParts(value);
  if (!p) return value ? String(value) : "-";
  return `${pad(p.d)}-${pad(p.m)}-${p.y}`;
}

/** A date → "5 September 2019" (WIB). */
export function formatDateLong(value) {
  const p = wibParts(value);
  if (!p) return value ? String(value) : "-";
  return `${p.d} ${MONTHS[p.m - 1]} ${p.y}`;
}

function time(p) {
  return p.hh === null ? "" : ` ${pad(p.hh)}.${pad(p.mm)} WIB`;
}

/** ISO timestamp → "05-09-2019 14.05 WIB". */
export function formatDateTime(value) {
  const p = wibParts(value);
  if (!p) return value ? String(value) : "-";
  return `${pad(p.d)}-${pad(p.m)}-${p.y}${time(p)}`;
}

/** ISO timestamp → "5 September 2019 14.05 WIB". */
export function formatDateTimeLong(value) {
  const p = wibParts(value);
  if (!p) return value ? String(value) : "-";
  return `${p.d} ${MONTHS[p.m - 1]} ${p.y}${time(p)}`;
}

/** Today in WIB as ISO yyyy-mm-dd (the default month of the calendar). */
export function todayIso() {
  const p = wibParts(new Date().toISOString());
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}

const UNITS = [
  ["hari", 86400],
  ["jam", 3600],
  ["menit", 60],
  ["detik", 1],
];

/** Seconds → human text with the two largest units: "2 jam 5 menit", "35 detik". */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return "-";
  const s = Math.floor(Number(seconds));
  if (s < 1) return "kurang dari 1 detik";
  const first = UNITS.findIndex(([, size]) => s >= size);
  const [name, size] = UNITS[first];
  let text = `${Math.floor(s / size)} ${name}`;
  const next = UNITS[first + 1];
  if (next) {
    const n = Math.floor((s % size) / next[1]);
    if (n > 0) text += ` ${n} ${next[0]}`;
  }
  return text;
}

/** Seconds since an ISO timestamp. */
export function secondsSince(iso) {
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? null : Math.max(0, (Date.now() - t) / 1000);
}

/** Bytes → "1,1 KB". */
export function formatSize(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n)) return "-";
  if (n < 1000) return `${n} B`; // 1000–1023 B read as "1,0 KB", never "1005 B"
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace(".", ",")} KB`;
  return `${(n / 1024 / 1024).toFixed(1).replace(".", ",")} MB`;
}

/** 1234 → "1.234" (Indonesian thousands separator, whatever the browser's locale). */
export function formatNumber(n) {
  return String(Math.trunc(Number(n) || 0)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}
