"""Accounts as a student meets them: sign in, stay signed in, sign out."""

from datetime import timedelta

import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from ailingva.auth.models import SESSION_COOKIE, AuthSession, UserAccount
from tests.conftest import STRONG_PASSWORD, register, unique_email


def test_session_cookie_is_httponly_lax_and_only_a_hash_is_stored(
    client: TestClient, engine: Engine
) -> None:
    response = client.post(
        "/api/auth/register",
        json={"email": unique_email(), "password": STRONG_PASSWORD, "name": "Аня"},
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP on localhost
    secret = client.cookies[SESSION_COOKIE]
    with Session(engine) as db:
        stored = db.exec(select(AuthSession)).one()
        assert stored.secret_hash != secret and len(stored.secret_hash) == 64


def test_cookie_is_secure_over_https(app: object) -> None:
    with TestClient(app, base_url="https://ailingva.example") as https:  # type: ignore[arg-type]
        response = https.post(
            "/api/auth/register",
            json={"email": unique_email(), "password": STRONG_PASSWORD, "name": "Аня"},
        )
    assert response.status_code == 201
    assert "Secure" in response.headers["set-cookie"]


def test_login_logout_and_the_old_cookie_is_refused(client: TestClient, make_client) -> None:
    account = register(make_client())
    login = client.post(
        "/api/auth/login", json={"email": account.email, "password": account.password}
    )
    assert login.status_code == 200 and login.json()["id"] == account.id
    old_cookie = client.cookies[SESSION_COOKIE]

    assert client.post("/api/auth/logout").status_code == 204
    assert client.get("/api/auth/me").status_code == 401

    replay = make_client()
    replay.cookies.set(SESSION_COOKIE, old_cookie)
    response = replay.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_logout_without_a_session_is_harmless(client: TestClient) -> None:
    assert client.post("/api/auth/logout").status_code == 204


def test_unknown_email_and_wrong_password_answer_the_same(client: TestClient) -> None:
    account = register(client)
    client.post("/api/auth/logout")
    wrong_password = client.post(
        "/api/auth/login", json={"email": account.email, "password": "Not the password 1"}
    )
    unknown_email = client.post(
        "/api/auth/login", json={"email": unique_email(), "password": "Not the password 1"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.json()["error"]["code"] == "invalid_credentials"


def test_blocked_account_cannot_sign_in(client: TestClient, engine: Engine) -> None:
    account = register(client)
    with Session(engine) as db:
        user = db.get(UserAccount, account.id)
        assert user is not None
        user.is_active = False
        db.add(user)
        db.commit()
    assert client.get("/api/auth/me").status_code == 401
    login = client.post(
        "/api/auth/login", json={"email": account.email, "password": account.password}
    )
    # Told why only with the right password: a guesser learns nothing new.
    assert login.status_code == 403 and login.json()["error"]["code"] == "account_blocked"
    wrong = client.post(
        "/api/auth/login", json={"email": account.email, "password": "Not the password 1"}
    )
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_credentials"


def test_same_email_in_other_case_is_taken(client: TestClient) -> None:
    account = register(client)
    other = TestClient(client.app)
    again = other.post(
        "/api/auth/register",
        json={
            "email": account.email.upper(),
            "password": "Another strong pass 9",
            "name": "Другой",
        },
    )
    # Answered as a new address would be (issue #17), but nothing is created and no one signed in.
    assert again.status_code == 201 and again.json()["id"] != account.id
    assert other.get("/api/auth/me").status_code == 401
    wrong = other.post(
        "/api/auth/login", json={"email": account.email, "password": "Another strong pass 9"}
    )
    assert wrong.status_code == 401
    mine = other.post(
        "/api/auth/login", json={"email": account.email, "password": account.password}
    )
    assert mine.status_code == 200 and mine.json()["name"] == account.name


def test_registering_a_taken_address_refuses_what_a_free_one_would(client: TestClient) -> None:
    account = register(client)
    for email in (account.email, f"free-{account.email}"):
        weak = TestClient(client.app).post(
            "/api/auth/register", json={"email": email, "password": "password", "name": "Ваня"}
        )
        assert weak.status_code == 422 and weak.json()["error"]["code"] == "weak_password"
        bad_code = TestClient(client.app).post(
            "/api/auth/register",
            json={
                "email": email,
                "password": STRONG_PASSWORD,
                "name": "Ваня",
                "referral_code": "NOSUCH99",
            },
        )
        assert bad_code.status_code == 422, bad_code.text
        assert bad_code.json()["error"]["code"] == "unknown_referral_code"


def test_idle_session_expires(client: TestClient, settings) -> None:
    with time_machine.travel("2026-03-01 10:00:00+00:00", tick=False) as clock:
        register(client)
        assert client.get("/api/auth/me").status_code == 200
        clock.shift(timedelta(minutes=settings.session_idle_minutes - 1))
        assert client.get("/api/auth/me").status_code == 200  # use keeps it alive
        clock.shift(timedelta(minutes=settings.session_idle_minutes - 1))
        assert client.get("/api/auth/me").status_code == 200
        clock.shift(timedelta(minutes=settings.session_idle_minutes + 1))
        assert client.get("/api/auth/me").status_code == 401


def test_session_expires_at_its_absolute_lifetime_even_when_used(
    client: TestClient, settings
) -> None:
    with time_machine.travel("2026-03-01 10:00:00+00:00", tick=False) as clock:
        register(client)
        step = timedelta(minutes=settings.session_idle_minutes // 2)
        elapsed = timedelta()
        lifetime = timedelta(days=settings.session_absolute_days)
        while elapsed + step < lifetime:
            clock.shift(step)
            elapsed += step
            assert client.get("/api/auth/me").status_code == 200
        clock.shift(lifetime - elapsed)
        assert client.get("/api/auth/me").status_code == 401


def test_sessions_are_independent(client: TestClient, make_client) -> None:
    account = register(client)
    phone = make_client()
    assert (
        phone.post(
            "/api/auth/login", json={"email": account.email, "password": account.password}
        ).status_code
        == 200
    )
    client.post("/api/auth/logout")
    assert phone.get("/api/auth/me").status_code == 200


def test_a_signed_in_request_reads_its_session_account_and_name_in_one_query(
    client: TestClient, app: FastAPI
) -> None:
    """The sign-in check is on every request: one SELECT, by cookie or by bearer token."""
    register(client, name="Соня")
    token = client.post("/api/auth/token").json()["access_token"]
    selects: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        by_cookie = client.get("/api/auth/me")
        cookie_selects = len(selects)
        client.cookies.clear()
        by_token = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)
    assert by_cookie.status_code == by_token.status_code == 200
    assert by_cookie.json()["name"] == by_token.json()["name"] == "Соня"
    assert cookie_selects == 1
    assert len(selects) == 2
