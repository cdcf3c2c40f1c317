"""Permit types of Andesit, in the sidebar's order, with the words officials use."""

from __future__ import annotations

PERMIT_TYPES: dict[str, dict[str, str]] = {
    "WIUP": {"short": "WIUP", "label": "Wilayah Izin Usaha Pertambangan"},
    "IUP_EKSPLORASI": {"short": "IUP Eksplorasi", "label": "IUP Eksplorasi"},
    "IUP_OPERASI_PRODUKSI": {"short": "IUP Operasi Produksi", "label": "IUP Operasi Produksi"},
    "IUP_OP_KHUSUS_PENJUALAN": {
        "short": "IUP OP Khusus Penjualan",
        "label": "IUP Operasi Produksi Khusus Penjualan",
    },
    "IUP_OP_PENGOLAHAN_PEMURNIAN": {
        "short": "IUP OP Pengolahan dan Pemurnian",
        "label": "IUP Operasi Produksi Khusus Pengolahan dan Pemurnian",
    },
    "IUP_OP_PENGANGKUTAN_PENJUALAN": {
        "short": "IUP OP Pengangkutan dan Penjualan",
        "label": "IUP Operasi Produksi Khusus Pengangkutan dan Penjualan",
    },
    "IZIN_SEMENTARA": {"short": "Izin Sementara", "label": "Izin Sementara"},
    "IUJP": {"short": "IUJP", "label": "Izin Usaha Jasa Pertambangan"},
}


def short_label(permit_type: str) -> str:
    return PERMIT_TYPES.get(permit_type, {}).get("short", permit_type)


def label(permit_type: str) -> str:
    return PERMIT_TYPES.get(permit_type, {}).get("label", permit_type)
