"""Dependencies every router uses, as `Annotated` aliases."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.auth import service as auth_service
from ailingva.auth.models import SESSION_COOKIE, Role, UserAccount
from ailingva.core.config import Settings
from ailingva.core.db import MAX_ID, session_scope, utcnow
from ailingva.core.errors import AppError, ErrorCode
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

# Declared for the OpenAPI schema; the lookup itself is ours (auto_error off).
_bearer_scheme = HTTPBearer(auto_error=False, description="Short-lived JWT from /api/auth/token")
_cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False)


def client_info(request: Request) -> auth_service.ClientInfo:
    return auth_service.ClientInfo(
        ip_address=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


ClientDep = Annotated[auth_service.ClientInfo, Depends(client_info)]


def _optional_auth(
    db: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
    cookie: Annotated[str | None, Depends(_cookie_scheme)],
) -> auth_service.Authenticated | None:
    token = bearer.credentials if bearer is not None else None
    return auth_service.identify(db, settings, bearer=token, cookie=cookie, now=utcnow())


OptionalAuth = Annotated[auth_service.Authenticated | None, Depends(_optional_auth)]


def _required_auth(auth: OptionalAuth) -> auth_service.Authenticated:
    if auth is None:
        raise AppError(ErrorCode.NOT_AUTHENTICATED, "Нужно войти в аккаунт.", 401)
    return auth


RequiredAuth = Annotated[auth_service.Authenticated, Depends(_required_auth)]


def _current_user(auth: RequiredAuth) -> UserAccount:
    return auth.user


CurrentUser = Annotated[UserAccount, Depends(_current_user)]


def _admin_user(user: CurrentUser) -> UserAccount:
    if user.role != Role.ADMIN:
        raise AppError(ErrorCode.FORBIDDEN, "Этот раздел только для администраторов.", 403)
    return user


AdminUser = Annotated[UserAccount, Depends(_admin_user)]


def _user_released(user: CurrentUser, db: SessionDep) -> UserAccount:
    """For endpoints that wait on a model: the sign-in check's transaction ends here, so the
    database is not held while the model works; they open short sessions of their own."""
    db.commit()
    return user


# The signed-in user, with the request's transaction already committed.
ReleasedUser = Annotated[UserAccount, Depends(_user_released)]


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(_engine)]


def _jobs(request: Request) -> JobQueue:
    jobs: JobQueue = request.app.state.jobs
    return jobs


# The job queue: enqueue only after the commit that created the job's data.
JobsDep = Annotated[JobQueue, Depends(_jobs)]
