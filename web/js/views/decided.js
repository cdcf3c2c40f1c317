// Who decided last, in a sentence: the detail's "Keputusan terakhir" and reason boxes, and the
// decision form when someone else decided first.

import { formatDateTimeLong } from "../format.js";
import { roleLabel } from "../catalog.js";

/** "Dikembalikan", "Ditolak", … : what the last decision did, as the next official reads it —
 * the passive verb (di-…) of the option's declared result ("DIKEMBALIKAN KEPALA BIDANG KE …",
 * "BUKTI BAYAR DITOLAK"); a result that names a state ("SIAP DS") reads "Diputuskan". */
function decisionVerb(last) {
  const words = String((last && last.result) || "").trim().split(/\s+/);
  const verb = words.find((w) => /^DI[A-Z]{3,}$/.test(w));
  return verb ? verb.charAt(0) + verb.slice(1).toLowerCase() : "Diputuskan";
}

/** "Dikembalikan oleh Kepala Bidang (Nama) pada 5 September 2019 14.05 WIB". */
export function decidedBy(last) {
  const role = roleLabel(last.role);
  const name = last.actor_name;
  // an account named after its office ("Cabang Dinas Wilayah Semarang Demak") is not repeated
  const who = !name ? role : name.includes(role) ? name : `${role} (${name})`;
  return `${decisionVerb(last)} oleh ${who} pada ${formatDateTimeLong(last.decided_at)}`;
}
