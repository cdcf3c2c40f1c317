// Pencarian Izin (#/cari?q=…&box=pending|decided): one search over every permit type, with the
// total of matching tickets, so an official need not know a ticket's type to find it.

import { html, raw } from "../html.js";
import { mountList } from "./list.js";

export async function show(ctx) {
  const box = ctx.query.get("box") === "decided" ? "decided" : "pending";
  const q = ctx.query.get("q") || "";
  const title = "Pencarian Izin — Semua Jenis Izin";
  ctx.setTitle("Pencarian Izin");
  const link = (b) => `#/cari?box=${b}${q ? `&q=${encodeURIComponent(q)}` : ""}`;
  const tabs = html`<nav class="tabs" aria-label="Pencarian izin">
      <a href="${link("pending")}" ${box === "pending" ? raw('aria-current="page"') : ""}>Data Izin</a>
      <a href="${link("decided")}" ${box === "decided" ? raw('aria-current="page"') : ""}>Data Disetujui</a>
    </nav>`;
  const intro =
    box === "pending"
      ? "Izin yang menunggu persetujuan Anda, dari semua jenis izin."
      : "Izin yang sudah Anda proses, dari semua jenis izin.";
  return mountList(ctx, { title, intro, tabs, box, code: null, base: `#/cari?box=${box}` });
}
