"""How a download names its file: `Content-Disposition` per RFC 6266 / RFC 8187.

The filename is the uploader's, so it may hold quotes, backslashes or any Unicode letter.
HTTP headers are Latin-1 at best, and S3 signs the value into the URL: a raw en dash there
made the link hang, a quote or CR/LF broke the header. So the header carries an ASCII
fallback in `filename="…"` and the exact name, percent-encoded UTF-8, in `filename*`.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

# Checked on the server (content.inspect: signature, decode-size bound, no active PDF
# content), so a browser may show them in a tab; anything else is only downloaded.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})

# Characters that need no escaping in RFC 8187's attr-char (besides ALPHA and DIGIT).
_ATTR_CHARS = "!#$&+-.^_`|~"


def content_disposition(filename: str, content_type: str) -> str:
    """`inline` for a checked safe type, `attachment` otherwise; both names always given."""
    kind = "inline" if content_type in INLINE_TYPES else "attachment"
    encoded = quote(filename, safe=_ATTR_CHARS, encoding="utf-8")
    return f"{kind}; filename=\"{ascii_fallback(filename)}\"; filename*=UTF-8''{encoded}"


def ascii_fallback(filename: str) -> str:
    """The name in printable ASCII for old clients: accents dropped (é → e), dashes and
    other letters approximated or replaced by '_', quotes and backslashes replaced."""
    out = []
    for char in unicodedata.normalize("NFKD", filename):
        if unicodedata.combining(char):
            continue
        if char in _DASHES:
            char = "-"
        if not (" " <= char <= "~") or char in '"\\':
            char = "_"
        out.append(char)
    return "".join(out).strip() or "dokumen"


_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
