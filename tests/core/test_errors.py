"""One error shape everywhere: unknown routes, wrong methods, validation, crashes."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import login, make_admin


def test_unknown_api_route_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Не найдено."}}


def test_wrong_method_is_a_json_405(client: TestClient) -> None:
    response = client.get("/api/auth/login")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_405_allows_every_method_of_the_path(client: TestClient) -> None:
    """`/api/admin/settings` has a GET and a PUT route; Starlette named only the first's."""
    response = client.delete("/api/admin/settings")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, PUT"


def test_unexpected_exception_hides_details(app: FastAPI) -> None:
    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret" not in response.text


def test_query_validation_uses_the_same_shape(client: TestClient, engine: Engine) -> None:
    login(client, make_admin(engine))
    response = client.get("/api/admin/users", params={"limit": "lots"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["field"] for d in error["details"]] == ["query.limit"]
