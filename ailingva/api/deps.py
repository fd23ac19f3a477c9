"""Infrastructure every router uses, as `Annotated` aliases: settings, session, engine,
providers, jobs, the secret box. Who is signed in is `ailingva.auth.deps`."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
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
