"""Bearer tokens for API clients (and the voice WebSocket)."""

from datetime import UTC, datetime, timedelta

import jwt
import time_machine
from fastapi.testclient import TestClient

from ailingva.core.security import JWT_AUDIENCE, JWT_ISSUER
from tests.conftest import TEST_SECRET, register


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _token_from_credentials(client: TestClient, email: str, password: str) -> str:
    response = client.post("/api/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 15 * 60
    return str(body["access_token"])


def test_token_from_credentials_authenticates_without_a_cookie(
    client: TestClient, make_client
) -> None:
    account = register(make_client())
    token = _token_from_credentials(client, account.email, account.password)
    assert (
        "set-cookie"
        not in client.post(
            "/api/auth/token", json={"email": account.email, "password": account.password}
        ).headers
    )
    me = client.get("/api/auth/me", headers=_bearer(token))
    assert me.status_code == 200 and me.json()["id"] == account.id

    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "HS256"
    assert claims["aud"] == JWT_AUDIENCE and claims["sub"] == str(account.id)
    assert claims["exp"] - claims["iat"] == 15 * 60


def test_token_expires(client: TestClient, make_client) -> None:
    account = register(make_client())
    with time_machine.travel("2026-03-01 10:00:00+00:00", tick=False) as clock:
        token = _token_from_credentials(client, account.email, account.password)
        clock.shift(timedelta(minutes=14))
        assert client.get("/api/auth/me", headers=_bearer(token)).status_code == 200
        clock.shift(timedelta(minutes=2))
        assert client.get("/api/auth/me", headers=_bearer(token)).status_code == 401


def test_a_valid_token_does_not_refresh_itself_and_logout_revokes_the_session(
    client: TestClient, make_client
) -> None:
    account = register(make_client())
    token = _token_from_credentials(client, account.email, account.password)
    # A bearer token alone never buys its successor (issue #17): the client signs in again.
    refused = client.post("/api/auth/token", headers=_bearer(token))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "invalid_credentials"
    assert client.post("/api/auth/logout", headers=_bearer(token)).status_code == 204
    assert client.get("/api/auth/me", headers=_bearer(token)).status_code == 401


def test_cookie_session_gets_a_token_for_the_websocket(client: TestClient) -> None:
    register(client)
    token = client.post("/api/auth/token").json()["access_token"]
    assert client.get("/api/auth/me", headers=_bearer(token)).status_code == 200
    client.post("/api/auth/logout")
    assert client.get("/api/auth/me", headers=_bearer(token)).status_code == 401


def test_token_without_session_or_credentials_is_refused(client: TestClient) -> None:
    response = client.post("/api/auth/token")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def _forged(account_id: int, **changes: object) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(account_id),
        "sid": 1,
        "aud": JWT_AUDIENCE,
        "iss": JWT_ISSUER,
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    key = changes.pop("key", TEST_SECRET)
    algorithm = changes.pop("algorithm", "HS256")
    claims.update(changes)
    return jwt.encode(claims, key, algorithm=algorithm)  # type: ignore[arg-type]


def test_forged_and_tampered_tokens_are_refused(client: TestClient, make_client) -> None:
    account = register(make_client())
    real = _token_from_credentials(client, account.email, account.password)
    sid = jwt.decode(real, options={"verify_signature": False})["sid"]
    head, payload, signature = real.split(".")
    unsigned = jwt.encode(
        {
            "sub": str(account.id),
            "sid": sid,
            "aud": JWT_AUDIENCE,
            "iss": JWT_ISSUER,
            "exp": 4102444800,
        },
        "",
        algorithm="none",
    )
    bad_tokens = [
        _forged(account.id, sid=sid, key="another-secret-key-of-sufficient-length-123"),
        _forged(account.id, sid=sid, aud="someone-else"),
        _forged(account.id, sid=sid, iss="someone-else"),
        _forged(account.id + 1000, sid=sid),  # another user's id on this session
        _forged(account.id, sid=sid + 1000),  # a session that does not exist
        unsigned,
        f"{head}.{payload}.{signature[::-1]}",
        "not-a-token",
    ]
    for token in bad_tokens:
        response = client.get("/api/auth/me", headers=_bearer(token))
        assert response.status_code == 401, token
        assert response.json()["error"]["code"] == "not_authenticated"
