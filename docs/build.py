"""Build the downloadable PDFs of the Andesit landing page from their Markdown sources.

    .venv/bin/python docs/build.py                # both documents -> web/unduhan/*.pdf
    .venv/bin/python docs/build.py --html /tmp/x  # also keep the generated HTML there

Each docs/<name>.md becomes a printable A4 HTML page (in a temporary folder) and is printed
to web/unduhan/<name>.pdf by headless Chromium. No Markdown library is needed: the sources
use a small subset (headings, paragraphs, nested lists, pipe tables, block quotes, fenced
code, **bold**, *italic*, `code`, [links](url), a trailing backslash for a line break, and
screenshots as `![caption](img/name.jpg)` on a line of their own, taken by docs/screenshots.py)
that is converted here. Two HTML comments steer the layout: `<!-- daftar-isi -->` (table of
contents) and `<!-- halaman-baru -->` (page break).
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
OUT = ROOT / "web" / "unduhan"
CHROMIUM = Path("/usr/bin/chromium")
HEADER = "Dinas ESDM Provinsi Jawa Tengah — Andesit"

DOCUMENTS = {
    "panduan-andesit": "Panduan Penggunaan Andesit",
    "istilah-khusus-andesit": "Istilah Khusus Andesit",
}

# --- inline ---------------------------------------------------------------------------------


def inline(text: str) -> str:
    """Escape, then apply `code`, links, **bold**, *italic* and trailing-backslash breaks."""
    codes: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        codes.append(f"<code>{html.escape(match.group(1), quote=False)}</code>")
        return f"\x00{len(codes) - 1}\x00"

    text = re.sub(r"`([^`]+)`", keep_code, text)
    text = html.escape(text, quote=False)
    text = re.sub(
        r"\[([^\]]+)\]\(([^)\s]+)\)",
        lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>',
        text,
    )
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text, flags=re.S)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", text, flags=re.S)
    text = text.replace("\\\n", "<br>\n")
    return re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], text)


def plain(text: str) -> str:
    """Heading text without Markdown marks (for ids and the table of contents)."""
    return re.sub(r"[*`]", "", text).strip()


def slug(text: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", plain(text).lower()).strip("-") or "bagian"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


# --- blocks ---------------------------------------------------------------------------------

IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)$")


def figure(caption: str, src: str) -> str:
    """A screenshot on a line of its own: docs/<src> with its caption (Gambar: …)."""
    path = (DOCS / src).resolve()
    if not path.is_file():
        sys.exit(f"Gambar {src} tidak ada; jalankan dulu: .venv/bin/python docs/screenshots.py")
    return (
        f'<figure><img src="{path.as_uri()}" alt="{html.escape(caption)}">'
        f"<figcaption>Gambar: {inline(caption)}</figcaption></figure>"
    )


LIST_ITEM = re.compile(r"^( *)([-*]|\d+[.)])\s+(.*)$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*```")


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def dedent(lines: list[str], width: int) -> list[str]:
    return [line[width:] if line[:width].strip() == "" else line.lstrip(" ") for line in lines]


def is_block_start(line: str) -> bool:
    stripped = line.strip()
    return bool(
        HEADING.match(stripped)
        or FENCE.match(line)
        or stripped.startswith(("|", ">", "<!--"))
        or IMAGE.match(stripped)
        or LIST_ITEM.match(line)
        or re.fullmatch(r"-{3,}|\*{3,}", stripped)
    )


class Converter:
    def __init__(self) -> None:
        self.headings: list[tuple[int, str, str]] = []  # (level, id, text)
        self.used_ids: set[str] = set()

    def blocks(self, lines: list[str]) -> str:
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if not stripped:
                i += 1
            elif FENCE.match(line):
                end = i + 1
                while end < len(lines) and not FENCE.match(lines[end]):
                    end += 1
                body = "\n".join(dedent(lines[i + 1 : end], indent_of(line)))
                out.append(f"<pre><code>{html.escape(body, quote=False)}</code></pre>")
                i = end + 1
            elif stripped == "<!-- daftar-isi -->":
                out.append("\x01TOC\x01")
                i += 1
            elif stripped == "<!-- halaman-baru -->":
                out.append('<div class="page-break"></div>')
                i += 1
            elif stripped.startswith("<!--"):
                while i < len(lines) and "-->" not in lines[i]:
                    i += 1
                i += 1
            elif m := IMAGE.match(stripped):
                out.append(figure(m.group(1), m.group(2)))
                i += 1
            elif m := HEADING.match(stripped):
                level, text = len(m.group(1)), m.group(2)
                ident = slug(text, self.used_ids)
                self.headings.append((level, ident, plain(text)))
                out.append(f'<h{level} id="{ident}">{inline(text)}</h{level}>')
                i += 1
            elif re.fullmatch(r"-{3,}|\*{3,}", stripped):
                out.append("<hr>")
                i += 1
            elif stripped.startswith("|"):
                end = i
                while end < len(lines) and lines[end].strip().startswith("|"):
                    end += 1
                out.append(self.table([x.strip() for x in lines[i:end]]))
                i = end
            elif stripped.startswith(">"):
                end = i
                while end < len(lines) and lines[end].strip().startswith(">"):
                    end += 1
                inner = [re.sub(r"^>\s?", "", x.strip()) for x in lines[i:end]]
                out.append(f"<blockquote>{self.blocks(inner)}</blockquote>")
                i = end
            elif LIST_ITEM.match(line):
                html_list, i = self.list_at(lines, i)
                out.append(html_list)
            else:
                end = i + 1
                while end < len(lines) and lines[end].strip() and not is_block_start(lines[end]):
                    end += 1
                text = "\n".join(x.strip() for x in lines[i:end])
                out.append(f"<p>{inline(text)}</p>")
                i = end
        return "\n".join(out)

    def list_at(self, lines: list[str], i: int) -> tuple[str, int]:
        first = LIST_ITEM.match(lines[i])
        assert first
        base = len(first.group(1))
        ordered = first.group(2)[0].isdigit()
        items: list[str] = []
        while i < len(lines):
            m = LIST_ITEM.match(lines[i])
            if not m or len(m.group(1)) != base or m.group(2)[0].isdigit() != ordered:
                break
            width = base + len(m.group(2)) + 1
            body = [m.group(3)]
            i += 1
            while i < len(lines):
                line = lines[i]
                if not line.strip():
                    nxt = next((x for x in lines[i:] if x.strip()), None)
                    if nxt is None or indent_of(nxt) < width:
                        break
                    body.append("")
                elif indent_of(line) >= width:
                    body.append(line)
                elif LIST_ITEM.match(line) or is_block_start(line):
                    break
                else:  # lazy continuation of the item's first paragraph
                    body.append(" " * width + line.strip())
                i += 1
            content = self.blocks([body[0], *dedent(body[1:], width)])
            if content.startswith("<p>") and content.count("<p>") == 1:
                content = content[3:].replace("</p>", "", 1)
            items.append(f"<li>{content}</li>")
            # A blank line between items of the same list keeps the list going.
            while i < len(lines) and not lines[i].strip():
                nxt = next((x for x in lines[i:] if x.strip()), "")
                m2 = LIST_ITEM.match(nxt)
                if m2 and len(m2.group(1)) == base and m2.group(2)[0].isdigit() == ordered:
                    i += 1
                else:
                    break
        tag = "ol" if ordered else "ul"
        start = ""
        if ordered and (n := int(re.match(r"\d+", first.group(2)).group())) != 1:
            start = f' start="{n}"'
        return f"<{tag}{start}>\n" + "\n".join(items) + f"\n</{tag}>", i

    def table(self, rows: list[str]) -> str:
        def cells(row: str) -> list[str]:
            return [c.strip() for c in row.strip().strip("|").split("|")]

        head, rest = cells(rows[0]), rows[1:]
        if rest and re.fullmatch(r"\|?[\s:|-]+\|?", rest[0]):
            rest = rest[1:]
        # A status dropdown, a row of buttons, or a table whose rows with an empty first cell
        # continue the row above (one status, several options: shaded as one group).
        if head[0] == "Perubahan Status":
            kind = "options"
        elif head[0] == "Peta":
            kind = "buttons"
        elif any(cells(row)[0] == "" for row in rest):
            kind = "grouped"
        else:
            kind = ""
        out = [f'<table class="{kind}">' if kind else "<table>", "<thead><tr>"]
        out += [f"<th>{inline(c)}</th>" for c in head]
        out.append("</tr></thead><tbody>")
        group = 0
        for n, row in enumerate(rest):
            values = cells(row)
            classes = []
            if kind == "grouped":
                group += 1 if values[0] or n == 0 else 0
                classes += ["cont"] if not values[0] else []
                classes += ["alt"] if group % 2 == 0 else []
            cls = f' class="{" ".join(classes)}"' if classes else ""
            out.append(f"<tr{cls}>" + "".join(f"<td>{inline(c)}</td>" for c in values) + "</tr>")
        out.append("</tbody></table>")
        return "\n".join(out)

    def toc(self) -> str:
        out = ['<nav class="toc"><div class="toc-title">Daftar Isi</div><ol>']
        current: list[str] | None = None
        for level, ident, text in self.headings:
            if level == 2:
                if current is not None:
                    out.append(self._toc_item(current))
                current = [f'<a href="#{ident}">{html.escape(text)}</a>']
            elif level == 3 and current is not None:
                current.append(f'<a href="#{ident}">{html.escape(text)}</a>')
        if current is not None:
            out.append(self._toc_item(current))
        out.append("</ol></nav>")
        return "\n".join(out)

    @staticmethod
    def _toc_item(entry: list[str]) -> str:
        sub = f'<div class="toc-sub">{" · ".join(entry[1:])}</div>' if len(entry) > 1 else ""
        return f"<li>{entry[0]}{sub}</li>"


# --- page -----------------------------------------------------------------------------------

CSS = """
@page {
  size: A4;
  margin: 22mm 18mm 20mm 20mm;
  @top-left { content: "%(header)s"; font: 600 8.5pt "Liberation Sans", "DejaVu Sans", sans-serif;
              color: #1f4e79; vertical-align: bottom; padding-bottom: 3mm; }
  @top-right { content: "%(title)s"; font: 8.5pt "Liberation Sans", "DejaVu Sans", sans-serif;
               color: #666; vertical-align: bottom; padding-bottom: 3mm; }
  @bottom-right { content: "Halaman " counter(page) " dari " counter(pages);
                  font: 8.5pt "Liberation Sans", "DejaVu Sans", sans-serif; color: #666; }
  @bottom-left { content: "andesit.esdm.jatengprov.go.id";
                 font: 8.5pt "Liberation Sans", "DejaVu Sans", sans-serif; color: #999; }
}
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt;
       line-height: 1.45; color: #1a1a1a; margin: 0; }
h1 { font-size: 22pt; color: #1f4e79; margin: 0 0 4mm; padding: 6mm 0 3mm;
     border-bottom: 3px solid #c8962a; letter-spacing: .02em; }
h2 { font-size: 15pt; color: #1f4e79; margin: 8mm 0 3mm; padding-bottom: 1.5mm;
     border-bottom: 1px solid #b8c7d9; break-after: avoid; }
h3 { font-size: 12pt; color: #2b2b2b; margin: 6mm 0 2mm; break-after: avoid; }
h4 { font-size: 10.5pt; margin: 4.5mm 0 1.5mm; break-after: avoid; }
h3 + p, h4 + p { break-after: avoid; }
p { margin: 0 0 2.5mm; orphans: 3; widows: 3; }
ul, ol { margin: 0 0 3mm; padding-left: 7mm; }
li { margin: 0 0 1.5mm; }
li > p { margin: 0 0 1.5mm; }
li > ul, li > ol { margin: 1.5mm 0 0; }
a { color: #1f4e79; text-decoration: none; }
strong { font-weight: 700; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 8.8pt; background: #f1f3f6;
       padding: 0 .4mm; border-radius: .8mm; }
pre { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; background: #f1f3f6;
      border: 1px solid #d9dee5; border-radius: 1.5mm; padding: 2.5mm 3mm; margin: 0 0 3mm;
      white-space: pre-wrap; overflow-wrap: anywhere; break-inside: avoid; }
pre code { background: none; padding: 0; font-size: inherit; }
table { border-collapse: collapse; width: 100%%; margin: 1.5mm 0 3.5mm; font-size: 9pt;
        line-height: 1.35; }
th, td { border: 1px solid #c5ced9; padding: 1.4mm 2mm; text-align: left; vertical-align: top; }
thead th { background: #1f4e79; color: #fff; font-weight: 700; }
tbody tr:nth-child(even) td { background: #f5f8fb; }
table.grouped tbody tr td { background: #fff; }
table.grouped tbody tr.alt td { background: #f2f6fa; }
table.grouped tbody tr.cont td { border-top-color: #e3e8ee; }
table.grouped tbody tr.cont td:first-child, table.grouped tbody tr.cont td:nth-child(2) {
        border-top-color: transparent; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
table.options, table.buttons { width: auto; min-width: 95mm; font-size: 9pt;
        break-inside: avoid; }
table.options td:first-child { border: 0; }
table.options td + td { background: #fff !important; border-color: #9fb1c6; }
table.options thead th, table.buttons thead th { background: #eef2f7; color: #1a1a1a; }
table.options thead th:first-child { width: 36mm; }
table.options td:first-child { background: #fff !important; }
table.buttons thead th + th { text-align: center; font-weight: 700; color: #1f4e79;
        border: 1px solid #1f4e79; }
blockquote { margin: 2mm 0 3.5mm; padding: 2.5mm 4mm; background: #fbf6ea;
             border-left: 1.2mm solid #c8962a; break-inside: avoid; }
blockquote p:last-child { margin-bottom: 0; }
hr { border: 0; border-top: 1px solid #ccc; margin: 5mm 0; }
.page-break { break-after: page; }
figure { margin: 2mm 0 4mm; break-inside: avoid; text-align: center; }
figure img { max-width: 100%%; max-height: 118mm; border: 1px solid #c5ced9; border-radius: 1mm; }
figcaption { font-size: 8.5pt; color: #555; margin-top: 1.2mm; font-style: italic; }
li figure { margin-left: -7mm; }
.toc { margin: 4mm 0 6mm; padding: 3mm 5mm 2mm; border: 1px solid #d9dee5; border-radius: 1.5mm;
       background: #fafbfc; break-inside: avoid; }
.toc .toc-title { margin: 0 0 2mm; font-size: 12pt; font-weight: 700; color: #1f4e79; }
.toc ol { list-style: none; padding-left: 0; margin: 0; }
.toc li { margin: 0 0 1.8mm; font-weight: 700; }
.toc .toc-sub { font-weight: 400; font-size: 8.5pt; color: #555; margin-top: .5mm; }
.doc-istilah table td:first-child { width: 33%%; font-weight: 700; }
.doc-istilah h2 { margin-top: 6mm; }
"""


def page(name: str, title: str, source: str) -> str:
    converter = Converter()
    body = converter.blocks(source.splitlines())
    body = body.replace("\x01TOC\x01", converter.toc())
    css = CSS % {"header": HEADER, "title": title}
    kind = "istilah" if name.startswith("istilah") else "panduan"
    return (
        '<!doctype html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)} — Dinas ESDM Provinsi Jawa Tengah</title>\n"
        f"<style>{css}</style>\n</head>\n"
        f'<body class="doc-{kind}">\n{body}\n</body>\n</html>\n'
    )


# --- printing -------------------------------------------------------------------------------


def wait_for_chromium(timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not CHROMIUM.exists():
        if time.monotonic() > deadline:
            sys.exit(f"{CHROMIUM} tidak ditemukan setelah {timeout:.0f} detik.")
        print(f"Menunggu {CHROMIUM} terpasang ...", file=sys.stderr)
        time.sleep(10)


def print_pdf(html_file: Path, pdf: Path, profile: Path) -> None:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        "--generate-pdf-document-outline",
        f"--print-to-pdf={pdf}",
        html_file.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if result.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        sys.exit(f"Chromium gagal mencetak {pdf.name}:\n{result.stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(DOCUMENTS)} (default: all)")
    parser.add_argument("--html", type=Path, help="also keep the generated HTML in this folder")
    parser.add_argument("--wait", type=float, default=600, help="seconds to wait for Chromium")
    args = parser.parse_args()
    names = args.names or list(DOCUMENTS)
    unknown = [n for n in names if n not in DOCUMENTS]
    if unknown:
        parser.error(f"unknown document(s): {', '.join(unknown)}")

    wait_for_chromium(args.wait)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="andesit-docs-") as tmp:
        tmpdir = Path(tmp)
        for name in names:
            source = (DOCS / f"{name}.md").read_text(encoding="utf-8")
            html_file = tmpdir / f"{name}.html"
            html_file.write_text(page(name, DOCUMENTS[name], source), encoding="utf-8")
            if args.html:
                args.html.mkdir(parents=True, exist_ok=True)
                shutil.copy(html_file, args.html / html_file.name)
            pdf = OUT / f"{name}.pdf"
            partial = tmpdir / f"{name}.pdf"
            print_pdf(html_file, partial, tmpdir / "chromium-profile")
            shutil.move(partial, pdf)
            print(f"{pdf.relative_to(ROOT)}  {pdf.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
