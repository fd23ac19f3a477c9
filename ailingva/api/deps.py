"""Infrastructure every router uses, as `Annotated` aliases: settings, session, engine,
providers, jobs, the secret box. Who is signed in is `ailingva.auth.deps`."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from pydantic import AfterValidator, BeforeValidator
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.core.config import Settings
from ailingva.core.db import MAX_ID, session_scope
from ailingva.core.ratelimit import AttemptLimiter
from ailingva.core.security import SecretBox
from ailingva.providers.registry import ProviderRegistry
from ailingva.worker.queue import JobQueue


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _db(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.engine) as session:
        yield session


def _limiter(request: Request) -> AttemptLimiter:
    limiter: AttemptLimiter = request.app.state.limiter
    return limiter


def _providers(request: Request) -> ProviderRegistry:
    registry: ProviderRegistry = request.app.state.providers
    return registry


def _secret_box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
# Every paged list takes these two. Rows have 32-bit keys, so no list is longer than MAX_ID: a
# larger offset is a bad request (422), not a number the database cannot bind (a 500).
MAX_PAGE = 200
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]

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


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(_engine)]


def _jobs(request: Request) -> JobQueue:
    jobs: JobQueue = request.app.state.jobs
    return jobs


# The job queue: enqueue only after the commit that created the job's data.
JobsDep = Annotated[JobQueue, Depends(_jobs)]
