"""GET /api/openapi.json: built from the routing table, so it must match it exactly."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice import Chalice
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app import app
from chalicelib.adapters.models import NotificationModel, TicketModel
from chalicelib.adapters.users import UserProfile
from chalicelib.api.openapi import UndeclaredRoute, build
from chalicelib.api.responses import RESPONSES, SCHEMAS
from chalicelib.auth.principal import Principal
from chalicelib.usecases import notify as center
from chalicelib.usecases import tickets as service
from chalicelib.validation import load_schema, schema_names

ROOT = Path(__file__).resolve().parents[2]
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


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    # The meta-schema check tools such as schemathesis rely on (raises when invalid).
    validate_spec(document)


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
        # A public route answers 401/403 only for reasons of its own (login: wrong password).
        own = RESPONSES[f"{method.upper()} {path}"]
        assert ("401" in op["responses"]) == (401 in own)
        assert ("403" in op["responses"]) == (403 in own)
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
        assert "415" in op["responses"]
    else:
        assert "requestBody" not in op
        # Without a body, a 400 can only come from a query parameter the route checks.
        own = RESPONSES[f"{method.upper()} {path}"]
        assert ("400" in op["responses"]) == (400 in own)
        assert 400 not in own or getattr(view, "query_params", None)


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


# --- responses: every status a route answers, with a real schema ------------------------------


SUCCESS = {"200", "201", "204"}


def test_response_components_do_not_shadow_request_bodies() -> None:
    titles = {load_schema(name).get("title", name) for name in schema_names()}

    assert titles & SCHEMAS.keys() == set()


def test_every_route_declares_its_responses_and_no_declaration_is_stale() -> None:
    routes = {f"{method.upper()} {path}" for path, method, _ in ROUTES}

    assert routes - RESPONSES.keys() == set(), "routes without a declaration"
    assert RESPONSES.keys() - routes == set(), "declarations of routes that do not exist"


def test_a_route_without_a_declaration_cannot_be_published() -> None:
    # GIVEN an app with a route nobody declared
    extra = Chalice(app_name="undeclared")

    @extra.route("/tickets/{ticket_no}/archive", methods=["POST"])
    def archive(ticket_no: str) -> dict:
        return {}

    # WHEN the document is built THEN it refuses, naming the route
    with pytest.raises(UndeclaredRoute, match=re.escape("POST /tickets/{ticket_no}/archive")):
        build(extra, title="x", version="1")


@pytest.mark.parametrize(("path", "method", "view"), ROUTES, ids=ROUTE_IDS)
def test_success_bodies_have_a_schema_with_required_keys(
    document: dict[str, Any], path: str, method: str, view: Any
) -> None:
    responses = document["paths"][path][method]["responses"]
    success = SUCCESS & responses.keys()

    assert success, "every route declares how it succeeds"
    for status in success:
        if status == "204":
            assert "content" not in responses[status], "204 has no body"
            continue
        schema = follow(
            document, responses[status]["content"]["application/json"]["schema"]["$ref"]
        )
        assert schema.get("required") or schema.get("allOf"), f"{status} body is not `{{}}`"
        assert schema.get("additionalProperties") is not False, "fields may be added"


@pytest.mark.parametrize(("path", "method", "view"), ROUTES, ids=ROUTE_IDS)
def test_errors_use_the_error_shape_and_server_errors_are_declared(
    document: dict[str, Any], path: str, method: str, view: Any
) -> None:
    responses = document["paths"][path][method]["responses"]

    assert "500" in responses
    for status, response in responses.items():
        if int(status) >= 400:
            ref = response["content"]["application/json"]["schema"]["$ref"]
            schema = follow(document, ref)
            assert ref.endswith("/Error") or {"$ref": "#/components/schemas/Error"} in schema.get(
                "allOf", []
            ), f"{status} answers {{code, message}}"


def test_statuses_beyond_the_old_five_are_declared(document: dict[str, Any]) -> None:
    def statuses(path: str, method: str) -> set[str]:
        return set(document["paths"][path][method]["responses"])

    assert {"200", "404", "409", "422", "503"} <= statuses("/tickets/{ticket_no}/decision", "post")
    assert {"201", "409", "422"} <= statuses("/admin/users", "post")
    assert {"200", "201", "401", "409", "413", "422"} <= statuses("/ptsp/applications", "post")
    assert {"201", "404", "422"} <= statuses("/tickets/{ticket_no}/documents", "post")
    assert {"200", "503"} <= statuses("/health", "get")
    assert "200" not in statuses("/admin/users", "post")


def test_constrained_query_parameters_carry_their_schema(document: dict[str, Any]) -> None:
    params = {p["name"]: p["schema"] for p in document["paths"]["/tickets"]["get"]["parameters"]}

    assert params["box"]["enum"] == ["pending", "decided"]
    assert params["limit"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
    assert "WIUP" in params["permit_type"]["enum"]
    assert params["q"] == {"type": "string"}


def validator_for(document: dict[str, Any], component: str) -> Draft202012Validator:
    """Validate against one component, resolving `#/components/...` inside the document."""
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:api", resource)
    return Draft202012Validator(
        {"$ref": f"urn:api#/components/schemas/{component}"}, registry=registry
    )


KADIS = Principal(
    email="kadis@esdm.demo",
    subject="s",
    roles=frozenset({"KEPALA_DINAS"}),
    region=None,
    agency="esdm-jateng",
    name="Kadis",
)


@pytest.fixture
def ticket() -> TicketModel:
    """The demo ticket 27419 waiting for Kepala Dinas (the fake runtime reads the workflow
    from its ASL file; the ticket has no decisions in its history)."""
    data = json.loads((Path(__file__).parent / "openapi_ticket.json").read_text())
    return TicketModel(data.pop("ticket_no"), **data)


def errors(document: dict[str, Any], component: str, payload: Any) -> list[str]:
    found = validator_for(document, component).iter_errors(json.loads(json.dumps(payload)))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


def test_ticket_views_match_their_schemas(document: dict[str, Any], ticket: TicketModel) -> None:

    assert errors(document, "TicketSummary", service.summary(ticket)) == []
    assert errors(document, "TicketDetail", service.detail(ticket, KADIS)) == []
    assert errors(document, "MapFeature", service.map_feature(ticket)) == []
    page = {"items": [service.summary(ticket)], "next_cursor": None}
    assert errors(document, "TicketPage", page) == []


def test_a_final_ticket_without_pending_step_matches_the_detail_schema(
    document: dict[str, Any], ticket: TicketModel
) -> None:
    done = TicketModel.from_raw_data(ticket.serialize())
    done.pending = None
    done.final = True
    done.status = "DISETUJUI DINAS ESDM"

    assert errors(document, "TicketDetail", service.detail(done, KADIS)) == []


def test_user_and_notification_views_match_their_schemas(document: dict[str, Any]) -> None:
    user = UserProfile("a@b.id", "A", None, ["CABANG_DINAS"], "SEMARANG DEMAK", None)
    item = NotificationModel(
        "a@b.id",
        "1-x",
        ticket_no="27419",
        title="t",
        message="m",
        summary={"Nomor Ticket": "27419"},
        link="http://x/#/tiket/27419",
        created_at="2026-11-21T01:00:00+00:00",
    )

    assert errors(document, "User", user.to_dict()) == []
    assert errors(document, "Notification", center.view(item)) == []


def test_the_schemas_catch_drift(document: dict[str, Any], ticket: TicketModel) -> None:
    # A required key dropped or retyped is caught; an added one is not.
    row = service.summary(ticket)

    assert errors(document, "TicketSummary", {**row, "extra": 1}) == []
    assert errors(document, "TicketSummary", {k: v for k, v in row.items() if k != "status"})
    assert errors(document, "TicketSummary", {**row, "final": "ya"})
