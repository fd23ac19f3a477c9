"""Credentials, sign-in throttling and sessions. Functions take the caller's DB session and
never commit; what else an account has (profile, wallet) is `signup`'s."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from ailingva.auth.models import AuthSession, AuthSessionKind, Role, UserAccount
from ailingva.auth.passwords import is_common_password
from ailingva.auth.repository import get_user_by_email, has_signed_in_from, normalize_email
from ailingva.auth.schemas import UserPublic
from ailingva.core.config import Settings
from ailingva.core.errors import AppError, ErrorCode
from ailingva.core.ratelimit import AttemptLimiter, Claim, Window
from ailingva.core.security import (
    InvalidTokenError,
    decode_access_token,
    hash_password,
    hash_session_secret,
    issue_access_token,
    new_session_secret,
    password_needs_rehash,
    spend_password_check_time,
    verify_password,
)
from ailingva.users.models import UserProfile
from ailingva.users.service import default_name, display_name

# last_seen_at is written at most this often, so reads do not turn into a write each.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)
REGISTRATIONS_PER_ADDRESS_PER_HOUR = 20
# Reset mails: a few per mailbox (a lost mail, a second try), more per client address.
RESET_REQUESTS_PER_EMAIL_PER_HOUR = 5
RESET_REQUESTS_PER_ADDRESS_PER_HOUR = 20

INVALID_CREDENTIALS = AppError(ErrorCode.INVALID_CREDENTIALS, "Неверный email или пароль.", 401)
ACCOUNT_BLOCKED = AppError(
    ErrorCode.ACCOUNT_BLOCKED,
    "Аккаунт заблокирован администратором. Напишите в поддержку, чтобы узнать подробности.",
    403,
)


@dataclass(frozen=True)
class ClientInfo:
    ip_address: str | None
    user_agent: str | None


@dataclass(frozen=True)
class Authenticated:
    user: UserAccount
    session: AuthSession
    name: str  # what the person is called (their profile's name, else their mailbox's)

    def public(self) -> UserPublic:
        return _public(self.user, self.name)


@dataclass(frozen=True)
class StartedSession:
    session: AuthSession
    secret: str  # the cookie's value; only its hash is stored


def user_public(db: Session, user: UserAccount) -> UserPublic:
    assert user.id is not None
    return _public(user, display_name(db, user.id, email=user.email))


def _public(user: UserAccount, name: str) -> UserPublic:
    assert user.id is not None
    return UserPublic(
        id=user.id, email=user.email, name=name, role=user.role, created_at=user.created_at
    )


def create_credentials(
    db: Session, *, email: str, password: str, role: Role = Role.STUDENT
) -> UserAccount:
    """The account alone: a free email and a password that is not too easy to guess."""
    email = normalize_email(email)
    _refuse_weak_password(password, email)
    if get_user_by_email(db, email) is not None:
        raise AppError(ErrorCode.EMAIL_TAKEN, "Аккаунт с таким email уже есть.", 409)
    user = UserAccount(email=email, password_hash=hash_password(password), role=role)
    db.add(user)
    db.flush()
    return user


def imitate_credentials(*, email: str, password: str) -> None:
    """What `create_credentials` refuses and what it costs, for an address that is taken, so
    registering it looks (and takes as long) as registering a free one."""
    _refuse_weak_password(password, normalize_email(email))
    hash_password(password)


def make_admin(db: Session, user: UserAccount, *, password: str) -> None:
    """An existing account becomes an active admin with this password."""
    set_password(db, user, password)
    user.role = Role.ADMIN
    user.is_active = True


def set_password(db: Session, user: UserAccount, password: str) -> None:
    """A new password for the account, by the same rules as at registration."""
    _refuse_weak_password(password, user.email)
    user.password_hash = hash_password(password)
    db.add(user)


def _refuse_weak_password(password: str, email: str) -> None:
    if is_common_password(password, email=email):
        raise AppError(
            ErrorCode.WEAK_PASSWORD,
            "Этот пароль слишком простой или часто встречается. Придумайте другой.",
            422,
        )


def throttle_registration(limiter: AttemptLimiter, client: ClientInfo) -> None:
    """Count a registration from the client's address; refuse it past the hourly limit."""
    limit = AttemptLimiter.window(REGISTRATIONS_PER_ADDRESS_PER_HOUR, 3600)
    _refuse_if_throttled(limiter.claim(limit, "register-address", client.ip_address or "unknown"))


def throttle_password_reset(limiter: AttemptLimiter, client: ClientInfo, *, email: str) -> None:
    """Count a reset request for the mailbox and from the client's address; past either hourly
    limit, a 429. Every address is counted alike, so the limit tells nothing of accounts."""
    hour = 3600
    per_email = AttemptLimiter.window(RESET_REQUESTS_PER_EMAIL_PER_HOUR, hour)
    per_address = AttemptLimiter.window(RESET_REQUESTS_PER_ADDRESS_PER_HOUR, hour)
    address = client.ip_address or "unknown"
    _claim_all(
        limiter,
        [
            (per_address, ("reset-address", address)),
            (per_email, ("reset-email", normalize_email(email))),
        ],
    )


def authenticate(
    db: Session,
    settings: Settings,
    limiter: AttemptLimiter,
    client: ClientInfo,
    *,
    email: str,
    password: str,
    now: datetime,
) -> UserAccount:
    """The same answer for an unknown email and a wrong password; a blocked account is told
    so only with its right password (which tells a guesser nothing new).

    Each attempt claims its slots before the password is checked, so concurrent guesses cannot
    all be checked against one count. Failures are counted per account and address pair (the
    owner's own typos), per address (one address trying many accounts), and, for addresses that
    never signed in to the account, per account: a stranger's guesses slow down every stranger,
    never the owner signing in from an address they used before.
    """
    email = normalize_email(email)
    address = client.ip_address or "unknown"
    user = get_user_by_email(db, email)
    known = user is not None and user.id is not None and has_signed_in_from(db, user.id, address)
    window = settings.login_failure_window_seconds
    per_pair = AttemptLimiter.window(settings.login_max_failures_per_account, window)
    per_account = AttemptLimiter.window(settings.login_max_failures_per_account, window)
    per_address = AttemptLimiter.window(settings.login_max_failures_per_address, window)
    pair_key = ("login-pair", email, address)
    counters = [(per_pair, pair_key), (per_address, ("login-address", address))]
    if not known:
        counters.append((per_account, ("login-account", email)))
    claims = _claim_all(limiter, counters)

    if user is None:
        spend_password_check_time(password)
    ok = user is not None and verify_password(user.password_hash, password)
    if not ok or user is None:
        raise INVALID_CREDENTIALS
    if not user.is_active:
        raise ACCOUNT_BLOCKED
    # The right password: this attempt was no failure, and the owner's own typos are forgiven.
    for claim in claims:
        limiter.release(claim)
    limiter.reset(per_pair, *pair_key)
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    db.add(user)
    return user


def _claim_all(
    limiter: AttemptLimiter, counters: list[tuple[Window, tuple[str, ...]]]
) -> list[Claim]:
    """A slot in every counter, or none (what was taken is given back) and a 429."""
    claims: list[Claim] = []
    for limit, key in counters:
        claimed = limiter.claim(limit, *key)
        if not isinstance(claimed, Claim):
            for claim in claims:
                limiter.release(claim)
            _refuse_if_throttled(claimed)
        else:
            claims.append(claimed)
    return claims


def _refuse_if_throttled(claimed: Claim | int) -> None:
    if not isinstance(claimed, Claim):
        raise AppError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            f"Слишком много попыток. Попробуйте через {_minutes(claimed)}.",
            429,
            headers={"Retry-After": str(claimed)},
        )


def _minutes(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    if minutes % 10 == 1 and minutes % 100 != 11:
        word = "минуту"
    elif minutes % 10 in (2, 3, 4) and minutes % 100 not in (12, 13, 14):
        word = "минуты"
    else:
        word = "минут"
    return f"{minutes} {word}"


def start_session(
    db: Session,
    settings: Settings,
    user: UserAccount,
    kind: AuthSessionKind,
    client: ClientInfo,
    *,
    now: datetime,
) -> StartedSession:
    assert user.id is not None
    secret = new_session_secret()
    auth_session = AuthSession(
        user_id=user.id,
        secret_hash=hash_session_secret(secret),
        kind=kind,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=settings.session_absolute_days),
        ip_address=client.ip_address,
        user_agent=(client.user_agent or "")[:255] or None,
    )
    db.add(auth_session)
    db.flush()
    return StartedSession(auth_session, secret)


def _active(auth_session: AuthSession, settings: Settings, now: datetime) -> bool:
    if auth_session.revoked_at is not None:
        return False
    idle_deadline = auth_session.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    return now < auth_session.expires_at and now < idle_deadline


def _touch(db: Session, auth_session: AuthSession, now: datetime) -> None:
    if now - auth_session.last_seen_at >= LAST_SEEN_RESOLUTION:
        auth_session.last_seen_at = now
        db.add(auth_session)


# The session, its account and the account's name in one query, built once (building a query
# costs more CPU than running it): by the cookie's secret, or by a bearer token's claims.
_SIGNED_IN = (
    select(AuthSession, UserAccount, UserProfile.display_name)
    .join(UserAccount, col(UserAccount.id) == col(AuthSession.user_id))
    .outerjoin(UserProfile, col(UserProfile.user_id) == col(AuthSession.user_id))
)
_BY_COOKIE = _SIGNED_IN.where(
    col(AuthSession.secret_hash) == sa.bindparam("secret_hash"),
    col(AuthSession.kind) == AuthSessionKind.COOKIE,
)
_BY_BEARER = _SIGNED_IN.where(
    col(AuthSession.id) == sa.bindparam("session_id"),
    col(AuthSession.user_id) == sa.bindparam("user_id"),
)


def _signed_in(
    db: Session,
    settings: Settings,
    now: datetime,
    query: Select[AuthSession, UserAccount, str],
    params: Mapping[str, object],
) -> Authenticated | None:
    """The session `query` finds, while it is alive and the account active."""
    found = db.exec(query, params=params).first()
    if found is None:
        return None
    auth_session, user, name = found
    if not _active(auth_session, settings, now) or not user.is_active:
        return None
    _touch(db, auth_session, now)
    return Authenticated(user, auth_session, default_name(user.email) if name is None else name)


def resolve_cookie(
    db: Session, settings: Settings, secret: str, *, now: datetime
) -> Authenticated | None:
    return _signed_in(db, settings, now, _BY_COOKIE, {"secret_hash": hash_session_secret(secret)})


def resolve_bearer(
    db: Session, settings: Settings, token: str, *, now: datetime
) -> Authenticated | None:
    """A bearer token is valid only while the session it was issued for is."""
    try:
        claims = decode_access_token(settings.secret_key, token, now=now)
    except InvalidTokenError:
        return None
    params = {"session_id": claims.session_id, "user_id": claims.user_id}
    return _signed_in(db, settings, now, _BY_BEARER, params)


def identify(
    db: Session, settings: Settings, *, bearer: str | None, cookie: str | None, now: datetime
) -> Authenticated | None:
    """Who makes the request: a bearer token wins over the session cookie."""
    if bearer:
        return resolve_bearer(db, settings, bearer, now=now)
    if cookie:
        return resolve_cookie(db, settings, cookie, now=now)
    return None


def access_token_for(settings: Settings, auth_session: AuthSession, *, now: datetime) -> str:
    assert auth_session.id is not None
    return issue_access_token(
        settings.secret_key,
        user_id=auth_session.user_id,
        session_id=auth_session.id,
        now=now,
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )


def revoke(db: Session, auth_session: AuthSession, *, now: datetime) -> None:
    if auth_session.revoked_at is None:
        auth_session.revoked_at = now
        db.add(auth_session)


def revoke_all(db: Session, user_id: int, *, now: datetime) -> int:
    """End every session of the account (browsers and API clients; their bearer tokens die
    with them); how many were still open."""
    result = db.execute(
        sa.update(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def set_blocked(db: Session, user: UserAccount, blocked: bool, *, now: datetime) -> None:
    """Block (no sign-in; every session ends at once) or unblock the account. Unblocking
    revives no session: the owner signs in again."""
    user.is_active = not blocked
    db.add(user)
    if blocked:
        assert user.id is not None
        revoke_all(db, user.id, now=now)
