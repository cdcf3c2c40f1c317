"""The local stack's page of sent messages: every WhatsApp, SMS and email, with its text.

Nothing leaves the machine locally: the fake WhatsApp endpoint keeps each template message
(whatsapp-messages.jsonl) and moto's SNS is made to write down each SMS and email
(sent-messages.jsonl, local/moto_server.py). `GET /lokal/pesan` shows them newest first;
`GET /lokal/pesan.json` gives the same list to tests and scripts.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from chalicelib.declared import catalog

PREFIX = "/lokal/pesan"
WHATSAPP_FILE = "whatsapp-messages.jsonl"
SENT_FILE = "sent-messages.jsonl"
SENT_LOG_ENV = "LOCAL_SENT_MESSAGES"  # tells moto's server where to write them down
LABELS = {"whatsapp": "WhatsApp", "sms": "SMS", "email": "Email"}


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _whatsapp_text(template: str, parameters: list[str]) -> str:
    """The message as the recipient reads it: the agency's template text, filled in."""
    for agency in catalog().agencies.values():
        text = ((agency.data.get("whatsapp") or {}).get("templates") or {}).get(template)
        if text:
            for i, value in enumerate(parameters, start=1):
                text = text.replace(f"{{{i}}}", value)
            return text
    return "\n".join(parameters)


def messages(directory: Path | None = None) -> list[dict[str, Any]]:
    base = directory or Path(os.environ.get("PTSP_SINK_DIR", ".local"))
    found = [
        {
            "channel": "whatsapp",
            "to": "+" + str(m["to"]).lstrip("+"),
            "at": m["time"],
            "subject": m["template"],
            "text": _whatsapp_text(m["template"], m["parameters"]),
        }
        for m in _lines(base / WHATSAPP_FILE)
    ]
    found += _lines(base / SENT_FILE)
    return sorted(found, key=lambda m: m.get("at") or "", reverse=True)


def handle(path: str) -> tuple[int, dict[str, str], bytes]:
    found = messages()
    if path.split("?", 1)[0] == PREFIX + ".json":
        body = json.dumps({"items": found}, ensure_ascii=False).encode()
        return 200, {"Content-Type": "application/json"}, body
    return 200, {"Content-Type": "text/html; charset=utf-8"}, _page(found).encode()


def _page(found: list[dict[str, Any]]) -> str:
    rows = "\n".join(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td></tr>".format(
            html.escape(m.get("at") or ""),
            LABELS.get(m["channel"], m["channel"]),
            html.escape(m.get("to") or ""),
            html.escape(m.get("subject") or ""),
            html.escape(m.get("text") or ""),
        )
        for m in found
    )
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Pesan Terkirim (lokal)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;margin:1rem}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}}
pre{{white-space:pre-wrap;margin:0;font:inherit}}</style></head>
<body><h1>Pesan Terkirim</h1>
<p>Tumpukan lokal tidak mengirim apa pun keluar: setiap WhatsApp, SMS dan email yang akan
dikirim tercatat di sini ({len(found)} pesan). Muat ulang untuk melihat yang terbaru.</p>
<table><thead><tr><th>Waktu (UTC)</th><th>Saluran</th><th>Kepada</th><th>Judul / templat</th>
<th>Isi</th></tr></thead><tbody>
{rows}
</tbody></table></body></html>"""
