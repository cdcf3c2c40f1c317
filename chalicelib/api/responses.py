"""What every route answers: its statuses and the JSON Schema of each body, in one table.

The OpenAPI document is built from this table (and from the routes' own declarations:
public/roles/body schema), so a conformance check against `GET /api/openapi.json` tests
what the code really returns. A route missing here fails tests/unit/test_openapi.py.

Objects never set `additionalProperties: false`: adding a field to a response is not a
breaking change, while dropping or retyping a required one is — that is what the schemas
catch. Statuses every route of a kind shares (401/403/503 behind login, 400 for a body,
500) are added by `openapi.build`; the table lists the route's own ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.auth.roles import ROLES
from chalicelib.declared import catalog


@dataclass(frozen=True)
class Reply:
    """One status of a route: what it means (Bahasa Indonesia) and its body's component."""

    description: str
    schema: str | None = "Error"  # None: no body (204)


def _nullable(kind: str) -> dict[str, Any]:
    return {"type": [kind, "null"]}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    """An object whose `required` keys must be present with these types (others allowed)."""
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
OBJECT = {"type": "object"}

_TICKET_SUMMARY = {
    "ticket_no": STRING,
    "applicant_name": STRING,
    "permit_type": STRING,
    "permit_label": STRING,
    "permit_short": STRING,
    "workflow": STRING,
    "workflow_title": STRING,
    "status_kind": {"enum": ["in_progress", "returned", "approved", "rejected"]},
    "submitted_at": STRING,
    "status": STRING,
    "position": STRING,
    "region": STRING,
    "final": BOOLEAN,
    "waiting_since": _nullable("string"),
}

_DOCUMENT = {
    "id": STRING,
    "kind": STRING,
    "filename": STRING,
    "content_type": STRING,
    "size": INTEGER,
    "uploaded_at": STRING,
    "uploaded_by": STRING,
    "step": STRING,
}

# Response bodies, as components of the document (request bodies come from schemas/*.json).
SCHEMAS: dict[str, dict[str, Any]] = {
    "User": _obj(
        {
            "email": STRING,
            "name": STRING,
            "phone": _nullable("string"),
            "roles": {"type": "array", "items": {"enum": list(ROLES)}},
            "region": _nullable("string"),
            "agency": _nullable("string"),
            "enabled": BOOLEAN,
            "status": STRING,
        }
    ),
    "UserList": _obj({"items": _list_of("User"), "count": INTEGER}),
    "UserCreated": _obj({"user": _ref("User")}, {"temporary_password": STRING}),
    "Session": _obj(
        {
            "token": STRING,
            "token_type": {"const": "Bearer"},
            "expires_in": INTEGER,
            "user": _ref("User"),
        }
    ),
    # For POST /auth/refresh (being added by another branch): declare its route below.
    "TokenRefreshed": _obj(
        {"token": STRING, "token_type": {"const": "Bearer"}, "expires_in": INTEGER}
    ),
    "Message": _obj({"message": STRING}),
    "Health": _obj(
        {
            "status": {"const": "ok"},
            "resources": {"type": "object", "additionalProperties": STRING},
        }
    ),
    "NotReady": {
        "allOf": [
            _ref("Error"),
            {"properties": {"resources": {"type": "object", "additionalProperties": STRING}}},
        ]
    },
    "OpenApi": _obj({"openapi": STRING, "info": OBJECT, "paths": OBJECT}),
    "PermitTypes": _obj(
        {
            "items": {
                "type": "array",
                "items": _obj(
                    {
                        "code": {"enum": catalog().all_permit_types()},
                        "short": STRING,
                        "label": STRING,
                        "workflow": STRING,
                    }
                ),
            }
        }
    ),
    "Agencies": _obj({"items": {"type": "array", "items": OBJECT}}),
    "Services": _obj({"items": {"type": "array", "items": _ref("Service")}}),
    "Service": _obj(
        {
            "workflow": STRING,
            "title": STRING,
            "agency": STRING,
            "checklist": {"type": "array", "items": OBJECT},
            "permit_types": {"type": "array", "items": OBJECT},
        },
        {"application": _nullable("object"), "service_days": _nullable("integer")},
    ),
    "Tracking": _obj(
        {
            "ticket_no": STRING,
            "permit_label": STRING,
            "status": STRING,
            "position": STRING,
            "office": STRING,
            "timeline": {"type": "array", "items": OBJECT},
            "service_time": _nullable("object"),
        }
    ),
    "SkLink": _obj({"url": STRING}, {"signed": BOOLEAN}),
    "Registered": _obj({"email": STRING, "expires_in_minutes": INTEGER}, {"phone": STRING}),
    "Confirmed": _obj({"email": STRING, "confirmed": BOOLEAN}),
    "BatchSigned": _obj({"items": _list_of("SigningResult"), "signed": INTEGER}),
    # one application of a batch: signed (status, when), or why not (code, message)
    "SigningResult": _obj(
        {"ticket_no": STRING, "signed": BOOLEAN},
        {
            "status": STRING,
            "signed_at": _nullable("string"),
            "code": STRING,
            "message": STRING,
        },
    ),
    "SkVerification": _obj(
        {
            "authentic": BOOLEAN,
            "sk_number": STRING,
            "permit_label": STRING,
            "signed_on": STRING,
            "signer_position": STRING,
            "valid_until": STRING,
        },
        {
            "same_document": BOOLEAN,
            "signature_intact": BOOLEAN,
            "signature_trusted": BOOLEAN,
            "verdict": STRING,
        },
    ),
    "ApplicationPage": _obj(
        {"items": {"type": "array", "items": OBJECT}, "next_cursor": _nullable("string")}
    ),
    "Application": _obj(
        {
            "ticket_no": STRING,
            "status": STRING,
            "draft": BOOLEAN,
            "applicant": OBJECT,
            "application": OBJECT,
            "checklist": {"type": "array", "items": OBJECT},
            "missing": {"type": "array", "items": STRING},
            "access_code": _nullable("string"),
            "revision": INTEGER,
        }
    ),
    "AccessCode": _obj({"ticket_no": STRING, "access_code": STRING}),
    "Workflows": _obj(
        {"agency": _nullable("object"), "categories": {"type": "array", "items": OBJECT}}
    ),
    "TicketSummary": _obj(_TICKET_SUMMARY),
    "TicketPage": _obj({"items": _list_of("TicketSummary"), "next_cursor": _nullable("string")}),
    "TicketCounts": _obj(
        {
            "pending": {"type": "object", "additionalProperties": INTEGER},
            "total": INTEGER,
        }
    ),
    "Document": _obj(_DOCUMENT, {"awaiting_decision": BOOLEAN}),
    "TicketDetail": _obj(
        {
            **_TICKET_SUMMARY,
            "applicant": OBJECT,
            "location": OBJECT,
            "ptsp_documents": {"type": "array"},
            "documents": _list_of("Document"),
            "forms": {"type": "object", "additionalProperties": OBJECT},
            "last_decision": _nullable("object"),
            "open_reason": _nullable("object"),
            "decided_at": _nullable("string"),
            "created_at": STRING,
            "updated_at": STRING,
            "overdue_count": INTEGER,
            "pending": {
                "oneOf": [
                    {"type": "null"},
                    _obj(
                        {
                            "step": STRING,
                            "status": STRING,
                            "role": STRING,
                            "role_label": STRING,
                            "entered_at": STRING,
                            "my_turn": BOOLEAN,
                            "options": {
                                "type": "array",
                                "items": _obj({"action": STRING, "requires": OBJECT}),
                            },
                        }
                    ),
                ]
            },
        }
    ),
    "TrackEntry": _obj(
        {
            "kind": STRING,
            "step": _nullable("string"),
            "status": STRING,
            "role": _nullable("string"),
            "role_label": STRING,
            "actor": _nullable("string"),
            "actor_name": _nullable("string"),
            "action": _nullable("string"),
            "note": _nullable("string"),
            "entered_at": _nullable("string"),
            "left_at": _nullable("string"),
            "duration_seconds": _nullable("number"),
        },
        {
            "result": _nullable("string"),  # a decision's: what it made of the ticket
            # an applicant's correction (AJUKAN ULANG): each field changed, by its title
            "corrected": _nullable("array"),
        },
    ),
    "Track": _obj({"ticket": _ref("TicketSummary"), "items": _list_of("TrackEntry")}),
    "MapFeature": _obj(
        {
            "type": {"const": "Feature"},
            "geometry": _obj({"type": STRING, "coordinates": {"type": "array"}}),
            "bbox": {"type": "array", "items": {"type": "number"}, "minItems": 4},
            "properties": _obj(
                {
                    **_TICKET_SUMMARY,
                    "centroid": {
                        "type": "array",
                        "items": {"type": "number"},
                        "minItems": 2,
                        "maxItems": 2,
                    },
                }
            ),
        }
    ),
    "UploadTicket": _obj(
        {
            "id": STRING,
            "upload": _obj(
                {"url": STRING, "fields": {"type": "object", "additionalProperties": STRING}}
            ),
            "expires_in": INTEGER,
        }
    ),
    "DocumentLink": _obj({**_DOCUMENT, "url": STRING, "expires_in": INTEGER}),
    "Notification": _obj(
        {
            "id": STRING,
            "ticket_no": STRING,
            "title": STRING,
            "message": STRING,
            "summary": OBJECT,
            "link": STRING,
            "created_at": STRING,
            "read": BOOLEAN,
        }
    ),
    "Inbox": _obj(
        {
            "unread": INTEGER,
            "items": _list_of("Notification"),
            "next_cursor": _nullable("string"),
        }
    ),
    "Marked": _obj({"marked": INTEGER}),
    "DeadLetters": _obj(
        {
            "items": {
                "type": "array",
                "items": _obj(
                    {
                        "message_id": STRING,
                        "ticket_no": _nullable("string"),
                        "status": _nullable("string"),
                        "webhook_id": STRING,
                        "attempts": INTEGER,
                        "first_sent_at": _nullable("string"),
                    }
                ),
            },
            "count": INTEGER,
        }
    ),
    "Redriven": _obj({"moved": INTEGER}),
    "ApplicationReceived": _obj({"created": BOOLEAN, "ticket": _ref("TicketSummary")}),
}

# Query parameters whose values are constrained (the others are free text).
_LIMIT = {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
QUERY_SCHEMAS: dict[str, dict[str, dict[str, Any]]] = {
    "GET /admin/users": {"role": {"enum": list(ROLES)}},
    "GET /tickets": {
        "box": {"enum": ["pending", "decided"], "default": "pending"},
        "permit_type": {"enum": catalog().all_permit_types()},
        "limit": _LIMIT,
    },
    # `unread`: any value other than "true" means all (the route does not reject others).
    "GET /notifications": {"limit": _LIMIT},
    "GET /applications": {"limit": _LIMIT},
}

_TICKET_404 = Reply("Tiket tidak ditemukan.")
_BAD_QUERY = Reply("Parameter kueri tidak valid (mis. limit, cursor).")
_THROTTLED = Reply("Terlalu banyak percobaan ke layanan pengguna; coba lagi sebentar lagi.")
_USER_404 = Reply("Pengguna tidak ditemukan.")

# Each route's own statuses: "METHOD /path" → {status: Reply}.
RESPONSES: dict[str, dict[int, Reply]] = {
    "GET /health": {
        200: Reply("Semua sumber daya siap.", "Health"),
        503: Reply("Ada sumber daya yang belum siap; disebutkan satu per satu.", "NotReady"),
    },
    "GET /openapi.json": {200: Reply("Dokumen OpenAPI 3.1 API ini.", "OpenApi")},
    "POST /auth/login": {
        200: Reply("Login berhasil: token bearer dan profil pengguna.", "Session"),
        401: Reply("Email atau password salah, atau akun dinonaktifkan."),
        403: Reply("Password sementara harus diganti, atau akun belum dikonfirmasi."),
        429: _THROTTLED,
        422: Reply("Password baru (new_password) tidak memenuhi syarat."),
    },
    "POST /auth/refresh": {
        200: Reply("Token baru dari refresh token.", "TokenRefreshed"),
        401: Reply("Refresh token tidak valid, kedaluwarsa atau dicabut."),
        429: _THROTTLED,
    },
    "GET /me": {200: Reply("Profil pengguna yang login.", "User"), 404: _USER_404, 429: _THROTTLED},
    "PATCH /me": {200: Reply("Profil setelah diubah.", "User"), 404: _USER_404, 429: _THROTTLED},
    "POST /me/password": {
        200: Reply("Password diubah.", "Message"),
        422: Reply("Password baru tidak memenuhi syarat atau sama dengan yang lama."),
        429: _THROTTLED,
    },
    "GET /admin/users": {
        200: Reply("Daftar pengguna.", "UserList"),
        400: Reply("Peran tidak dikenal."),
        429: _THROTTLED,
    },
    "POST /admin/users": {
        201: Reply(
            "Pengguna dibuat (dengan password sementara bila tidak diberikan).", "UserCreated"
        ),
        409: Reply("Email sudah terdaftar."),
        422: Reply("Kombinasi peran dan wilayah tidak sah, atau password tidak memenuhi syarat."),
        429: _THROTTLED,
    },
    "PATCH /admin/users/{email}": {
        200: Reply("Pengguna setelah diubah.", "User"),
        404: _USER_404,
        409: Reply("Administrator terakhir tidak dapat dinonaktifkan atau dicabut perannya."),
        422: Reply("Kombinasi peran dan wilayah tidak sah."),
        429: _THROTTLED,
    },
    "GET /admin/ptsp/dead-letters": {
        200: Reply("Keputusan yang gagal dikirim ke PTSP.", "DeadLetters")
    },
    "POST /admin/ptsp/dead-letters/redrive": {
        200: Reply("Jumlah keputusan yang dikirim ulang.", "Redriven")
    },
    "GET /permit-types": {200: Reply("Jenis izin alur-alur pengguna yang login.", "PermitTypes")},
    "GET /agencies": {200: Reply("Instansi yang memiliki alur perizinan.", "Agencies")},
    "GET /workflows": {200: Reply("Alur perizinan instansi pengguna yang login.", "Workflows")},
    "GET /public/services": {200: Reply("Layanan yang menerima permohonan.", "Services")},
    "GET /public/services/{workflow_id}": {
        200: Reply("Daftar persyaratan dan data yang diminta satu layanan.", "Service"),
        404: Reply("Layanan tidak ditemukan."),
    },
    "POST /public/track": {
        200: Reply("Status, riwayat dan sisa waktu layanan permohonan.", "Tracking"),
        404: Reply("Nomor registrasi atau kode akses tidak cocok."),
        429: Reply("Terlalu banyak percobaan yang salah."),
    },
    "POST /auth/register": {
        201: Reply("Akun pemohon dibuat; kode konfirmasi dikirim.", "Registered"),
        409: Reply("Email sudah terdaftar."),
        422: Reply("Nomor WhatsApp atau kata sandi tidak memenuhi syarat."),
        429: Reply("Terlalu banyak permintaan pendaftaran dari alamat ini."),
    },
    "POST /auth/register/confirm": {
        200: Reply("Akun dikonfirmasi; silakan masuk.", "Confirmed"),
        409: Reply("Akun sudah dikonfirmasi."),
        422: Reply("Kode salah atau kedaluwarsa."),
        429: Reply("Terlalu banyak kode salah."),
    },
    "POST /auth/register/resend": {
        200: Reply("Kode baru dikirim bila akun menunggu konfirmasi.", "Registered"),
        429: Reply("Terlalu banyak permintaan kode dari alamat ini."),
    },
    "POST /signing/batch": {
        200: Reply("Hasil tanda tangan setiap permohonan.", "BatchSigned"),
    },
    "GET /tickets/{ticket_no}/sk": {
        200: Reply("Tautan SK (berlaku lima menit).", "SkLink"),
        404: Reply("Tiket tidak ditemukan atau SK belum terbit."),
    },
    "GET /tickets/{ticket_no}/sk/preview": {
        200: Reply("Tautan pratinjau SK (berlaku lima menit).", "SkLink"),
        404: _TICKET_404,
        422: Reply("Data untuk SK belum lengkap."),
    },
    "GET /public/verify/{token}": {
        200: Reply("SK ini asli; isi pokoknya.", "SkVerification"),
        404: Reply("Kode verifikasi tidak dikenal."),
    },
    "POST /public/verify/{token}": {
        200: Reply("Hasil pemeriksaan berkas PDF terhadap SK ini.", "SkVerification"),
        404: Reply("Kode verifikasi tidak dikenal."),
        422: Reply("Berkas bukan PDF base64 yang sah atau terlalu besar."),
        429: Reply("Terlalu banyak pemeriksaan berkas dari alamat ini."),
    },
    "GET /applications": {
        200: Reply("Permohonan milik pengguna, terbaru dahulu.", "ApplicationPage"),
        400: _BAD_QUERY,
    },
    "POST /applications": {
        201: Reply("Draf permohonan dibuat.", "Application"),
        403: Reply("Hanya pemohon atau petugas Front End yang dapat membuat permohonan."),
        422: Reply("Data permohonan atau data pemohon tidak valid."),
    },
    "GET /applications/{ticket_no}": {
        200: Reply("Permohonan, persyaratannya dan statusnya.", "Application"),
        404: Reply("Permohonan tidak ditemukan."),
    },
    "PATCH /applications/{ticket_no}": {
        200: Reply("Draf permohonan diperbarui.", "Application"),
        404: Reply("Permohonan tidak ditemukan."),
        409: Reply("Draf sudah diubah di perangkat atau tab lain, atau sedang berubah."),
        422: Reply("Data permohonan tidak valid atau permohonan sudah diajukan."),
    },
    "POST /applications/{ticket_no}/access-code": {
        200: Reply("Kode akses baru; kode lama tidak berlaku lagi.", "AccessCode"),
        403: Reply("Hanya pemohon yang dapat mengganti kode akses permohonannya."),
        404: Reply("Permohonan tidak ditemukan."),
        409: Reply("Kode akses baru saja diganti di tempat lain."),
        422: Reply("Permohonan belum diajukan."),
        429: Reply("Kode akses sudah terlalu sering diganti dalam satu jam."),
    },
    "POST /applications/{ticket_no}/submit": {
        200: Reply("Permohonan diajukan; alur kerja dimulai.", "Application"),
        404: Reply("Permohonan tidak ditemukan."),
        409: Reply("Draf sudah berubah atau sudah diajukan."),
        422: Reply("Data belum lengkap atau dokumen persyaratan belum lengkap."),
    },
    "GET /tickets": {
        200: Reply("Satu halaman tiket.", "TicketPage"),
        400: Reply("Parameter box, permit_type, limit atau cursor tidak valid."),
    },
    "GET /tickets/summary": {200: Reply("Jumlah tiket menunggu per jenis izin.", "TicketCounts")},
    "GET /tickets/{ticket_no}": {
        200: Reply("Detail tiket dan pilihan keputusan peran saya.", "TicketDetail"),
        404: _TICKET_404,
    },
    "GET /tickets/{ticket_no}/track": {
        200: Reply("Riwayat setiap langkah tiket.", "Track"),
        404: _TICKET_404,
    },
    "GET /tickets/{ticket_no}/map": {
        200: Reply("Lokasi tiket sebagai GeoJSON Feature.", "MapFeature"),
        404: _TICKET_404,
    },
    "POST /tickets/{ticket_no}/decision": {
        200: Reply("Keputusan tersimpan; detail tiket sesudahnya.", "TicketDetail"),
        404: _TICKET_404,
        409: Reply("Langkah ini sudah diputuskan orang lain atau tiket sedang diperbarui."),
        422: Reply("Pilihan, CHECK, formulir atau dokumen tidak memenuhi syarat langkah ini."),
    },
    "POST /tickets/{ticket_no}/documents": {
        201: Reply("Formulir unggah (presigned POST) untuk satu berkas.", "UploadTicket"),
        404: _TICKET_404,
        409: Reply("Ticket sedang diperbarui, atau batas jumlah dokumen langkah ini tercapai."),
        422: Reply("Jenis berkas tidak diterima untuk dokumen ini."),
        429: Reply("Terlalu banyak unggahan yang belum selesai pada langkah ini."),
    },
    "POST /tickets/{ticket_no}/documents/{document_id}/confirm": {
        200: Reply("Berkas diperiksa dan diterima.", "Document"),
        404: Reply("Ticket atau dokumen tidak ditemukan."),
        409: Reply("Ticket sedang diperbarui, atau batas jumlah dokumen tercapai."),
        410: Reply("Izin unggah sudah kedaluwarsa; berkasnya dihapus."),
        422: Reply("Berkas belum diunggah, terlalu besar, atau isinya bukan jenis yang diminta."),
    },
    "DELETE /tickets/{ticket_no}/documents/{document_id}": {
        204: Reply("Unggahan yang belum selesai ditarik kembali.", None),
        403: Reply("Hanya pengunggahnya yang dapat menarik unggahan ini."),
        404: Reply("Ticket atau dokumen tidak ditemukan."),
        409: Reply("Dokumen sudah diterima dan tidak dapat ditarik."),
    },
    "GET /tickets/{ticket_no}/documents/{document_id}": {
        200: Reply("Tautan unduh yang berlaku lima menit.", "DocumentLink"),
        404: Reply("Tiket atau dokumen tidak ditemukan."),
    },
    "GET /notifications": {
        200: Reply("Jumlah belum dibaca dan satu halaman notifikasi.", "Inbox"),
        400: _BAD_QUERY,
    },
    "POST /notifications/{notification_id}/read": {
        200: Reply("Notifikasi ditandai sudah dibaca.", "Notification"),
        404: Reply("Notifikasi tidak ditemukan."),
    },
    "POST /notifications/read-all": {
        200: Reply("Jumlah notifikasi yang ditandai sudah dibaca.", "Marked")
    },
    "POST /ptsp/applications": {
        200: Reply(
            "Pengajuan ini sudah diterima sebelumnya; tidak ada duplikat.", "ApplicationReceived"
        ),
        201: Reply("Pengajuan baru diterima; tiket dibuat.", "ApplicationReceived"),
        409: Reply("Nomor tiket sudah dipakai pengajuan lain."),
        413: Reply("Badan permintaan melebihi batas ukuran."),
        422: Reply("Lokasi atau isi pengajuan tidak memenuhi batas yang berlaku."),
        503: Reply("Alur kerja belum dapat dimulai; PTSP dapat mengirim ulang."),
    },
}
