"""An application's data as its workflow declares it: checked against the declared schema,
its parcel measured, its region read off; the same for a draft, for AJUKAN and for the
applicant's correction when an application comes back (AJUKAN ULANG)."""

from __future__ import annotations

import copy
from typing import Any

from chalicelib import geo
from chalicelib.core.catalog import Workflow
from chalicelib.validation import validate_with

COMPUTED = ("luas_poligon",)  # written by the system, never by the applicant


def parsed(
    workflow: Workflow, data: dict[str, Any], whole: bool, prefix: str = "data"
) -> tuple[dict[str, Any], float | None]:
    """The data checked against the declared schema (a draft may leave required fields
    out), its texts trimmed; a drawn parcel checked and measured."""
    data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    schema = workflow.application or {"type": "object"}
    if not whole:
        schema = copy.deepcopy(schema)
        schema.pop("required", None)
    validate_with(schema, data, prefix=prefix)
    area = None
    if data.get("poligon") is not None:
        data = {**data}
        data["poligon"], area = geo.parcel(data["poligon"], f"{prefix}.poligon")
    return data, area


def stored(application: dict[str, Any], area: float | None) -> dict[str, Any]:
    """What the ticket keeps of checked data: the data with its measured area, the parcel as
    the ticket's location, and the region read off it (a draft, a correction alike)."""
    return {
        "application": {**application, **({"luas_poligon": area} if area else {})},
        "location": application.get("poligon"),
        "region": region_of(application),
    }


def without_computed(application: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in application.items() if k not in COMPUTED}


def region_of(application: dict[str, Any]) -> str:
    return str(application.get("kecamatan") or "-").upper()


def changes(
    workflow: Workflow, before: dict[str, Any], after: dict[str, Any]
) -> list[dict[str, Any]]:
    """What a correction changed, field by field in the form's order, by title: the
    officials read what the applicant changed (a redrawn parcel is named, not listed)."""
    properties = (workflow.application or {}).get("properties", {})
    changed = []
    for name, spec in properties.items():
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        entry: dict[str, Any] = {"title": spec.get("title") or name}
        if spec.get("x-widget") != "polygon":
            entry |= {"before": old, "after": new}
        changed.append(entry)
    return changed
