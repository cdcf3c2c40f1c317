"""The SK of an application: drawn at the step that gives its number, signed (TTE) by the
official who approves it, downloaded by its applicant, verified by anyone holding it.

What the workflow declares under `signing` names the form carrying the SK number; the SK
is drawn from the application and the forms the earlier steps filled (KRK, SPS PNBP, Pertek,
Rekomendasi). The verification link carries a token derived from the registration number
with a server secret: it cannot be guessed, and nothing needs storing to check it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from chalicelib import declared
from chalicelib.auth.principal import Principal
from chalicelib.auth.session import CallerSession
from chalicelib.clock import parse_iso
from chalicelib.core import requirements, sk
from chalicelib.core.catalog import Workflow
from chalicelib.core.definition import Option
from chalicelib.core.workdays import wib_date
from chalicelib.errors import AppError, Conflict, Forbidden, NotFound, Unprocessable
from chalicelib.ports import Ticket, ports
from chalicelib.settings import settings
from chalicelib.usecases import tickets as service

SK_PDF, TTE = "sk_pdf", "tte"  # what the server adds to a decision's forms
PDF = "application/pdf"
LINK_SECONDS = 300
MAX_CHECKED_PDF_BYTES = 5 * 1024 * 1024
PLACEHOLDER_NUMBER = "(diisi pada INPUT NOMOR SK)"
PREVIEW_TOKEN = "pratinjau"  # a print view's QR leads nowhere
SIGNING_LEASE_SECONDS = 60  # longer than any signature takes (BSrE's timeout is 20 s)


# --- made with a decision -------------------------------------------------------------------


def _numbering(workflow: Workflow, forms: dict[str, Any]) -> str | None:
    """The form of this decision that gives the SK its number, if it has it."""
    form = workflow.signing.get("form")
    return form if form and form in forms else None


def adds_to(workflow: Workflow, option: Option, forms: dict[str, Any]) -> bool:
    """Whether `for_decision` draws or signs an SK for this decision."""
    return bool(_numbering(workflow, forms)) or option.requires_signature


def for_decision(
    ticket: Ticket,
    workflow: Workflow,
    option: Option,
    forms: dict[str, Any],
    passphrase: str | None,
) -> dict[str, Any]:
    """What the server adds to this decision's forms: the SK drawn when the decision gives
    its number; the SK signed when the option signs."""
    added: dict[str, Any] = {}
    form = _numbering(workflow, forms)
    if form:
        added[SK_PDF] = draw(ticket, workflow, forms[form]["nomor_sk"])
    if option.requires_signature:
        drawn = (ticket.forms or {}).get(SK_PDF)
        if not drawn:
            raise requirements.NotMet(
                "SK_NOT_DRAWN", "SK belum dibuat: Backend harus mengisi Nomor SK dahulu.", "action"
            )
        added[TTE] = _signed_once(ticket, drawn, passphrase or "")
    return added


def _signed_once(ticket: Ticket, drawn: dict[str, Any], passphrase: str) -> dict[str, Any]:
    """Sign while holding the step, so that two requests (a double tap, the batch and the
    form at once, a retry after a gateway timeout) never make two signed SKs; a signature
    that fails gives the step back at once."""
    now = parse_iso(_now())
    until = (now + timedelta(seconds=SIGNING_LEASE_SECONDS)).isoformat()
    if not ports().tickets.lease_signing(ticket, until, now.isoformat()):
        raise Conflict(
            "SK ini sedang ditandatangani atau sudah berubah; muat ulang halaman sebentar lagi.",
            code="SIGNING_IN_PROGRESS",
        )
    try:
        return _sign(ticket, drawn, passphrase)
    except Exception:
        ports().tickets.release_signing(ticket.ticket_no)
        raise


def draw(ticket: Ticket, workflow: Workflow, number: str) -> dict[str, Any]:
    """The SK with its number and its own verification token (random: the QR link cannot
    be guessed, and no secret needs to last as long as the paper)."""
    token = secrets.token_urlsafe(18)
    pdf = ports().decrees.render(sk_data(ticket, workflow, number, token))
    digest = hashlib.sha256(pdf).hexdigest()
    key = f"sk/{ticket.ticket_no}/sk-{digest[:16]}.pdf"
    ports().files.write(key, pdf, PDF)
    ports().tickets.save_verification(token, ticket.ticket_no)
    return {"key": key, "sha256": digest, "number": number, "token": token, "drawn_at": _now()}


def _sign(ticket: Ticket, drawn: dict[str, Any], passphrase: str) -> dict[str, Any]:
    pdf = ports().files.read(drawn["key"])
    link = verification_url(drawn["token"])
    signed = ports().decrees.sign(pdf, passphrase=passphrase, qr_link=link)
    digest = hashlib.sha256(signed).hexdigest()
    key = f"sk/{ticket.ticket_no}/sk-tte-{digest[:16]}.pdf"
    ports().files.write(key, signed, PDF)
    return {"key": key, "sha256": digest, "number": drawn["number"], "signed_at": _now()}


def sk_data(ticket: Ticket, workflow: Workflow, number: str, token: str) -> sk.SkData:
    """The SK as the ticket stands: its application and the forms of the earlier steps."""
    application = ticket.application or {}
    forms = ticket.forms or {}
    rekomendasi, krk, pertek = forms.get("rekomendasi"), forms.get("krk"), forms.get("pertek")
    if not (rekomendasi and krk and pertek and forms.get("sps_pnbp")):
        raise Unprocessable(
            "SK belum dapat dibuat: KRK, SPS PNBP, Pertek dan Rekomendasi DPUPR belum lengkap.",
            code="SK_DATA_INCOMPLETE",
        )
    agency = declared.catalog().agencies[workflow.agency].data.get("letterhead", {})
    try:
        return sk.SkData(
            sk_number=number,
            registration_number=ticket.ticket_no,
            issued_on=wib_date(parse_iso(_now())),
            applicant_name=ticket.applicant_name,
            activity_name=application.get("nama_kegiatan", "-"),
            activity_type=application.get("jenis_kegiatan", "-"),
            address=application.get("alamat_lokasi", "-"),
            village=application.get("desa", "-"),
            district=application.get("kecamatan", "-"),
            requested_area_m2=Decimal(str(application.get("luas_dimohon", 0))),
            approved_area_m2=Decimal(str(rekomendasi["luas_disetujui"])),
            krk=sk.Reference(krk["nomor"], date.fromisoformat(krk["tanggal"])),
            pertek=sk.Reference(pertek["nomor"], date.fromisoformat(pertek["tanggal"])),
            rekomendasi=sk.Reference(
                rekomendasi["nomor"], date.fromisoformat(rekomendasi["tanggal"])
            ),
            sps_pnbp_number=forms["sps_pnbp"]["nomor"],
            coordinates=tuple(
                (float(x), float(y))
                for x, y, *_ in rekomendasi["poligon_disetujui"]["coordinates"][0]
            ),
            verification_url=verification_url(token),
            map_image=_map_image(ticket),
            validity_years=int(workflow.signing.get("validity_years", 3)),
            signer_position=agency.get("signer_position", sk.BLITAR_SIGNER_POSITION),
            agency_address=(agency["address"],) if agency.get("address") else (),
        )
    except sk.SkDataInvalid as invalid:
        raise Unprocessable(invalid.message, code="SK_DATA_INVALID", field=invalid.field) from None


def _map_image(ticket: Ticket) -> bytes | None:
    """The current map picture DPUPR attached (the newest confirmed one)."""
    pictures = sorted(
        (
            d
            for d in (ticket.documents or {}).values()
            if d.get("kind") == "GAMBAR_PETA" and d.get("confirmed")
        ),
        key=lambda d: d.get("uploaded_at", ""),
    )
    return ports().files.read(pictures[-1]["key"]) if pictures else None


# --- signing several at once ---------------------------------------------------------------


# A wrong passphrase would fail them all (and BSrE may lock the certificate after several);
# an unreachable BSrE would make each wait for its timeout.
STOP_BATCH = ("PASSPHRASE_SALAH", "TTE_TIDAK_TERSEDIA", "TTE_KONFIGURASI_SALAH")


def sign_batch(who: Principal, ticket_nos: list[str], passphrase: str) -> dict[str, Any]:
    """Each ticket signed as its own decision (at most 10 a call, within a request's time);
    a wrong passphrase or an unreachable BSrE stops the rest."""
    results = []
    for ticket_no in ticket_nos:
        try:
            ticket = service.visible_ticket(ticket_no, who)
            step = service.pending_step(ticket)
            option = next((o for o in (step.options if step else []) if o.requires_signature), None)
            if step is None or option is None:
                raise Unprocessable(
                    "Permohonan ini tidak sedang menunggu tanda tangan (SIAP DS).",
                    code="NOT_READY_TO_SIGN",
                )
            body = {"step": step.step, "action": option.action, "checked": True}
            answer = service.decide(
                ticket_no,
                who,
                {**body, "passphrase": passphrase},
                who.name or who.email,
                CallerSession.confirmed_before(who.email),  # the middleware confirmed it
            )
            signed_at = (answer.get("last_decision") or {}).get("decided_at")
            results.append(
                {
                    "ticket_no": ticket_no,
                    "signed": True,
                    "status": answer["status"],
                    "signed_at": signed_at,
                }
            )
        except AppError as error:
            results.append({"ticket_no": ticket_no, "signed": False, **error.body()})
            if error.code in STOP_BATCH:
                break
    return {"items": results, "signed": sum(r["signed"] for r in results)}


# --- reading an SK ------------------------------------------------------------------------


def preview(ticket_no: str, who: Principal) -> dict[str, Any]:
    """The SK as it will be drawn (the print view Backend checks before INPUT NOMOR SK)."""
    ticket = service.visible_ticket(ticket_no, who)
    workflow = declared.workflow_of(ticket)
    if not workflow.signing:
        raise NotFound("Alur perizinan ini tidak menerbitkan SK.", code="SK_NOT_ISSUED")
    if workflow.applicant_role in who.roles:
        raise Forbidden(
            "Pratinjau SK hanya untuk petugas; SK Anda dapat diunduh setelah ditandatangani.",
            code="OFFICIALS_ONLY",
        )
    pdf = ports().decrees.render(sk_data(ticket, workflow, PLACEHOLDER_NUMBER, PREVIEW_TOKEN))
    key = f"sk/{ticket_no}/pratinjau-{hashlib.sha256(pdf).hexdigest()[:16]}.pdf"
    ports().files.write(key, pdf, PDF)
    return {"url": _link(key, f"pratinjau-sk-{ticket_no}.pdf")}


def download(ticket_no: str, who: Principal) -> dict[str, Any]:
    """The signed SK (the applicant's permit); before signing, officials get the drawn one."""
    ticket = service.visible_ticket(ticket_no, who)
    forms = ticket.forms or {}
    signed, drawn = forms.get(TTE), forms.get(SK_PDF)
    applicant_role = declared.workflow_of(ticket).applicant_role
    if signed:
        return {"url": _link(signed["key"], f"SK-{ticket_no}.pdf"), "signed": True}
    if drawn and applicant_role not in who.roles:
        return {"url": _link(drawn["key"], f"draf-SK-{ticket_no}.pdf"), "signed": False}
    raise NotFound("SK permohonan ini belum terbit.", code="SK_NOT_ISSUED")


def _link(key: str, filename: str) -> str:
    return ports().files.download_url(key, PDF, f'inline; filename="{filename}"', LINK_SECONDS)


# --- public verification ------------------------------------------------------------------


def verification_url(token: str) -> str:
    return f"{settings().web_base_url.rstrip('/')}/verifikasi/{token}"


def verify(token: str) -> dict[str, Any]:
    """What the QR shows: whether this SK is authentic, and what the letter itself says."""
    ticket = _signed_ticket(token)
    workflow = declared.workflow_of(ticket)
    signed = ticket.forms[TTE]
    agency = declared.catalog().agencies[workflow.agency]
    issued = wib_date(parse_iso(signed["signed_at"]))
    years = int(workflow.signing.get("validity_years", 3))
    return {
        "authentic": True,
        "sk_number": signed["number"],
        "permit_label": workflow.permit_label(ticket.permit_type),
        "signed_on": issued.isoformat(),
        "signer_position": agency.data.get("letterhead", {}).get(
            "signer_position", sk.BLITAR_SIGNER_POSITION
        ),
        "valid_until": sk.add_years(issued, years).isoformat(),
        "office": agency.name,
    }


CHECK_WINDOW_SECONDS = 3600
MAX_CHECKS_PER_CALLER = 30  # each check runs pyHanko over up to 5 MB


def check_document(token: str, pdf_base64: str, caller: str) -> dict[str, Any]:
    """Is this file that SK, unchanged? Its bytes are the signed SK's, and its signature holds
    under the trusted roots."""
    key = f"verify#caller#{caller}"
    if ports().throttle.failures(key, CHECK_WINDOW_SECONDS) >= MAX_CHECKS_PER_CALLER:
        raise TooManyChecks("Terlalu banyak pemeriksaan berkas. Coba lagi dalam satu jam.")
    ports().throttle.fail(key, CHECK_WINDOW_SECONDS)
    ticket = _signed_ticket(token)
    try:
        pdf = base64.b64decode(pdf_base64, validate=True)
    except (binascii.Error, ValueError):
        raise Unprocessable(
            "Berkas harus PDF yang dikodekan base64.", code="INVALID_FILE"
        ) from None
    if not pdf or len(pdf) > MAX_CHECKED_PDF_BYTES:
        raise Unprocessable("Berkas PDF harus berukuran 1 byte sampai 5 MB.", code="INVALID_FILE")
    same = hmac.compare_digest(hashlib.sha256(pdf).hexdigest(), ticket.forms[TTE]["sha256"])
    verdict = ports().decrees.verify(pdf)
    return {
        **verify(token),
        "same_document": same,
        "signature_intact": bool(verdict.signed and verdict.intact),
        "signature_trusted": bool(verdict.trusted),
        "verdict": _verdict(same, verdict),
    }


def _verdict(same: bool, verdict: Any) -> str:
    if same and verdict.signed and verdict.intact and verdict.trusted:
        return "Dokumen ini asli dan tidak berubah sejak ditandatangani."
    if verdict.signed and not verdict.intact:
        return "Dokumen ini telah diubah setelah ditandatangani: TIDAK SAH."
    if same and verdict.signed:
        return (
            "Berkas ini sama dengan SK yang diterbitkan, tetapi penerbit sertifikat tanda "
            "tangannya tidak dapat dipastikan di server ini; hubungi DPMPTSP."
        )
    return "Dokumen ini bukan SK yang diterbitkan untuk kode verifikasi ini."


class TooManyChecks(AppError):
    status = 429
    code = "TOO_MANY_ATTEMPTS"


def _signed_ticket(token: str) -> Ticket:
    """The ticket whose signed SK carries this token (anything else: not authentic)."""
    unknown = NotFound(
        "Kode verifikasi tidak dikenal: dokumen ini tidak diterbitkan oleh sistem ini.",
        code="NOT_AUTHENTIC",
    )
    ticket_no = ports().tickets.verification(token) if len(token) <= 100 else None
    ticket = ports().tickets.find(ticket_no) if ticket_no else None
    forms = (ticket.forms or {}) if ticket else {}
    drawn = forms.get(SK_PDF) or {}
    if not forms.get(TTE) or not hmac.compare_digest(str(drawn.get("token", "")), token):
        raise unknown
    return ticket


def _now() -> str:
    return ports().clock.now_iso()
