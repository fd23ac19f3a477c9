"""Finding 5 of issue #17: inputs that answered 500. Fixed: inputs are bounded and text is
refused, or cleaned of control characters, with a coded 422; never a 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine

from tests.conftest import STRONG_PASSWORD, login, make_admin, register, unique_email

PAST_INT64 = 2**63
NUL = "\x00"


@pytest.fixture
def student(app: FastAPI) -> Iterator[TestClient]:
    # Server errors as 500 responses (as a client sees them), not as exceptions in the test.
    with TestClient(app, raise_server_exceptions=False) as client:
        register(client)
        yield client


@pytest.fixture
def admin(app: FastAPI, engine: Engine) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        login(client, make_admin(engine))
        yield client


def _refused_with_a_code(response: Response) -> bool:
    return response.status_code == 422 and bool(response.json()["error"]["code"])


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("student", "/api/tutor/lessons"),
        ("student", "/api/billing/transactions"),
        ("admin", "/api/admin/users"),
        ("admin", "/api/admin/billing/transactions"),
    ],
)
def test_an_offset_past_int64_is_a_coded_422(
    who: str, path: str, request: pytest.FixtureRequest
) -> None:
    client: TestClient = request.getfixturevalue(who)
    response = client.get(path, params={"offset": PAST_INT64})
    assert _refused_with_a_code(response), (response.status_code, response.text)


def test_a_timezone_less_since_is_not_a_server_error(admin: TestClient) -> None:
    """Taken as UTC (200) or refused with a coded 422."""
    response = admin.get("/api/admin/billing/transactions", params={"since": "2026-01-01T00:00:00"})
    assert response.status_code == 200 or _refused_with_a_code(response), response.text


def test_a_nul_byte_in_a_tutor_message(student: TestClient) -> None:
    response = student.post("/api/tutor/message", json={"text": f"Hello{NUL} there"})
    if _refused_with_a_code(response):
        return
    assert response.status_code == 200, response.text
    lesson = student.get(f"/api/tutor/lessons/{response.json()['lesson_id']}").json()
    assert NUL not in json.dumps(lesson, ensure_ascii=False).replace("\\u0000", NUL)


def test_a_nul_byte_in_a_streamed_message_ends_the_stream_properly(student: TestClient) -> None:
    """Refused before streaming, or the stream ends with its `done` (or `error`) line."""
    response = student.post("/api/tutor/message/stream", json={"text": f"Hello{NUL} there"})
    if _refused_with_a_code(response):
        return
    assert response.status_code == 200, response.text
    lines = [json.loads(line) for line in response.text.splitlines() if line.strip()]
    assert lines and lines[-1]["type"] in ("done", "error"), lines


@pytest.mark.parametrize("field", ["name", "referral_code"])
def test_a_nul_byte_at_register(app: FastAPI, field: str) -> None:
    body = {"email": unique_email(), "password": STRONG_PASSWORD, "name": "Аня"}
    body[field] = f"Ан{NUL}я" if field == "name" else f"AB{NUL}CD234"
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/api/auth/register", json=body)
        if _refused_with_a_code(response):
            return
        assert response.status_code == 201, response.text
        assert NUL not in client.get("/api/auth/me").json()["name"]


def test_a_nul_byte_in_a_setting_value(admin: TestClient) -> None:
    response = admin.put(
        "/api/admin/settings", json={"values": {"openai_llm_model": f"gpt{NUL}-4o"}}
    )
    if _refused_with_a_code(response):
        return
    assert response.status_code == 200, response.text
    assert NUL not in json.dumps(admin.get("/api/admin/settings").json()).replace("\\u0000", NUL)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/tutor/message", {"text": "Hello there", "speak": 0}),
        ("/api/admin/billing/packages", {"name": "Пакет", "minutes": 10, "sort_order": False}),
    ],
)
def test_a_boolean_is_not_a_number_nor_a_number_a_boolean(
    admin: TestClient, path: str, body: dict[str, Any]
) -> None:
    """The document says boolean (or integer); pydantic's lax mode took 0 and false for each
    other (schemathesis's negative_data_rejection)."""
    response = admin.post(path, json=body)
    assert _refused_with_a_code(response), (response.status_code, response.text)
    assert admin.post(path, json={**body, "speak": False, "sort_order": 0}).status_code < 300
