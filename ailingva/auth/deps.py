"""Who is signed in, as `Annotated` aliases: `CurrentUser`, `AdminUser`, `ReleasedUser`."""

from functools import partial
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from ailingva.api.deps import SessionDep, SettingsDep, release_db
from ailingva.auth import service as auth_service
from ailingva.auth.models import SESSION_COOKIE, Role, UserAccount
from ailingva.core.db import utcnow
from ailingva.core.errors import AppError, ErrorCode

# Declared for the OpenAPI schema; the lookup itself is ours (auto_error off).
_bearer_scheme = HTTPBearer(auto_error=False, description="Short-lived JWT from /api/auth/token")
_cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False)


async def client_info(request: Request) -> auth_service.ClientInfo:
    return auth_service.ClientInfo(
        ip_address=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


ClientDep = Annotated[auth_service.ClientInfo, Depends(client_info)]


# The dependencies below are coroutines that take one thread hop for the query, and none when
# there is nothing to look up: a hop costs more CPU than the query (bench/api_load.py).


async def _optional_auth(
    db: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
    cookie: Annotated[str | None, Depends(_cookie_scheme)],
) -> auth_service.Authenticated | None:
    token = bearer.credentials if bearer is not None else None
    if not token and not cookie:
        return None
    return await run_in_threadpool(
        partial(auth_service.identify, db, settings, bearer=token, cookie=cookie, now=utcnow())
    )


OptionalAuth = Annotated[auth_service.Authenticated | None, Depends(_optional_auth)]


async def _cookie_auth(
    db: SessionDep,
    settings: SettingsDep,
    cookie: Annotated[str | None, Depends(_cookie_scheme)],
) -> auth_service.Authenticated | None:
    if not cookie:
        return None
    return await run_in_threadpool(
        partial(auth_service.resolve_cookie, db, settings, cookie, now=utcnow())
    )


# The browser's session behind its cookie, whatever bearer token the request also carries.
CookieAuth = Annotated[auth_service.Authenticated | None, Depends(_cookie_auth)]


async def _required_auth(auth: OptionalAuth) -> auth_service.Authenticated:
    if auth is None:
        raise AppError(ErrorCode.NOT_AUTHENTICATED, "Нужно войти в аккаунт.", 401)
    return auth


RequiredAuth = Annotated[auth_service.Authenticated, Depends(_required_auth)]


async def _current_user(auth: RequiredAuth) -> UserAccount:
    return auth.user


CurrentUser = Annotated[UserAccount, Depends(_current_user)]


async def _admin_user(user: CurrentUser) -> UserAccount:
    if user.role != Role.ADMIN:
        raise AppError(ErrorCode.FORBIDDEN, "Этот раздел только для администраторов.", 403)
    return user


AdminUser = Annotated[UserAccount, Depends(_admin_user)]


def _user_released(user: CurrentUser, db: SessionDep) -> UserAccount:
    """For endpoints that wait on a model: the sign-in check's transaction ends here, so the
    database is not held while the model works; they open short sessions of their own."""
    release_db(db)
    return user


# The signed-in user, with the request's transaction already committed.
ReleasedUser = Annotated[UserAccount, Depends(_user_released)]
