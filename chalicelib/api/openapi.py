"""OpenAPI 3.1 document built from the routes themselves and the schema files."""

from __future__ import annotations

import copy
import inspect
import re
from typing import Any

from chalice import Chalice

from chalicelib.validation import load_schema

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable code."},
        "message": {"type": "string", "description": "Explanation in Bahasa Indonesia."},
        "field": {"type": "string", "description": "The request field at fault, if any."},
    },
}


def _component(schema_name: str) -> dict[str, Any]:
    schema = copy.deepcopy(load_schema(schema_name))
    schema.pop("$schema", None)
    title = schema.get("title", schema_name)

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (
                    f"#/components/schemas/{title}/$defs/{v.split('/')[-1]}"
                    if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/")
                    else rewrite(v)
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    return rewrite(schema)


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def build(app: Chalice, title: str, version: str) -> dict[str, Any]:
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for path, methods in sorted(app.routes.items()):
        item: dict[str, Any] = {}
        for method, entry in sorted(methods.items()):
            view = entry.view_function
            doc = inspect.getdoc(view) or view.__name__
            summary, _, description = doc.partition("\n\n")
            op: dict[str, Any] = {
                "operationId": view.__name__,
                "summary": summary.replace("\n", " "),
                "responses": {
                    "200": {
                        "description": "Berhasil.",
                        "content": {"application/json": {"schema": {}}},
                    },
                    "500": _error("Kesalahan server."),
                },
            }
            if description:
                op["description"] = description
            params = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in re.findall(r"{(\w+)}", path)
            ]
            params += [
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": text,
                }
                for name, text in getattr(view, "query_params", {}).items()
            ]
            if getattr(view, "webhook_schema", None):
                params += [
                    {"name": header, "in": "header", "required": True, "schema": {"type": "string"}}
                    for header in ("webhook-id", "webhook-timestamp", "webhook-signature")
                ]
                op["responses"]["401"] = _error("Tanda tangan webhook tidak ada atau tidak valid.")
            if params:
                op["parameters"] = params
            schema_name = getattr(view, "request_schema", None) or getattr(
                view, "webhook_schema", None
            )
            if schema_name:
                component = _component(schema_name)
                components[component.get("title", schema_name)] = component
                ref = {"$ref": f"#/components/schemas/{component.get('title', schema_name)}"}
                op["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": ref}},
                }
                op["responses"]["400"] = _error("Badan permintaan tidak valid.")
            if getattr(view, "is_public", False):
                op["security"] = []
            else:
                op["responses"]["401"] = _error("Belum login atau token tidak valid.")
                allowed = getattr(view, "roles_allowed", None)
                op["responses"]["403"] = _error(
                    f"Hanya untuk peran: {', '.join(allowed)}."
                    if allowed
                    else "Peran tidak berwenang."
                )
                if allowed:
                    op["x-roles"] = list(allowed)
            item[method.lower()] = op
        paths[path] = item
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/api"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
        "security": [{"bearer": []}],
    }
