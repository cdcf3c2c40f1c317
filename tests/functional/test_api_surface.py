"""What every client meets first: health, the error shape, the web root, the API description."""

from __future__ import annotations

from app import app
from chalicelib.settings import Settings
from tests.stack import RunningStack


def test_health_is_ok_and_checks_every_configured_resource(stack: RunningStack) -> None:
    response = stack.api("GET", "/health")
    assert response.status_code == 200
    resources = response.json()["resources"]
    assert set(resources.values()) == {"ok"}
    assert {
        "tickets_table",
        "documents_bucket",
        "ticket_events_topic_arn",
        "notifications_queue_url",
        "user_pool_id",
    } <= set(resources)


def test_health_says_which_resource_is_missing(stack: RunningStack) -> None:
    # GIVEN a resource that disappeared  WHEN health is asked  THEN 503 names it
    from chalicelib.adapters.health import readiness

    settings = Settings.from_env({**stack.env, "SEARCH_TABLE": "etracking-hilang"})
    states = readiness(settings, stack.boto3_client)
    assert states["search_table"].startswith("tidak siap")
    assert states["tickets_table"] == "ok"


def test_unknown_api_path_gets_404_in_the_error_shape(stack: RunningStack) -> None:
    response = stack.api("GET", "/tidak/ada")
    assert response.status_code == 404
    assert response.json() == {"code": "NOT_FOUND", "message": "Alamat API tidak ditemukan."}


def test_unsupported_method_gets_405_in_the_error_shape(stack: RunningStack) -> None:
    response = stack.api("DELETE", "/health")
    assert response.status_code == 405
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"


def test_non_json_content_type_gets_415(stack: RunningStack) -> None:
    response = stack.api(
        "POST",
        "/auth/login",
        data='{"email": "a@b.c", "password": "x"}',
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert response.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_web_console_is_served_at_the_root(stack: RunningStack) -> None:
    import requests

    response = requests.get(stack.url, timeout=10)
    assert response.status_code == 200
    assert "text/html" in response.headers["Content-Type"]


def test_openapi_describes_every_route_and_its_body(stack: RunningStack) -> None:
    document = stack.api("GET", "/openapi.json").json()
    described = {
        (path, method.upper()) for path, item in document["paths"].items() for method in item
    }
    routes = {(path, method) for path, methods in app.routes.items() for method in methods}
    assert described == routes
    login = document["paths"]["/auth/login"]["post"]
    assert login["security"] == []
    assert login["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Login"
    }
    assert document["paths"]["/admin/users"]["get"]["x-roles"] == ["ADMIN"]
    assert "401" in document["paths"]["/me"]["get"]["responses"]
