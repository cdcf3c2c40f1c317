"""Roles are Cognito groups. Workflow files say which role acts at each step."""

from __future__ import annotations

ROLES: tuple[str, ...] = (
    "KEPALA_DINAS",
    "KEPALA_BIDANG",
    "CABANG_DINAS",
    "PEMOHON",
    "FRONT_END",
    "PEMERIKSA",
    "DPUPR",
    "ATR_BPN",
    "BACKEND",
    "KEPALA_DPMPTSP",
    "ADMIN",
)

# Roles that act only on tickets of their own region (wilayah).
REGION_SCOPED: frozenset[str] = frozenset({"CABANG_DINAS"})

ROLE_LABELS: dict[str, str] = {
    "KEPALA_DINAS": "Kepala Dinas",
    "KEPALA_BIDANG": "Kepala Bidang",
    "CABANG_DINAS": "Cabang Dinas Wilayah",
    "PEMOHON": "Pemohon",
    "FRONT_END": "Front End DPMPTSP",
    "PEMERIKSA": "Pemeriksa DPMPTSP",
    "DPUPR": "DPUPR",
    "ATR_BPN": "ATR/BPN",
    "BACKEND": "Back End DPMPTSP",
    "KEPALA_DPMPTSP": "Kepala DPMPTSP",
    "ADMIN": "Administrator",
}
