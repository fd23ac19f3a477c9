"""Findings 6 of issue #17 about every response: security headers, PostgreSQL down, and what
a database error writes to the log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from ailingva.core.config import Settings
from ailingva.main import create_app
from tests.conftest import STRONG_PASSWORD, unique_email

DATABASE_DOWN = "postgresql+psycopg://nobody@127.0.0.1:1/none"
SESSION_COOKIE = "ailingva_session"


def _built_spa(root: Path) -> Path:
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><div id=root></div>")
    (root / "assets" / "app.js").write_text("console.log('AIlingva')")
    return root


@pytest.mark.parametrize("path", ["/", "/billing", "/assets/app.js", "/api/health"])
def test_every_response_has_the_security_headers(
    settings: Settings, tmp_path: Path, path: str
) -> None:
    """Finding 6: no security headers. Fixed: every response (the web app, its assets, the
    API) says `nosniff`, a `Referrer-Policy`, and forbids framing by another site
    (`X-Frame-Options` or CSP `frame-ancestors`); the HTML pages carry a
    `Content-Security-Policy`."""
    app = create_app(settings.model_copy(update={"frontend_dist": _built_spa(tmp_path / "dist")}))
    with TestClient(app) as client:
        response = client.get(path)
    assert response.status_code == 200, response.text
    headers = response.headers
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy")
    csp = headers.get("content-security-policy", "")
    assert headers.get("x-frame-options") in ("DENY", "SAMEORIGIN") or "frame-ancestors" in csp
    if headers["content-type"].startswith("text/html"):
        assert csp, "an HTML page without a Content-Security-Policy"


def test_a_server_error_has_the_security_headers_too(settings: Settings) -> None:
    """The 500 answer is sent outside the middleware stack: it carries the headers itself."""
    app = create_app(settings)

    @app.get("/api/test-only-failure")
    def fail() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/test-only-failure")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("x-frame-options") == "DENY"


def test_with_the_database_down_the_api_answers_503(settings: Settings) -> None:
    """Finding 6: with PostgreSQL down the API answers 500. Fixed: 503 with a code (the
    client may try again later), like /api/health."""
    app = create_app(settings.model_copy(update={"database_url": DATABASE_DOWN}))
    with TestClient(app, raise_server_exceptions=False) as client:
        login = client.post(
            "/api/auth/login", json={"email": unique_email(), "password": STRONG_PASSWORD}
        )
        client.cookies.set(SESSION_COOKIE, "a-session-secret")
        me = client.get("/api/auth/me")
    for response in (login, me):
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "database_unavailable"
        assert response.headers["retry-after"]
        assert response.headers.get("x-content-type-options") == "nosniff"


def test_with_the_database_down_the_voice_handshake_is_refused_as_unavailable(
    settings: Settings,
) -> None:
    """Finding 6: the WebSocket handshake answers 500. Fixed: the handshake is refused with
    503, or closed with 1013 (try again later)."""
    app = create_app(settings.model_copy(update={"database_url": DATABASE_DOWN}))
    with TestClient(app, raise_server_exceptions=False) as client:
        client.cookies.set(SESSION_COOKIE, "a-session-secret")
        try:
            with client.websocket_connect("/ws/voice") as ws:
                ws.receive_json()
        except WebSocketDenialResponse as denied:
            assert denied.status_code == 503
        except WebSocketDisconnect as closed:
            assert closed.code == 1013
        else:
            pytest.fail("the handshake was accepted with the database down")


@pytest.mark.postgres
def test_a_database_error_writes_no_query_parameters_to_the_log(
    settings: Settings, is_postgres: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """Finding 6: on a database error SQLAlchemy's message carries the query's parameters,
    user data among them, into the log (seen: the profile's row, name and all, on a register
    with a NUL byte). Fixed: the engine hides parameters; whatever register does with that
    name, the log shows no query parameters and not the name."""
    if not is_postgres:
        pytest.skip("SQLite stores the NUL byte: no database error to log")
    caplog.set_level(logging.DEBUG)
    name = "Приватное\x00имя"
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.post(
            "/api/auth/register",
            json={"email": unique_email(), "password": STRONG_PASSWORD, "name": name},
        )
    formatter = logging.Formatter()
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "[parameters:" not in logged
    assert name not in logged
