// A date entry that does not depend on the browser's locale: <input type=date> shows
// mm/dd/yyyy on a PC set to English, so officials type dd-mm-yyyy (as on their letters) or pick
// a day in a small calendar; the form still sends ISO yyyy-mm-dd to the API.

import { html, $ } from "./html.js";
import { MONTHS, formatDateLong, todayIso } from "./format.js";

const DAYS = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"];
const pad = (n) => String(n).padStart(2, "0");

/** "05-09-2019", "5/9/2019", "05.09.2019" or "2019-09-05" → "2019-09-05"; null if not a date. */
export function parseDate(text) {
  const s = String(text || "").trim();
  let m = /^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$/.exec(s);
  const parts = m ? [+m[3], +m[2], +m[1]] : null;
  m = parts ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const [y, mo, d] = parts || (m ? [+m[1], +m[2], +m[3]] : [0, 0, 0]);
  if (!y) return null;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

/** ISO yyyy-mm-dd → "dd-mm-yyyy" (what the field shows). */
export function isoToField(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ""));
  return m ? `${m[3]}-${m[2]}-${m[1]}` : "";
}

/** Markup of one date field (value: ISO or as typed); `hint` is shown under it. */
export function dateField({ id, name, value = "", hint = "" }) {
  return html`<div class="date-field" data-date-field="${id}">
    <div class="date-row">
      <input id="${id}" name="${name}" type="text" inputmode="numeric" autocomplete="off"
        placeholder="hh-bb-tttt" maxlength="10" value="${isoToField(value) || value}"
        aria-describedby="${id}-hint">
      <button type="button" class="btn btn-sm btn-secondary date-open" aria-expanded="false"
        aria-controls="${id}-cal" aria-label="Pilih tanggal dari kalender">Kalender</button>
    </div>
    <small class="muted date-hint" id="${id}-hint" aria-live="polite">${hint || "Format: hari-bulan-tahun, mis. 05-09-2019."}</small>
    <div class="calendar" id="${id}-cal" hidden></div>
  </div>`;
}

/** Wire a field made by dateField; returns {iso(): string|null, text(): string}. */
export function wireDateField(root, id) {
  const box = root.querySelector(`[data-date-field="${id}"]`);
  const input = $(`#${id}`, box);
  const hint = $(`#${id}-hint`, box);
  const cal = $(`#${id}-cal`, box);
  const opener = $(".date-open", box);
  const baseHint = hint.textContent;
  const st = { month: null };

  const showHint = () => {
    const text = input.value.trim();
    const iso = parseDate(text);
    hint.textContent = !text ? baseHint : iso ? `= ${formatDateLong(iso)}` : "Tanggal tidak dikenali; tulis hari-bulan-tahun, mis. 05-09-2019.";
    hint.classList.toggle("error", !!text && !iso);
  };
  const paintCalendar = () => {
    const [y, m] = st.month;
    const first = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7; // Monday first
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const chosen = parseDate(input.value);
    const cells = Array.from({ length: first }, () => html`<span></span>`).concat(
      Array.from({ length: days }, (_, i) => {
        const iso = `${y}-${pad(m)}-${pad(i + 1)}`;
        return html`<button type="button" class="cal-day${iso === chosen ? " chosen" : ""}" data-iso="${iso}"
          aria-label="${formatDateLong(iso)}">${i + 1}</button>`;
      })
    );
    cal.innerHTML = html`<div class="cal-head">
        <button type="button" class="btn btn-sm btn-secondary" data-step="-1" aria-label="Bulan sebelumnya">‹</button>
        <strong>${MONTHS[m - 1]} ${y}</strong>
        <button type="button" class="btn btn-sm btn-secondary" data-step="1" aria-label="Bulan berikutnya">›</button>
      </div>
      <div class="cal-grid">${DAYS.map((d) => html`<span class="cal-dow">${d}</span>`)}${cells}</div>`.toString();
  };
  const toggle = (open) => {
    cal.hidden = !open;
    opener.setAttribute("aria-expanded", String(open));
    if (!open) return;
    const iso = parseDate(input.value) || todayIso();
    st.month = [+iso.slice(0, 4), +iso.slice(5, 7)];
    paintCalendar();
  };

  input.addEventListener("input", showHint);
  // what was typed (5/9/2019, 2019-09-05) is shown back the way letters write it
  input.addEventListener("blur", () => {
    const iso = parseDate(input.value);
    if (iso && input.value !== isoToField(iso)) input.value = isoToField(iso);
  });
  opener.addEventListener("click", () => toggle(cal.hidden));
  cal.addEventListener("click", (e) => {
    const step = e.target.closest("[data-step]");
    if (step) {
      const n = st.month[0] * 12 + st.month[1] - 1 + Number(step.dataset.step);
      st.month = [Math.floor(n / 12), (n % 12) + 1];
      paintCalendar();
      return;
    }
    const day = e.target.closest("[data-iso]");
    if (!day) return;
    input.value = isoToField(day.dataset.iso);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    toggle(false);
    input.focus();
  });
  cal.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      toggle(false);
      opener.focus();
    }
  });
  showHint();
  return { iso: () => parseDate(input.value), text: () => input.value.trim(), input };
}
