// Formatting of dates, times, durations and sizes, in Bahasa Indonesia.

const pad = (n) => String(n).padStart(2, "0");

/** ISO timestamp → local "YYYY-MM-DD HH:mm:ss" (e.g. 2019-09-05 22:41:14). */
export function formatDateTime(iso) {
  if (!iso) return "-";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** A date ("2019-03-14" or an ISO timestamp) → "YYYY-MM-DD". */
export function formatDate(value) {
  if (!value) return "-";
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return formatDateTime(value).slice(0, 10);
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
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace(".", ",")} KB`;
  return `${(n / 1024 / 1024).toFixed(1).replace(".", ",")} MB`;
}

const ROLE_LABELS = {
  KEPALA_DINAS: "Kepala Dinas",
  KEPALA_BIDANG: "Kepala Bidang",
  CABANG_DINAS: "Cabang Dinas Wilayah",
  ADMIN: "Administrator",
  PEMOHON: "Pemohon",
  FRONT_END: "Front End",
  PEMERIKSA: "Pemeriksa",
  BACKEND: "Backend",
  KEPALA_DPMPTSP: "Kepala DPMPTSP",
  DPUPR: "DPUPR",
  ATR_BPN: "ATR/BPN",
};

export function roleLabel(role) {
  return ROLE_LABELS[role] || String(role || "").replace(/_/g, " ");
}

export function rolesText(roles) {
  return (roles || []).map(roleLabel).join(", ") || "-";
}
