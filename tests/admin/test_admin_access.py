"""Every `/api/admin/...` route, as the app itself lists them: 401 for anonymous, 403 for
students. A route added tomorrow is checked without anyone writing its name here."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.conftest import register


def admin_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path with each parameter filled in) of every admin route of the app."""
    found: list[tuple[str, str]] = []
    # FastAPI keeps included routers as branches of app.routes; this walks them.
    for route in iter_route_contexts(app.routes):
        if route.path and route.path.startswith("/api/admin") and route.methods:
            path = re.sub(r"\{[^}]+\}", "1", route.path)
            found.extend((method, path) for method in sorted(route.methods) if method != "HEAD")
    return found


def test_the_app_has_admin_routes_of_every_screen(app: FastAPI) -> None:
    paths = {path for _, path in admin_routes(app)}
    assert len(paths) >= 20
    screens = ("/api/admin/users", "/api/admin/audit", "/api/admin/billing", "/api/admin/settings")
    for prefix in screens:
        assert any(p.startswith(prefix) for p in paths), prefix


def test_anonymous_gets_401_everywhere(client: TestClient, app: FastAPI) -> None:
    for method, path in admin_routes(app):
        response = client.request(method, path)
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["error"]["code"] == "not_authenticated"


def test_students_get_403_everywhere(client: TestClient, app: FastAPI) -> None:
    register(client)
    for method, path in admin_routes(app):
        response = client.request(method, path)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"]["code"] == "forbidden"
