"""`/api/auth`: register, log in and out, who am I, bearer tokens."""

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request, Response, status
from sqlmodel import Session

from ailingva.api.deps import LimiterDep, SessionDep, SettingsDep
from ailingva.auth import service
from ailingva.auth.deps import ClientDep, OptionalAuth, RequiredAuth
from ailingva.auth.models import SESSION_COOKIE, AuthSessionKind, UserAccount
from ailingva.auth.schemas import (
    LoginRequest,
    RegisterRequest,
    TokenRequest,
    TokenResponse,
    UserPublic,
)
from ailingva.core.config import Settings
from ailingva.core.db import utcnow
from ailingva.core.errors import ErrorResponse

router = APIRouter(prefix="/api/auth", tags=["auth"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse},
    422: {"model": ErrorResponse},
    429: {"model": ErrorResponse},
}


def _signed_in(
    db: Session,
    settings: Settings,
    user: UserAccount,
    client: service.ClientInfo,
    request: Request,
    response: Response,
    *,
    now: datetime,
) -> UserPublic:
    """Start a browser session for the user and hand its secret over in the cookie."""
    started = service.start_session(db, settings, user, AuthSessionKind.COOKIE, client, now=now)
    _set_session_cookie(response, request, settings, started.secret)
    return service.user_public(db, user)


def _set_session_cookie(
    response: Response, request: Request, settings: Settings, secret: str
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(timedelta(days=settings.session_absolute_days).total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure or request.url.scheme == "https",
        path="/",
    )


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    responses={**ERRORS, 409: {"model": ErrorResponse}},
)
def register(
    body: RegisterRequest,
    request: Request,
    response: Response,
    db: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    client: ClientDep,
) -> UserPublic:
    user = service.register(
        db,
        limiter,
        client,
        email=body.email,
        password=body.password,
        name=body.name,
        referral_code=body.referral_code,
    )
    return _signed_in(db, settings, user, client, request, response, now=utcnow())


@router.post("/login", responses=ERRORS)
def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    db: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    client: ClientDep,
) -> UserPublic:
    now = utcnow()
    user = service.authenticate(
        db, settings, limiter, client, email=body.email, password=body.password, now=now
    )
    return _signed_in(db, settings, user, client, request, response, now=now)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(db: SessionDep, auth: OptionalAuth) -> Response:
    """Ends the current session (cookie or bearer). Idempotent: no session is not an error."""
    if auth is not None:
        service.revoke(db, auth.session, now=utcnow())
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.get("/me", responses={401: {"model": ErrorResponse}})
def me(db: SessionDep, auth: RequiredAuth) -> UserPublic:
    return service.user_public(db, auth.user)


@router.post("/token", responses=ERRORS)
def token(
    db: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    client: ClientDep,
    auth: OptionalAuth,
    body: TokenRequest | None = None,
) -> TokenResponse:
    """A short-lived bearer token (for API clients and the voice WebSocket).

    With credentials: a new API-client session. Without: a fresh token for the session the
    request is already signed in with (cookie or a still-valid token), so clients refresh it.
    """
    now = utcnow()
    if body is not None and body.email is not None and body.password is not None:
        user = service.authenticate(
            db, settings, limiter, client, email=body.email, password=body.password, now=now
        )
        started = service.start_session(db, settings, user, AuthSessionKind.BEARER, client, now=now)
        auth = service.Authenticated(user, started.session)
    elif auth is None:
        raise service.INVALID_CREDENTIALS
    return TokenResponse(
        access_token=service.access_token_for(settings, auth, now=now),
        expires_in=settings.access_token_minutes * 60,
    )
