"""Steps of a PKKPR Non Berusaha application through the API, as its people take them: the
demo data of `make run` is made with them, and the tests move applications along with them."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from local.client import ApiClient
from local.demo_files import demo_pdf, demo_png

DEMO = json.loads(Path(__file__).with_name("demo_pkkpr.json").read_text(encoding="utf-8"))
JOURNEY = DEMO["journey"]

WARGA = "warga@blitar.demo"  # Siti Rahayu, applicant
TAKMIR = "takmir@blitar.demo"  # Ahmad Fauzi, another applicant
FRONT_END = "frontend@blitar.demo"
PEMERIKSA = "pemeriksa@blitar.demo"
DPUPR = "dpupr@blitar.demo"
ATR_BPN = "atrbpn@blitar.demo"
BACKEND = "backend@blitar.demo"
KEPALA = "kepala@blitar.demo"
PASSPHRASE = "Demo#TTE2026"  # the local signer's (local/stack.py)
CHECKLIST = (
    "SURAT_PERMOHONAN",
    "KTP",
    "ALAS_HAK",
    "BUKTI_PBB",
    "SURAT_PERNYATAAN",
    "RENCANA_TEKNIS",
    "FOTO_LOKASI",
)


def pdf(title: str) -> bytes:
    return demo_pdf(title, [title, "Dokumen contoh untuk pengujian SIAP n LOSS."])


def new_draft(c: ApiClient, who: str = WARGA, **data: Any) -> dict[str, Any]:
    body = {
        "permit_type": "PKKPR_NON_BERUSAHA",
        "applicant": JOURNEY["applicant"],
        "data": {**JOURNEY["data"], **data},
    }
    answer = c.call("POST", "/applications", who, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def upload(c: ApiClient, no: str, who: str, kind: str, image: bool = False) -> str:
    data, name, kind_type = (
        (demo_png(), f"{kind.lower()}.png", "image/png")
        if image
        else (pdf(kind), f"{kind.lower()}.pdf", "application/pdf")
    )
    answer = c.upload(no, who, data, kind=kind, filename=name, content_type=kind_type)
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def submitted(c: ApiClient, who: str = WARGA, **data: Any) -> str:
    """A draft with every checklist document, submitted (AJUKAN); waiting at P2."""
    no = new_draft(c, who, **data)["ticket_no"]
    for kind in CHECKLIST:
        upload(c, no, who, kind)
    answer = c.call("POST", f"/applications/{no}/submit", who)
    assert answer.status_code == 200, answer.text
    c.wait_for_step(no, FRONT_END, "P2")
    return no


def returned(c: ApiClient, reason: str) -> str:
    """Siti's application, submitted and sent back to her by the front office; waiting at P1."""
    no = submitted(c)
    decide_ok(c, no, FRONT_END, "P2", "DIKEMBALIKAN KE PEMOHON", note=reason)
    c.wait_for_step(no, WARGA, "P1")
    return no


def decide(c: ApiClient, no: str, who: str, step: str, action: str, **extra: Any) -> Any:
    body = {"step": step, "action": action, "checked": True, **extra}
    return c.call("POST", f"/tickets/{no}/decision", who, json=body)


def decide_ok(c: ApiClient, no: str, who: str, step: str, action: str, **extra: Any) -> dict:
    answer = decide(c, no, who, step, action, **extra)
    assert answer.status_code == 200, answer.text
    return answer.json()


def to_step(c: ApiClient, no: str, who: str, step: str) -> dict[str, Any]:
    return c.wait_for_step(no, who, step)


def accepted(c: ApiClient, no: str) -> None:
    """P2 → P3: the front office accepts the file as complete (the service clock starts)."""
    decide_ok(c, no, FRONT_END, "P2", "DITERIMA FRONT END")
    to_step(c, no, PEMERIKSA, "P3")


def forwarded(c: ApiClient, no: str) -> None:
    """P3 → P4: the examiner forwards it to DPUPR."""
    decide_ok(c, no, PEMERIKSA, "P3", "DITERUSKAN KE DINAS LAIN")
    to_step(c, no, DPUPR, "P4")


def accepted_and_forwarded(c: ApiClient, no: str) -> None:
    accepted(c, no)
    forwarded(c, no)


def sps_issued(c: ApiClient, no: str) -> None:
    """P4 → P5: DPUPR issues the KRK and the SPS PNBP."""
    ids = [upload(c, no, DPUPR, "KRK"), upload(c, no, DPUPR, "SPS_PNBP")]
    forms = JOURNEY["forms"]
    decide_ok(
        c, no, DPUPR, "P4", "PENERBITAN SPS PNBP",
        krk=forms["krk"], sps_pnbp=forms["sps_pnbp"], document_ids=ids,
    )  # fmt: skip
    to_step(c, no, FRONT_END, "P5")


def paid(c: ApiClient, no: str, applicant: str = WARGA) -> None:
    """P5 → P6: the applicant uploads the payment proof."""
    proof = upload(c, no, applicant, "BUKTI_BAYAR", image=True)
    decide_ok(c, no, applicant, "P5", "UPLOAD BUKTI BAYAR", document_ids=[proof])
    to_step(c, no, ATR_BPN, "P6")


def pertek_issued(c: ApiClient, no: str) -> None:
    proof = upload(c, no, ATR_BPN, "PERTEK")
    decide_ok(
        c, no, ATR_BPN, "P6", "PENERBITAN PERTEK",
        pertek=JOURNEY["forms"]["pertek"], document_ids=[proof],
    )  # fmt: skip
    to_step(c, no, DPUPR, "P7")


def recommended(c: ApiClient, no: str) -> None:
    ids = [upload(c, no, DPUPR, "REKOMENDASI"), upload(c, no, DPUPR, "GAMBAR_PETA", image=True)]
    decide_ok(
        c, no, DPUPR, "P7", "PENERBITAN REKOMENDASI",
        rekomendasi=JOURNEY["forms"]["rekomendasi"], document_ids=ids,
    )  # fmt: skip
    to_step(c, no, BACKEND, "P8")


def numbered(c: ApiClient, no: str) -> None:
    decide_ok(c, no, BACKEND, "P8", "INPUT NOMOR SK", sk=JOURNEY["forms"]["sk"])
    to_step(c, no, KEPALA, "P9")


def ready_to_sign(c: ApiClient, no: str) -> None:
    """From P2 to SIAP DS (P9), every step taken once."""
    accepted_and_forwarded(c, no)
    sps_issued(c, no)
    paid(c, no)
    pertek_issued(c, no)
    recommended(c, no)
    numbered(c, no)


# --- the demo applications of `make run` ---------------------------------------------------

STAGES = ("DRAFT", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "SELESAI")


def seed_applications(
    c: ApiClient, on_application: Callable[[int, str], None] = lambda i, what: None
) -> list[dict[str, str]]:
    """The demo applications, each taken to its stage through the API; returns for each its
    number, applicant, status as the API words it, and access code (what the banner prints)."""
    seeded = []
    for i, entry in enumerate(DEMO["seed"], start=1):
        on_application(i, entry["data"]["nama_kegiatan"])
        who, until = entry["applicant"], entry["until"]
        if until == "DRAFT":
            no = new_draft(c, who, **entry["data"])["ticket_no"]
        else:
            no = submitted(c, who, **entry["data"])
            _take_to(c, no, who, until)
        view = c.ok("GET", f"/applications/{no}", who)
        where = (view.get("ticket") or {}).get("position")
        status = f"{view['status']} ({where})" if where and where != "-" else view["status"]
        seeded.append(
            {
                "ticket_no": no,
                "applicant": who,
                "status": status,
                "access_code": view["access_code"] or "-",
            }
        )
    return seeded


def _take_to(c: ApiClient, no: str, who: str, until: str) -> None:
    """From P2 (submitted) through every step before `until`."""
    if until == "DITOLAK":
        accepted_and_forwarded(c, no)
        decide_ok(c, no, DPUPR, "P4", "DITOLAK", note="Lokasi berada di sempadan sungai.")
        return
    steps = [
        partial(accepted, c, no),
        partial(forwarded, c, no),
        partial(sps_issued, c, no),
        partial(paid, c, no, who),
        partial(pertek_issued, c, no),
        partial(recommended, c, no),
        partial(numbered, c, no),
        partial(signed, c, no),
    ]
    for step in steps[: STAGES.index(until) - 1]:
        step()


def signed(c: ApiClient, no: str) -> None:
    decide_ok(c, no, KEPALA, "P9", "SETUJUI DAN TANDATANGANI", passphrase=PASSPHRASE)
