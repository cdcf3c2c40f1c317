"""GET /api/openapi.json: built from the routing table, so it must match it exactly."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from app import app
from chalicelib.api.openapi import build
from chalicelib.validation import load_schema

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build(app, title="E-Tracking Perizinan API", version="1")


def routes() -> list[tuple[str, str, Any]]:
    return [
        (path, method.lower(), entry.view_function)
        for path, methods in sorted(app.routes.items())
        for method, entry in sorted(methods.items())
    ]


ROUTES = routes()
ROUTE_IDS = [f"{method.upper()} {path}" for path, method, _ in ROUTES]


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


def all_refs(node: Any, where: str = "#") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield where, value
            else:
                yield from all_refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from all_refs(value, f"{where}/{i}")


def follow(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local references are expected, got {ref}"
    node: Any = document
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(token)]
        else:
            assert isinstance(node, dict) and token in node, f"{ref}: no {token!r}"
            node = node[token]
    return node


def test_routing_table_is_not_empty() -> None:
    assert len(ROUTES) >= 5


def test_document_is_openapi_3_1_and_json_serialisable(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "E-Tracking Perizinan API", "version": "1"}
    assert json.loads(json.dumps(document)) == document


def test_every_route_is_documented_and_nothing_else(document: dict[str, Any]) -> None:
    documented = {(path, method) for path, method, _ in operations(document)}

    assert documented == {(path, method) for path, method, _ in ROUTES}


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(document)]

    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("path", "method", "view"), ROUTES, ids=ROUTE_IDS)
def test_security_matches_the_route_declaration(
    document: dict[str, Any], path: str, method: str, view: Any
) -> None:
    op = document["paths"][path][method]

    if getattr(view, "webhook_schema", None):
        # Signed webhooks: no bearer, but a 401 for a missing or bad signature.
        assert op["security"] == []
        assert "401" in op["responses"]
        headers = {p["name"] for p in op["parameters"] if p["in"] == "header"}
        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    elif getattr(view, "is_public", False):
        assert op["security"] == []
        assert "401" not in op["responses"]
        assert "403" not in op["responses"]
        assert "x-roles" not in op
    else:
        assert "security" not in op, "protected routes inherit the document-level bearer"
        assert "401" in op["responses"]
        assert "403" in op["responses"]
        allowed = getattr(view, "roles_allowed", None)
        if allowed:
            assert op["x-roles"] == list(allowed)
            assert all(role in op["responses"]["403"]["description"] for role in allowed)
        else:
            assert "x-roles" not in op


def test_document_level_security_is_the_bearer_scheme(document: dict[str, Any]) -> None:
    assert document["security"] == [{"bearer": []}]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_public_and_protected_routes_both_exist() -> None:
    public = {getattr(view, "is_public", False) for _, _, view in ROUTES}

    assert public == {True, False}


@pytest.mark.parametrize(("path", "method", "view"), ROUTES, ids=ROUTE_IDS)
def test_request_body_exactly_for_routes_with_a_schema(
    document: dict[str, Any], path: str, method: str, view: Any
) -> None:
    op = document["paths"][path][method]
    schema_name = getattr(view, "request_schema", None) or getattr(view, "webhook_schema", None)

    if schema_name:
        body = op["requestBody"]
        assert body["required"] is True
        ref = body["content"]["application/json"]["schema"]["$ref"]
        component = follow(document, ref)
        assert component["title"] == load_schema(schema_name)["title"]
        assert component["properties"].keys() == load_schema(schema_name)["properties"].keys()
        assert "400" in op["responses"]
    else:
        assert "requestBody" not in op
        assert "400" not in op["responses"]


@pytest.mark.parametrize(("path", "method", "view"), ROUTES, ids=ROUTE_IDS)
def test_path_parameters_are_declared(
    document: dict[str, Any], path: str, method: str, view: Any
) -> None:
    op = document["paths"][path][method]
    declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}

    assert declared == set(re.findall(r"{(\w+)}", path))


def test_every_ref_resolves_inside_the_document(document: dict[str, Any]) -> None:
    refs = list(all_refs(document))

    for where, ref in refs:
        target = follow(document, ref)
        assert isinstance(target, dict) and target, f"{where} -> {ref} is empty"
    targets = {ref for _, ref in refs}
    assert "#/components/schemas/Error" in targets
    assert "#/components/schemas/UserCreate/$defs/role" in targets, "rewritten $defs refs"


def test_component_schemas_drop_the_dialect_and_keep_their_defs(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    user_create = schemas["UserCreate"]

    assert "$schema" not in user_create
    assert user_create["properties"]["roles"]["items"] == {
        "$ref": "#/components/schemas/UserCreate/$defs/role"
    }
    assert user_create["$defs"]["role"] == load_schema("user_create")["$defs"]["role"]
    # Building the document must not rewrite the schema used for validation.
    assert load_schema("user_create")["properties"]["roles"]["items"] == {"$ref": "#/$defs/role"}


def test_query_parameters_come_from_the_view(document: dict[str, Any]) -> None:
    for path, method, view in ROUTES:
        expected = getattr(view, "query_params", {})
        declared = {
            p["name"]: p["description"]
            for p in document["paths"][path][method].get("parameters", [])
            if p["in"] == "query"
        }
        assert declared == expected, f"{method.upper()} {path}"
