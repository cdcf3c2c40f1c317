"""OpenAPI 3.1 document built from the routes, the request schema files and the table of
responses (chalicelib/api/responses.py)."""

from __future__ import annotations

import copy
import inspect
import re
from typing import Any

from chalice import Chalice

from chalicelib.api.responses import QUERY_SCHEMAS, RESPONSES, SCHEMAS, Reply
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


def _reply(reply: Reply) -> dict[str, Any]:
    if reply.schema is None:  # 204: no body
        return {"description": reply.description}
    return {
        "description": reply.description,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{reply.schema}"}}
        },
    }


class UndeclaredRoute(LookupError):
    """A route has no entry in chalicelib/api/responses.py: the document would lie about it."""


def _responses(key: str, view: Any) -> dict[str, Any]:
    """The route's own statuses from the table, plus those its declarations imply."""
    if key not in RESPONSES:
        raise UndeclaredRoute(f"{key}: declare its responses in chalicelib/api/responses.py")
    own = dict(RESPONSES[key])
    if getattr(view, "request_schema", None) or getattr(view, "webhook_schema", None):
        own.setdefault(400, Reply("Badan permintaan tidak valid."))
        own.setdefault(415, Reply("Content-Type harus application/json."))
    if getattr(view, "webhook_schema", None):
        own.setdefault(401, Reply("Tanda tangan webhook tidak ada atau tidak valid."))
    elif not getattr(view, "is_public", False):
        allowed = getattr(view, "roles_allowed", None)
        why = own[403].description if 403 in own else "Peran atau wilayah tidak berwenang."
        only = f"Hanya untuk peran: {', '.join(allowed)}. " if allowed else ""
        own[403] = Reply(only + why)
        own.setdefault(401, Reply("Belum login atau token tidak valid."))
        own.setdefault(503, Reply("Layanan login sedang tidak dapat dihubungi."))
    own.setdefault(500, Reply("Kesalahan server."))
    return {str(status): _reply(reply) for status, reply in sorted(own.items())}


def _parameters(key: str, path: str, view: Any) -> list[dict[str, Any]]:
    constrained = QUERY_SCHEMAS.get(key, {})
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", path)
    ]
    params += [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": constrained.get(name, {"type": "string"}),
            "description": text,
        }
        for name, text in getattr(view, "query_params", {}).items()
    ]
    if getattr(view, "webhook_schema", None):
        params += [
            {"name": header, "in": "header", "required": True, "schema": {"type": "string"}}
            for header in ("webhook-id", "webhook-timestamp", "webhook-signature")
        ]
    return params


def _operation(key: str, path: str, view: Any, components: dict[str, Any]) -> dict[str, Any]:
    doc = inspect.getdoc(view) or view.__name__
    summary, _, description = doc.partition("\n\n")
    op: dict[str, Any] = {
        "operationId": view.__name__,
        "summary": summary.replace("\n", " "),
        "responses": _responses(key, view),
    }
    if description:
        op["description"] = description
    params = _parameters(key, path, view)
    if params:
        op["parameters"] = params
    schema_name = getattr(view, "request_schema", None) or getattr(view, "webhook_schema", None)
    if schema_name:
        component = _component(schema_name)
        name = component.get("title", schema_name)
        components[name] = component
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        }
    if getattr(view, "is_public", False):
        op["security"] = []
    elif getattr(view, "roles_allowed", None):
        op["x-roles"] = list(view.roles_allowed)
    return op


def build(app: Chalice, title: str, version: str) -> dict[str, Any]:
    """The document for every route of `app`; raises UndeclaredRoute for a route missing
    from the responses table, so a new route cannot be published undescribed."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA, **copy.deepcopy(SCHEMAS)}
    paths: dict[str, Any] = {}
    for path, methods in sorted(app.routes.items()):
        paths[path] = {
            method.lower(): _operation(f"{method} {path}", path, entry.view_function, components)
            for method, entry in sorted(methods.items())
        }
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
