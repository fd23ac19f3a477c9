"""Password reset by mail, against a real SMTP server on loopback (aiosmtpd): a single-use link
that lives an hour, only its hash stored, every session ended on reset, the same answer for
every address, throttled, and a failing mail server that the student never sees."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.auth.models import PasswordResetToken, UserAccount
from ailingva.auth.service import (
    RESET_REQUESTS_PER_ADDRESS_PER_HOUR,
    RESET_REQUESTS_PER_EMAIL_PER_HOUR,
)
from ailingva.core.config import Settings
from ailingva.main import create_app
from tests.conftest import FAKE_PROVIDERS, STRONG_PASSWORD, Account, register, unique_email
from tests.smtp import Inbox, free_port, reset_link, smtp_server

NEW_PASSWORD = "Another good 77 passphrase"
PUBLIC_URL = "https://ailingva.example"


@pytest.fixture
def inbox_and_port() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def inbox(inbox_and_port: tuple[Inbox, int]) -> Inbox:
    return inbox_and_port[0]


def _mailing_app(settings: Settings, port: int, **changes: object) -> FastAPI:
    mail = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
    return create_app(
        settings.model_copy(update={"public_url": PUBLIC_URL, **mail, **changes}), FAKE_PROVIDERS
    )


@pytest.fixture
def app(settings: Settings, engine: Engine, inbox_and_port: tuple[Inbox, int]) -> FastAPI:
    return _mailing_app(settings, inbox_and_port[1])


def _request(client: TestClient, email: str) -> object:
    response = client.post("/api/auth/password-reset", json={"email": email})
    _mails_sent(client)
    return response


def _mails_sent(client: TestClient) -> None:
    """Wait until the mails the requests asked for are handed over (or failed)."""
    assert isinstance(client.app, FastAPI) and client.portal is not None
    client.portal.call(client.app.state.reset_mailer.join)


def _link_for(client: TestClient, inbox: Inbox, email: str) -> str:
    count = len(inbox.messages)
    assert _request(client, email).status_code == 202  # type: ignore[attr-defined]
    message = inbox.wait_for(count + 1)[-1]
    assert message["To"] == email
    return reset_link(message)[1]


def _confirm(client: TestClient, token: str, password: str = NEW_PASSWORD):
    return client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": password}
    )


def _login(client: TestClient, account: Account, password: str) -> int:
    response = client.post("/api/auth/login", json={"email": account.email, "password": password})
    return response.status_code


def test_the_mailed_link_sets_a_new_password_and_ends_every_session(
    client: TestClient, make_client, inbox: Inbox, engine: Engine
) -> None:
    account = register(client)  # this browser is signed in
    api_client = make_client()
    token_response = api_client.post(
        "/api/auth/token", json={"email": account.email, "password": account.password}
    )
    bearer = {"Authorization": f"Bearer {token_response.json()['access_token']}"}
    assert api_client.get("/api/auth/me", headers=bearer).status_code == 200

    stranger = make_client()  # the link opened in another browser (the phone's mail app)
    assert _request(stranger, account.email).status_code == 202  # type: ignore[attr-defined]
    message = inbox.wait_for(1)[0]
    link, token = reset_link(message)
    assert message["Subject"] == "Смена пароля AIlingva"
    assert message["From"] == "AIlingva <no-reply@localhost>"
    assert link == f"{PUBLIC_URL}/reset-password#token={token}"
    assert "один час" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    with Session(engine) as db:
        stored = db.exec(select(PasswordResetToken)).one()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in repr(stored.model_dump())  # only the hash is kept

    assert stranger.post("/api/auth/password-reset/check", json={"token": token}).status_code == 204
    confirmed = _confirm(stranger, token)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["email"] == account.email
    assert stranger.get("/api/auth/me").json()["email"] == account.email  # signed in anew

    assert client.get("/api/auth/me").status_code == 401  # the old browser session is gone
    assert api_client.get("/api/auth/me", headers=bearer).status_code == 401  # and its token
    assert _login(make_client(), account, account.password) == 401
    assert _login(make_client(), account, NEW_PASSWORD) == 200


def test_a_link_works_once(client: TestClient, inbox: Inbox) -> None:
    account = register(TestClient(client.app))
    token = _link_for(client, inbox, account.email)
    assert _confirm(client, token).status_code == 200

    again = _confirm(client, token, STRONG_PASSWORD + " again")
    assert again.status_code == 410
    assert again.json()["error"]["code"] == "reset_link_used"
    assert "уже меняли" in again.json()["error"]["message"]
    check = client.post("/api/auth/password-reset/check", json={"token": token})
    assert check.status_code == 410 and check.json()["error"]["code"] == "reset_link_used"


def test_a_reset_spends_the_other_links_of_the_account(client: TestClient, inbox: Inbox) -> None:
    account = register(TestClient(client.app))
    first = _link_for(client, inbox, account.email)
    second = _link_for(client, inbox, account.email)
    assert first != second
    assert _confirm(client, second).status_code == 200
    assert _confirm(client, first).json()["error"]["code"] == "reset_link_used"


def test_a_link_expires_after_an_hour(client: TestClient, inbox: Inbox) -> None:
    account = register(TestClient(client.app))
    with time_machine.travel("2026-03-01 10:00:00+00:00", tick=False) as clock:
        token = _link_for(client, inbox, account.email)
        clock.shift(timedelta(minutes=59))
        check = client.post("/api/auth/password-reset/check", json={"token": token})
        assert check.status_code == 204
        clock.shift(timedelta(minutes=1))
        expired = _confirm(client, token)
    assert expired.status_code == 410
    assert expired.json()["error"]["code"] == "reset_link_expired"
    assert "один час" in expired.json()["error"]["message"]
    assert _login(client, account, account.password) == 200  # the password stayed


@pytest.mark.parametrize("token", ["x" * 43, "not-a-token"])
def test_an_unknown_link_is_refused_with_its_own_code(client: TestClient, token: str) -> None:
    for path in ("/api/auth/password-reset/check", "/api/auth/password-reset/confirm"):
        response = client.post(path, json={"token": token, "password": NEW_PASSWORD})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "reset_link_invalid"
        assert "запросите новую" in response.json()["error"]["message"]


@pytest.mark.parametrize("token", ["", "a b", "ключ", "x" * 65])
def test_a_malformed_link_is_bad_input(client: TestClient, token: str) -> None:
    response = _confirm(client, token)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_a_new_password_follows_the_registration_rules(client: TestClient, inbox: Inbox) -> None:
    account = register(TestClient(client.app))
    token = _link_for(client, inbox, account.email)
    short = _confirm(client, token, "short")
    assert short.status_code == 422 and short.json()["error"]["code"] == "validation_error"
    weak = _confirm(client, token, "password123")
    assert weak.status_code == 422 and weak.json()["error"]["code"] == "weak_password"
    own_address = _confirm(client, token, account.email)
    assert own_address.json()["error"]["code"] == "weak_password"
    assert _confirm(client, token).status_code == 200  # a refused password left the link unused


def test_the_answer_tells_nothing_of_the_address(
    client: TestClient, inbox: Inbox, engine: Engine
) -> None:
    account = register(TestClient(client.app))
    with Session(engine) as db:
        active = db.exec(select(UserAccount).where(UserAccount.email == account.email)).one()
    other = register(TestClient(client.app))
    with Session(engine) as db:
        user = db.exec(select(UserAccount).where(UserAccount.email == other.email)).one()
        user.is_active = False
        db.add(user)
        db.commit()

    answers = [
        client.post("/api/auth/password-reset", json={"email": email})
        for email in (account.email, unique_email(), other.email)
    ]
    _mails_sent(client)
    assert {(a.status_code, a.content) for a in answers} == {(202, b"")}
    headers = [sorted(k for k in a.headers if k != "date") for a in answers]
    assert headers[0] == headers[1] == headers[2]
    # Only the active account got a link, and only its link was stored.
    assert [m["To"] for m in inbox.messages] == [account.email]
    with Session(engine) as db:
        assert [t.user_id for t in db.exec(select(PasswordResetToken))] == [active.id]


def test_the_answer_does_not_wait_for_the_mail(client: TestClient, inbox: Inbox) -> None:
    account = register(TestClient(client.app))
    inbox.hold(at_most=10)  # the SMTP server takes the message but does not answer
    response = client.post("/api/auth/password-reset", json={"email": account.email})
    assert response.status_code == 202
    assert inbox.held and inbox.messages == []  # answered while the mail was still on its way
    inbox.release()
    assert inbox.wait_for(1)[0]["To"] == account.email


def test_requests_are_throttled_per_mailbox(client: TestClient, inbox: Inbox) -> None:
    email = unique_email()
    for _ in range(RESET_REQUESTS_PER_EMAIL_PER_HOUR):
        assert _request(client, email).status_code == 202  # type: ignore[attr-defined]
    refused = client.post("/api/auth/password-reset", json={"email": email.upper()})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert _request(client, unique_email()).status_code == 202  # type: ignore[attr-defined]


def test_requests_are_throttled_per_client_address(client: TestClient, inbox: Inbox) -> None:
    for _ in range(RESET_REQUESTS_PER_ADDRESS_PER_HOUR):
        assert _request(client, unique_email()).status_code == 202  # type: ignore[attr-defined]
    refused = client.post("/api/auth/password-reset", json={"email": unique_email()})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"


@pytest.mark.parametrize("failure", ["refused", "unreachable"])
def test_a_failing_mail_server_is_logged_not_shown(
    failure: str,
    settings: Settings,
    engine: Engine,
    inbox_and_port: tuple[Inbox, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    inbox, port = inbox_and_port
    inbox.refuse_with = "554 5.7.1 Relay access denied"
    if failure == "unreachable":
        port = free_port()  # nothing listens there
    with TestClient(_mailing_app(settings, port)) as client:
        account = register(TestClient(client.app))
        with caplog.at_level(logging.ERROR, logger="ailingva.auth.reset_mailer"):
            response = client.post("/api/auth/password-reset", json={"email": account.email})
            _mails_sent(client)
    assert response.status_code == 202 and response.content == b""
    assert inbox.messages == []
    logged = [r for r in caplog.records if r.name == "ailingva.auth.reset_mailer"]
    assert len(logged) == 1
    text = logged[0].getMessage()
    assert "was not sent" in text and account.email not in text  # the address is masked
    assert "554" in text if failure == "refused" else "ConnectionRefusedError" in text
    assert "token=" not in caplog.text  # the link never reaches the log


@pytest.mark.parametrize("email", ["not an address", "anna@localhost", "a\x00b@example.com"])
def test_any_text_for_an_address_gets_the_same_answer(
    client: TestClient, inbox: Inbox, email: str
) -> None:
    response = _request(client, email)
    assert response.status_code == 202  # type: ignore[attr-defined]
    assert inbox.messages == []
