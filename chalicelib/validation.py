"""Request bodies are checked against JSON Schemas kept as files in `schemas/`.

The same files describe the bodies in `GET /api/openapi.json`. Error messages are written
for the person filling the form, in Bahasa Indonesia, naming the field.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.errors import AppError, BadRequest, ValidationFailed

if TYPE_CHECKING:  # jsonschema loads at the first validation, not at every cold start
    from jsonschema.exceptions import ValidationError

    from chalicelib.core.catalog import Catalog

SCHEMA_DIR = Path(__file__).parent / "schemas"

_TYPE_NAMES = {
    "string": "teks",
    "integer": "bilangan bulat",
    "number": "angka",
    "boolean": "true atau false",
    "object": "objek JSON",
    "array": "daftar",
    "null": "null",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    from jsonschema import Draft202012Validator

    path = SCHEMA_DIR / f"{name}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    if schema.pop("x-declared-forms", False):
        schema["properties"] = {**schema["properties"], **_catalog().forms()}
    role = schema.get("$defs", {}).get("role", {})
    if role.pop("x-declared-roles", False):
        from chalicelib.auth.roles import ROLES

        role["enum"] = list(ROLES)
    for spec in schema.get("properties", {}).values():
        channel = spec.pop("x-permit-types-of", None) if isinstance(spec, dict) else None
        if channel:
            spec["enum"] = _catalog().permit_types(channel)
        if isinstance(spec, dict) and spec.pop("x-declared-document-kinds", False):
            spec["enum"] = list(_catalog().document_kinds())
    Draft202012Validator.check_schema(schema)
    return schema


def _catalog() -> Catalog:
    """The declared workflows: request schemas take their enums and forms from them (a
    decision carries each form under its name)."""
    from chalicelib.declared import catalog

    return catalog()


# JSON Schema patterns are ECMA-262 regular expressions; Python's `re` reads `\s` more widely
# (also \x1c-\x1f and \x85). The published schema keeps `\s`; the server reads it as a
# browser would, so what the document allows, the server allows.
ECMA_SPACE = r"\t\n\x0b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def ecma_pattern(pattern: str) -> str:
    r"""`pattern` with `\s` and `\S` spelled out as ECMA-262 defines them."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        pair = pattern[i : i + 2]
        if pair in ("\\s", "\\S"):
            if in_class:
                out.append(ECMA_SPACE if pair == "\\s" else pair)
            else:
                out.append(f"[{ECMA_SPACE}]" if pair == "\\s" else f"[^{ECMA_SPACE}]")
            i += 2
            continue
        if pair.startswith("\\"):
            out.append(pair)
            i += 2
            continue
        in_class = (in_class or pattern[i] == "[") and not (in_class and pattern[i] == "]")
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _ecma(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {
            k: ecma_pattern(v) if k == "pattern" and isinstance(v, str) else _ecma(v)
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_ecma(v) for v in schema]
    return schema


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(_ecma(load_schema(name)), format_checker=FormatChecker())


def schema_names() -> list[str]:
    return sorted(p.stem for p in SCHEMA_DIR.glob("*.json"))


# The largest body a webhook may send. A ticket is one DynamoDB item (400 KB at most, beside
# its other attributes); a bigger body can never be stored, so it is refused before anything
# else instead of failing later with a 500 that the sender would retry forever.
MAX_WEBHOOK_BODY_BYTES = 256 * 1024


class PayloadTooLarge(AppError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


def check_body_size(raw: bytes | str | None, limit: int = MAX_WEBHOOK_BODY_BYTES) -> None:
    """Refuse (413, naming the limit) a body that could never be stored, before parsing it."""
    size = len(raw.encode() if isinstance(raw, str) else raw or b"")
    if size > limit:
        raise PayloadTooLarge(
            f"Badan permintaan terlalu besar ({_kilobytes(size)}); batasnya {_kilobytes(limit)}.",
            limit_bytes=limit,
        )


def _kilobytes(size: int) -> str:
    return f"{-(-size // 1024):,} KB".replace(",", ".")


def parse_json(raw: bytes | str | None) -> Any:
    if raw is None or raw in (b"", ""):
        raise BadRequest("Badan permintaan kosong; kirim data JSON.", code="EMPTY_BODY")
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("Badan permintaan bukan JSON yang valid.", code="INVALID_JSON") from None


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; Python accepts them by default.
    raise ValueError(name)


def validate(name: str, data: Any) -> dict[str, Any]:
    """Validate `data` against schema `name`; raise ValidationFailed naming the first bad field."""
    errors = sorted(_validator(name).iter_errors(data), key=_error_order)
    if errors:
        raise _to_domain_error(errors[0])
    return data


def validate_with(schema: dict[str, Any], data: Any, prefix: str) -> Any:
    """Validate `data` against a declared schema (an application's data); the field named
    in the error is `prefix.<field>`."""
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(_ecma(schema), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=_error_order)
    if errors:
        error = _to_domain_error(errors[0])
        inner = error.extra.get("field") or ""
        field = f"{prefix}.{inner}" if inner else prefix
        title = _title_of(schema, inner)
        message = error.message.replace(f"Kolom '{inner}'", f"Kolom '{title or field}'", 1)
        raise ValidationFailed(message, field=field)
    return data


def _title_of(schema: dict[str, Any], field: str) -> str | None:
    """The declared title of a top-level field (what the applicant reads on the form)."""
    top = field.split(".")[0] if field else ""
    found = schema.get("properties", {}).get(top, {})
    return found.get("title") if isinstance(found, dict) else None


def _error_order(error: ValidationError) -> tuple[int, str]:
    # Shallow errors first (e.g. a missing field before a nested detail), then by path.
    return (len(error.absolute_path), "/".join(str(p) for p in error.absolute_path))


def _field_name(error: ValidationError) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = _missing_property(error)
        path.append(missing)
    return ".".join(path)


def _missing_property(error: ValidationError) -> str:
    instance = error.instance if isinstance(error.instance, dict) else {}
    for name in error.validator_value:
        if name not in instance:
            return name
    return ""


def _to_domain_error(error: ValidationError) -> ValidationFailed:
    field = _field_name(error)
    label = f"Kolom '{field}'" if field else "Data"
    custom = error.schema.get("x-pesan") if isinstance(error.schema, dict) else None
    kind = error.validator
    if kind == "required":
        message = f"{label} wajib diisi."
    elif custom:
        message = f"{label}: {custom}"
    elif kind == "type":
        expected = error.validator_value
        names = [
            _TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected])
        ]
        message = f"{label} harus berupa {' atau '.join(names)}."
    elif kind == "minLength":
        message = (
            f"{label} wajib diisi."
            if error.validator_value == 1
            else f"{label} minimal {error.validator_value} karakter."
        )
    elif kind == "maxLength":
        message = f"{label} maksimal {error.validator_value} karakter."
    elif kind == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        message = f"{label} harus salah satu dari: {options}."
    elif kind == "const":
        message = f"{label} harus bernilai {json.dumps(error.validator_value)}."
    elif kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        field = ".".join([*(str(p) for p in error.absolute_path), extra[0]]) if extra else field
        message = f"Kolom '{field}' tidak dikenal."
    elif kind == "format":
        message = f"{label} tidak sesuai format {error.validator_value}."
    elif kind == "pattern":
        message = f"{label} tidak sesuai format yang diminta."
    elif kind in ("minimum", "exclusiveMinimum"):
        message = f"{label} terlalu kecil (minimal {error.validator_value})."
    elif kind in ("maximum", "exclusiveMaximum"):
        message = f"{label} terlalu besar (maksimal {error.validator_value})."
    elif kind == "minItems":
        message = f"{label} minimal berisi {error.validator_value} item."
    elif kind == "maxItems":
        message = f"{label} maksimal berisi {error.validator_value} item."
    elif kind == "minProperties":
        message = f"{label} tidak boleh kosong."
    else:
        message = f"{label} tidak valid."
    return ValidationFailed(message, field=field)
