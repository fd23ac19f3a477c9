"""Bad input to the accounts API: a clear 4xx with a stable code, never a 500."""

import pytest
from fastapi.testclient import TestClient

from tests.conftest import STRONG_PASSWORD, unique_email


def _register(client: TestClient, **overrides: object):
    body = {"email": unique_email(), "password": STRONG_PASSWORD, "name": "Аня", **overrides}
    return client.post("/api/auth/register", json=body)


def test_129_character_password_is_a_clear_422(client: TestClient) -> None:
    response = _register(client, password="x1Y" * 43)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"]
    assert [d["field"] for d in error["details"]] == ["body.password"]


def test_128_character_password_is_accepted_and_not_truncated(client: TestClient) -> None:
    password = "Aa1-" * 32
    email = unique_email()
    assert _register(client, email=email, password=password).status_code == 201
    client.post("/api/auth/logout")
    truncated = client.post("/api/auth/login", json={"email": email, "password": password[:72]})
    assert truncated.status_code == 401
    full = client.post("/api/auth/login", json={"email": email, "password": password})
    assert full.status_code == 200


def test_129_character_password_at_login_is_a_422(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={"email": unique_email(), "password": "p" * 129})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_non_utf8_body_is_a_422(client: TestClient) -> None:
    raw = b'{"email": "a@example.com", "password": "\xff\xfe\xfa bad bytes", "name": "A"}'
    response = client.post(
        "/api/auth/register", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_lone_surrogate_password_is_a_422(client: TestClient) -> None:
    email = unique_email()
    raw = f'{{"email": "{email}", "password": "abc\\ud800defgh1", "name": "A"}}'
    response = client.post(
        "/api/auth/register", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    login = client.post(
        "/api/auth/login",
        content=raw.replace('"name": "A"', '"x": 1'),
        headers={"content-type": "application/json"},
    )
    assert login.status_code == 422


@pytest.mark.parametrize(
    "password", ["password1", "qwerty123", "iloveyou", "12345678", "йцукенгшщз", "aaaaaaaaaa"]
)
def test_common_passwords_are_refused(client: TestClient, password: str) -> None:
    response = _register(client, password=password)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "weak_password"


def test_password_equal_to_email_is_refused(client: TestClient) -> None:
    email = unique_email()
    assert _register(client, email=email, password=email).json()["error"]["code"] == "weak_password"


def test_short_password_and_bad_email_and_empty_name(client: TestClient) -> None:
    response = _register(client, email="not-an-email", password="short", name="   ")
    assert response.status_code == 422
    fields = sorted(d["field"] for d in response.json()["error"]["details"])
    assert fields == ["body.email", "body.name", "body.password"]


@pytest.mark.parametrize("body", [b"", b"null", b"[]", b"{", b'{"email": 5}'])
def test_malformed_bodies_are_422(client: TestClient, body: bytes) -> None:
    response = client.post(
        "/api/auth/login", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
