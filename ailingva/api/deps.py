"""Infrastructure every router uses, as `Annotated` aliases: settings, session, engine,
providers, jobs, the secret box. Who is signed in is `ailingva.auth.deps`."""

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import partial
from typing import Annotated
from weakref import WeakKeyDictionary

from fastapi import Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import AfterValidator, BeforeValidator
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ailingva.core.config import Settings
from ailingva.core.db import MAX_ID, WriteInReadTransaction, for_reading
from ailingva.core.ratelimit import AttemptLimiter
from ailingva.core.security import SecretBox
from ailingva.core.text import CleanText
from ailingva.providers.registry import ProviderRegistry
from ailingva.worker.queue import JobQueue


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# Requests holding a database session at once, per event loop: fewer than the connection pool
# (15 on SQLite, 20 on PostgreSQL) and the 40 request threads. A request's transaction spans
# several thread hops (sign-in check, endpoint, commit); were more of them to wait for a
# connection or for SQLite's write lock, parked in threads, the one holding it could get no
# thread to commit with, and all would wait out the 30 s timeouts (50 concurrent requests on
# SQLite answered 500). Past the limit a request waits here, on the event loop, not in a thread.
DB_REQUESTS_AT_ONCE = 12
_db_gates: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = WeakKeyDictionary()


def _db_gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _db_gates.get(loop)
    if gate is None:
        gate = _db_gates[loop] = asyncio.Semaphore(DB_REQUESTS_AT_ONCE)
    return gate


async def _db(request: Request) -> AsyncIterator[Session]:
    gate = _db_gate()
    await gate.acquire()
    loop = asyncio.get_running_loop()
    held = [True]

    def release() -> None:  # from any thread, once
        if held:
            held.clear()
            if _running_loop() is loop:
                gate.release()
            else:  # wakes the loop: a system call, spared on the loop itself
                loop.call_soon_threadsafe(gate.release)

    engine: Engine = request.app.state.engine
    if request.method in READING_METHODS and not request.scope.get(_AS_WRITER):
        engine = for_reading(engine)
    session = Session(engine, expire_on_commit=False)
    session.info[_RELEASE] = release
    try:
        yield session
    except BaseException:
        await run_in_threadpool(partial(_end, session, commit=False))
        raise
    else:
        await run_in_threadpool(partial(_end, session, commit=True))
    finally:
        release()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # a worker thread
        return None


def _end(session: Session, *, commit: bool) -> None:
    # One thread hop for both: each costs more CPU than a small query.
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


_RELEASE = "release_db_gate"
# A GET, HEAD or OPTIONS request reads: its transaction takes no lock (SQLite). Should it come
# to a write (a session's last-seen time, a referral code made on first sight), it runs again
# from the start as a writer (ReadOrWrite); nothing of the first run was written or sent.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_AS_WRITER = "ailingva.db_writer"


class ReadOrWrite:
    """ASGI middleware: a reading request whose transaction came to a write is run again, once,
    as a writer. Its answer is not sent before the commit, so the first run left no trace."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in READING_METHODS:
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except WriteInReadTransaction:
            if started:
                raise
            await self.app({**scope, _AS_WRITER: True}, receive, send)


def release_db(db: Session) -> None:
    """End the request's transaction and give its place back, for an endpoint that then waits
    on something else (a model) and opens short sessions of its own."""
    db.commit()
    release = db.info.get(_RELEASE)
    if release is not None:
        release()


async def _limiter(request: Request) -> AttemptLimiter:
    limiter: AttemptLimiter = request.app.state.limiter
    return limiter


async def _providers(request: Request) -> ProviderRegistry:
    registry: ProviderRegistry = request.app.state.providers
    return registry


async def _secret_box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
# Every paged list takes these two. Rows have 32-bit keys, so no list is longer than MAX_ID: a
# larger offset is a bad request (422), not a number the database cannot bind (a 500).
MAX_PAGE = 200
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]

# A search of people by part of a name or email. Control characters are dropped, as from stored
# text: PostgreSQL refuses a NUL byte even in a LIKE pattern (a 500 otherwise).
SearchText = Annotated[
    str | None, Query(max_length=100, description="Part of a name or email"), CleanText
]

_DATE_TIME_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _date_time_text(value: object) -> object:
    # Pydantic would also read "0.5" as a Unix time; the document promises an ISO 8601 date-time.
    if not isinstance(value, str | datetime) or (
        isinstance(value, str) and not _DATE_TIME_SHAPE.match(value)
    ):
        raise ValueError("expected an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z")
    return value


def _in_utc(value: datetime) -> datetime:
    # The columns hold UTC instants and refuse a naive value: without an offset means UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A point in time in a query: ISO 8601, taken as UTC when it has no offset.
InstantQuery = Annotated[
    datetime,
    BeforeValidator(_date_time_text),
    AfterValidator(_in_utc),
    Query(description="ISO 8601; without an offset, UTC"),
]
SettingsDep = Annotated[Settings, Depends(_settings)]
# scope="function": the commit happens when the endpoint returns, before the response is sent.
SessionDep = Annotated[Session, Depends(_db, scope="function")]
LimiterDep = Annotated[AttemptLimiter, Depends(_limiter)]
ProvidersDep = Annotated[ProviderRegistry, Depends(_providers)]
SecretBoxDep = Annotated[SecretBox, Depends(_secret_box)]


async def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(_engine)]


async def _jobs(request: Request) -> JobQueue:
    jobs: JobQueue = request.app.state.jobs
    return jobs


# The job queue: enqueue only after the commit that created the job's data.
JobsDep = Annotated[JobQueue, Depends(_jobs)]
