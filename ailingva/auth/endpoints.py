"""`/api/auth`: log in and out, who am I, bearer tokens, password reset (registering is
`signup`'s)."""

from typing import Any

from fastapi import APIRouter, Response, status

from ailingva.api.deps import LimiterDep, SessionDep, SettingsDep
from ailingva.auth import reset, service
from ailingva.auth.cookies import BrowserSignInDep
from ailingva.auth.deps import ClientDep, CookieAuth, OptionalAuth, RequiredAuth
from ailingva.auth.models import SESSION_COOKIE, AuthSessionKind
from ailingva.auth.reset_mailer import ResetMailerDep
from ailingva.auth.schemas import (
    LoginRequest,
    PasswordResetCheck,
    PasswordResetConfirm,
    PasswordResetRequest,
    TokenRequest,
    TokenResponse,
    UserPublic,
)
from ailingva.core.db import utcnow
from ailingva.core.errors import ErrorResponse

router = APIRouter(prefix="/api/auth", tags=["auth"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse},
    422: {"model": ErrorResponse},
    429: {"model": ErrorResponse},
}


@router.post("/login", responses=ERRORS)
def login(body: LoginRequest, sign_in: BrowserSignInDep) -> UserPublic:
    now = utcnow()
    user = service.authenticate(
        sign_in.db,
        sign_in.settings,
        sign_in.limiter,
        sign_in.client,
        email=body.email,
        password=body.password,
        now=now,
    )
    return sign_in.signed_in(user, now=now)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(db: SessionDep, auth: OptionalAuth) -> Response:
    """Ends the current session (cookie or bearer). Idempotent: no session is not an error."""
    if auth is not None:
        service.revoke(db, auth.session, now=utcnow())
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.get("/me", responses={401: {"model": ErrorResponse}})
async def me(auth: RequiredAuth) -> UserPublic:
    return auth.public()


@router.post("/token", responses=ERRORS)
def token(
    db: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    client: ClientDep,
    auth: CookieAuth,
    body: TokenRequest | None = None,
) -> TokenResponse:
    """A short-lived bearer token (for API clients and the voice WebSocket).

    With credentials: a new API-client session. Without: a fresh token for the browser's
    cookie session. A bearer token never buys its own successor, so one read from a log line
    dies within its minutes instead of keeping the session's days; an API client signs in
    again with its credentials.
    """
    now = utcnow()
    if body is not None and body.email is not None and body.password is not None:
        user = service.authenticate(
            db, settings, limiter, client, email=body.email, password=body.password, now=now
        )
        started = service.start_session(db, settings, user, AuthSessionKind.BEARER, client, now=now)
        auth_session = started.session
    elif auth is None:
        raise service.INVALID_CREDENTIALS
    else:
        auth_session = auth.session
    return TokenResponse(
        access_token=service.access_token_for(settings, auth_session, now=now),
        expires_in=settings.access_token_minutes * 60,
    )


RESET_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (404, 410, 422)
}


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    response_class=Response,
    responses={
        202: {"description": "Accepted: a link is mailed if the address has an account"},
        **{code: {"model": ErrorResponse} for code in (422, 429)},
    },
)
def request_password_reset(
    body: PasswordResetRequest, limiter: LimiterDep, client: ClientDep, mailer: ResetMailerDep
) -> Response:
    """Mail a reset link to the address if it has an account. The answer is the same (and as
    quick) either way: the link is made and sent after it."""
    service.throttle_password_reset(limiter, client, email=body.email)
    mailer.send_link(body.email)
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.post("/password-reset/check", status_code=204, responses=RESET_ERRORS)
def check_password_reset(body: PasswordResetCheck, db: SessionDep) -> Response:
    """Whether the link can still set a password (the page asks before showing its form)."""
    reset.usable_token(db, body.token, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/password-reset/confirm", responses=RESET_ERRORS)
def confirm_password_reset(body: PasswordResetConfirm, sign_in: BrowserSignInDep) -> UserPublic:
    """Set the new password through the link. Every session of the account ends; this browser
    is signed in anew (the link proved the mailbox, the student just chose the password)."""
    now = utcnow()
    user = reset.reset_password(sign_in.db, body.token, body.password, now=now)
    return sign_in.signed_in(user, now=now)
