"""Reads beside writes on the real database: a GET takes no lock (SQLite: a deferred WAL
snapshot), a GET that comes to a write runs again as a writer, and 200 requests at once,
reads and writes mixed, all answer without a 5xx."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from ailingva.auth.models import SESSION_COOKIE, AuthSession, UserAccount
from ailingva.auth.service import LAST_SEEN_RESOLUTION
from ailingva.core.db import WriteInReadTransaction, for_reading, session_scope, utcnow
from tests.conftest import STRONG_PASSWORD, unique_email


def _register(client: TestClient, name: str = "Аня") -> str:
    email = unique_email()
    body = {"email": email, "password": STRONG_PASSWORD, "name": name}
    assert client.post("/api/auth/register", json=body).status_code == 201
    return email


def test_a_read_does_not_wait_for_an_open_write_transaction(
    client: TestClient, engine: Engine
) -> None:
    email = _register(client)
    with engine.connect() as writer:
        writer.begin()  # SQLite: BEGIN IMMEDIATE, the write lock, held until the block ends
        writer.execute(
            sa.update(UserAccount).where(col(UserAccount.email) == email).values(email="new@x.org")
        )
        # Before: this GET began IMMEDIATE too, waited out the 30 s busy timeout, answered 503.
        me = client.get("/api/auth/me")
        assert me.status_code == 200
        assert me.json()["email"] == email  # the last committed state, not the writer's
        writer.rollback()


def test_a_read_that_comes_to_a_write_runs_again_as_a_writer(
    client: TestClient, engine: Engine
) -> None:
    _register(client)
    long_ago = utcnow() - LAST_SEEN_RESOLUTION - timedelta(minutes=1)
    with session_scope(engine) as db:
        db.execute(sa.update(AuthSession).values(last_seen_at=long_ago))
    assert client.get("/api/auth/me").status_code == 200  # it touches the session's last seen
    with Session(engine) as db:
        seen = db.exec(select(AuthSession.last_seen_at)).one()
    assert seen > long_ago


def test_a_reading_session_refuses_to_write_on_sqlite(engine: Engine, is_postgres: bool) -> None:
    if is_postgres:
        pytest.skip("PostgreSQL reads take no lock: its reading engine is a plain one")
    with Session(for_reading(engine)) as db:
        db.exec(select(UserAccount)).all()
        with pytest.raises(WriteInReadTransaction):
            db.execute(sa.update(UserAccount).values(is_active=True))


async def test_two_hundred_requests_at_once_answer_without_a_server_error(
    app: FastAPI,
) -> None:
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as http,
    ):
        email = unique_email()
        body = {"email": email, "password": STRONG_PASSWORD, "name": "Аня"}
        assert (await http.post("/api/auth/register", json=body)).status_code == 201
        cookie = {"Cookie": f"{SESSION_COOKIE}={http.cookies[SESSION_COOKIE]}"}
        http.cookies.clear()

        async def read() -> int:
            return (await http.get("/api/auth/me", headers=cookie)).status_code

        async def write() -> int:  # a sign-in: a new session row
            login = {"email": email, "password": STRONG_PASSWORD}
            return (await http.post("/api/auth/login", json=login)).status_code

        calls = [write() if i % 10 == 0 else read() for i in range(200)]
        statuses = await asyncio.gather(*calls)
    assert sorted(set(statuses)) == [200], statuses
