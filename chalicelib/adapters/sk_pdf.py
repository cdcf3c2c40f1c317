"""Draws the PKKPR Non Berusaha decree (SK) as a PDF with reportlab.

Page 1 is the decree: letterhead, title, the decision's data, the references it rests on,
validity, the signature block with an empty box at `SIGNATURE_BOX` (the signer draws into
it), a QR code and a clickable link to the public verification page, and the BSrE footer.
Page 2 on is the attachment "Lampiran: Peta dan Koordinat Lokasi": the map image when there
is one, then every approved coordinate. The PDF is plain: no encryption, no JavaScript, no
form fields; the same data give the same bytes (reportlab's invariant mode).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from chalicelib.core.sk import (
    SIGNATURE_BOX,
    SkData,
    SkDataInvalid,
    area_m2,
    coordinate,
    indonesian_date,
)

__all__ = ["BSRE_FOOTER", "SIGNATURE_BOX", "UU_ITE_FOOTER", "render_sk"]

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 56.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
BODY_TOP = 742.0  # below the letterhead's rule
BODY_BOTTOM = 318.0  # above the signature block
FOOTER_TOP = 104.0

BSRE_FOOTER = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
    "yang diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE), Badan Siber dan "
    "Sandi Negara."
)
UU_ITE_FOOTER = (
    "Sesuai Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan Transaksi Elektronik "
    "Pasal 5 ayat (1), Informasi Elektronik dan/atau Dokumen Elektronik dan/atau hasil "
    "cetaknya merupakan alat bukti hukum yang sah."
)
TITLE = "PERSETUJUAN KESESUAIAN KEGIATAN PEMANFAATAN RUANG (PKKPR) UNTUK KEGIATAN NON BERUSAHA"
ATTACHMENT_TITLE = "Lampiran: Peta dan Koordinat Lokasi"
NUMBER_WORDS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan")

_BASE = ParagraphStyle("base", fontName="Helvetica", fontSize=9.5, leading=12)
STYLES = {
    "body": ParagraphStyle("body", parent=_BASE, alignment=TA_JUSTIFY),
    "title": ParagraphStyle("title", parent=_BASE, fontName="Helvetica-Bold", alignment=TA_CENTER),
    "center": ParagraphStyle("center", parent=_BASE, alignment=TA_CENTER),
    "cell": ParagraphStyle("cell", parent=_BASE, fontSize=9, leading=11),
    "small": ParagraphStyle("small", parent=_BASE, fontSize=7, leading=8.5),
    "footer": ParagraphStyle("footer", parent=_BASE, fontSize=7, leading=8.5, alignment=TA_CENTER),
}


def render_sk(data: SkData) -> bytes:
    """The unsigned SK as PDF bytes. Raises SkDataInvalid when the map image cannot be read."""
    out = BytesIO()
    doc = _document(out, data)
    story = [*_decree(data), NextPageTemplate("lampiran"), PageBreak(), *_attachment(data)]
    try:
        doc.build(story)
    except OSError as exc:  # reportlab's "cannot open resource" for a broken image
        raise SkDataInvalid("map_image", "Gambar peta tidak dapat dibaca.") from exc
    return out.getvalue()


def _document(out: BytesIO, data: SkData) -> BaseDocTemplate:
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        title=f"PKKPR Non Berusaha {data.sk_number}",
        author=" ".join(data.letterhead),
        subject=f"Nomor pendaftaran {data.registration_number}",
        creator="SIAP n LOSS",
        invariant=True,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=FOOTER_TOP,
    )
    decree = Frame(MARGIN, BODY_BOTTOM, CONTENT_WIDTH, BODY_TOP - BODY_BOTTOM, id="body")
    attachment = Frame(MARGIN, FOOTER_TOP, CONTENT_WIDTH, 790 - FOOTER_TOP, id="lampiran")
    doc.addPageTemplates(
        [
            PageTemplate("sk", [decree], onPage=lambda c, d: _first_page(c, d, data)),
            PageTemplate("lampiran", [attachment], onPage=lambda c, d: _other_page(c, d, data)),
        ]
    )
    return doc


# ----- page 1: the decree -------------------------------------------------------------


def _decree(data: SkData) -> list[Any]:
    """The decree's text, shrunk if need be so that it always ends above the signature."""
    flow = [
        Paragraph("KEPUTUSAN " + escape(data.signer_position.upper()), STYLES["title"]),
        Paragraph(f"NOMOR: {escape(data.sk_number)}", STYLES["title"]),
        Spacer(0, 4),
        Paragraph("TENTANG", STYLES["title"]),
        Paragraph(TITLE, STYLES["title"]),
        Spacer(0, 10),
        Paragraph(
            "Berdasarkan permohonan dengan Nomor Pendaftaran "
            f"<b>{escape(data.registration_number)}</b>, dengan ini diberikan Persetujuan "
            "Kesesuaian Kegiatan Pemanfaatan Ruang untuk kegiatan non berusaha kepada:",
            STYLES["body"],
        ),
        Spacer(0, 4),
        _pairs(_subject_rows(data)),
        Spacer(0, 6),
        Paragraph("Dengan memperhatikan:", STYLES["body"]),
        Spacer(0, 2),
        _pairs(_reference_rows(data)),
        Spacer(0, 6),
        Paragraph(
            f"<b>Masa Berlaku:</b> {_years(data.validity_years)} sejak tanggal ditetapkan, "
            f"sampai dengan tanggal {indonesian_date(data.valid_until)}.",
            STYLES["body"],
        ),
        Spacer(0, 4),
        Paragraph(
            "Persetujuan ini berlaku untuk kegiatan dan lokasi sebagaimana tercantum di atas "
            f"dan dalam {ATTACHMENT_TITLE.split(':')[0]} yang merupakan bagian tidak "
            "terpisahkan dari Keputusan ini.",
            STYLES["body"],
        ),
    ]
    return [KeepInFrame(CONTENT_WIDTH, BODY_TOP - BODY_BOTTOM - 4, flow, mode="shrink")]


def _subject_rows(data: SkData) -> list[tuple[str, str]]:
    return [
        ("Nama Pemohon", data.applicant_name),
        ("Nama Kegiatan", data.activity_name),
        ("Jenis Kegiatan", data.activity_type),
        ("Alamat Lokasi", data.address),
        ("Desa/Kelurahan", data.village),
        ("Kecamatan", data.district),
        ("Luas Tanah yang Dimohon", area_m2(data.requested_area_m2)),
        ("Luas Tanah yang Disetujui", area_m2(data.approved_area_m2)),
        ("Koordinat Lokasi", f"sebagaimana tercantum dalam {ATTACHMENT_TITLE.split(':')[0]}"),
    ]


def _reference_rows(data: SkData) -> list[tuple[str, str]]:
    return [
        ("Keterangan Rencana Kabupaten (KRK)", data.krk.text()),
        ("Pertimbangan Teknis Pertanahan", data.pertek.text()),
        ("Rekomendasi Dinas PUPR", data.rekomendasi.text()),
        ("Surat Perintah Setor PNBP", f"Nomor {data.sps_pnbp_number}"),
    ]


def _pairs(rows: list[tuple[str, str]]) -> Table:
    cell = STYLES["cell"]
    body = [
        [Paragraph(escape(label), cell), ":", Paragraph(escape(value), cell)]
        for label, value in rows
    ]
    table = Table(body, colWidths=[150, 10, CONTENT_WIDTH - 160])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (1, 0), (1, -1), "Helvetica", 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _years(years: int) -> str:
    words = f" ({NUMBER_WORDS[years]})" if years < len(NUMBER_WORDS) else ""
    return f"{years}{words} tahun"


def _first_page(canvas: Canvas, doc: BaseDocTemplate, data: SkData) -> None:
    _letterhead(canvas, data)
    _signature_block(canvas, data)
    _verification(canvas, data.verification_url)
    _footer(canvas, doc)


def _letterhead(canvas: Canvas, data: SkData) -> None:
    canvas.saveState()
    y = 800.0
    for number, line in enumerate(data.letterhead):
        canvas.setFont("Helvetica-Bold", 13 if number == 0 else 11.5)
        canvas.drawCentredString(PAGE_WIDTH / 2, y, line)
        y -= 15
    canvas.setFont("Helvetica", 8)
    for line in data.agency_address:
        canvas.drawCentredString(PAGE_WIDTH / 2, y + 3, line)
        y -= 10
    canvas.setLineWidth(1.6)
    canvas.line(MARGIN, 752, PAGE_WIDTH - MARGIN, 752)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, 749, PAGE_WIDTH - MARGIN, 749)
    canvas.restoreState()


def _signature_block(canvas: Canvas, data: SkData) -> None:
    """'Ditetapkan di …', the position, the marked empty box the signer fills, the name."""
    box = SIGNATURE_BOX
    canvas.saveState()
    canvas.setFont("Helvetica", 9)
    top = box.y + box.height
    canvas.drawString(box.x, top + 58, "Ditetapkan di : Blitar")
    canvas.drawString(box.x, top + 46, f"pada tanggal  : {indonesian_date(data.issued_on)}")
    position = Paragraph(escape(data.signer_position), STYLES["cell"])
    _, height = position.wrap(box.width + 20, 40)
    position.drawOn(canvas, box.x, top + 40 - height)
    canvas.setDash(2, 2)
    canvas.setStrokeColor(colors.grey)
    canvas.rect(box.x, box.y, box.width, box.height)
    canvas.setFillColor(colors.grey)
    canvas.setFont("Helvetica-Oblique", 6.5)
    canvas.drawCentredString(box.x + box.width / 2, box.y + 3, "Tempat tanda tangan elektronik")
    if data.signer_name:
        canvas.setFillColor(colors.black)
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(box.x, box.y - 12, data.signer_name)
    canvas.restoreState()


def _verification(canvas: Canvas, url: str) -> None:
    """A QR code of the verification URL, and the same URL as text and as a link."""
    size = 74.0
    x, y = MARGIN, SIGNATURE_BOX.y - 4
    widget = QrCodeWidget(url, barLevel="M", barBorder=0)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)
    label = Paragraph(f"Verifikasi: {escape(url)}", STYLES["small"])
    width = SIGNATURE_BOX.x - MARGIN - 20
    _, height = label.wrap(width, 40)
    label.drawOn(canvas, x, y - 4 - height)
    canvas.linkURL(url, (x, y - 4 - height, x + width, y + size), relative=0)


def _footer(canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.saveState()
    canvas.setStrokeColor(colors.grey)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, FOOTER_TOP - 22, PAGE_WIDTH - MARGIN, FOOTER_TOP - 22)
    text = Paragraph(f"{BSRE_FOOTER}<br/>{UU_ITE_FOOTER}", STYLES["footer"])
    _, height = text.wrap(CONTENT_WIDTH, 60)
    text.drawOn(canvas, MARGIN, FOOTER_TOP - 26 - height)
    canvas.setFont("Helvetica", 7)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, 24, f"Halaman {doc.page}")
    canvas.restoreState()


# ----- page 2 on: the attachment --------------------------------------------------------


def _other_page(canvas: Canvas, doc: BaseDocTemplate, data: SkData) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7.5)
    canvas.drawString(MARGIN, 812, f"Lampiran Keputusan Nomor {data.sk_number}")
    canvas.drawString(MARGIN, 802, f"Tanggal {indonesian_date(data.issued_on)}")
    canvas.restoreState()
    _footer(canvas, doc)


def _attachment(data: SkData) -> list[Any]:
    flow: list[Any] = [Paragraph(ATTACHMENT_TITLE, STYLES["title"]), Spacer(0, 8)]
    if data.map_image is not None:
        flow += [_map(data.map_image), Spacer(0, 4)]
        flow.append(Paragraph("Peta lokasi yang disetujui", STYLES["center"]))
    else:
        flow.append(Paragraph("Peta lokasi tidak dilampirkan.", STYLES["center"]))
    flow += [
        Spacer(0, 10),
        Paragraph(
            f"Koordinat batas lokasi yang disetujui (WGS 84, derajat desimal); luas "
            f"{area_m2(data.approved_area_m2)}:",
            STYLES["body"],
        ),
        Spacer(0, 4),
        _coordinate_table(data.coordinates),
    ]
    return flow


def _map(image: bytes) -> Image:
    try:
        width, height = ImageReader(BytesIO(image)).getSize()
    except Exception as exc:  # reportlab/Pillow raise many kinds for a corrupt image
        raise SkDataInvalid("map_image", "Gambar peta tidak dapat dibaca.") from exc
    scale = min(CONTENT_WIDTH / width, 330 / height)
    return Image(BytesIO(image), width=width * scale, height=height * scale)


def _coordinate_table(points: tuple[tuple[float, float], ...]) -> Table:
    rows: list[list[str]] = [["No", "Bujur (X)", "Lintang (Y)"]]
    rows += [[str(n), coordinate(lon), coordinate(lat)] for n, (lon, lat) in enumerate(points, 1)]
    table = Table(rows, colWidths=[40, 150, 150], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ]
        )
    )
    return table
