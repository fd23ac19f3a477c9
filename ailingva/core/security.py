"""Password hashing, session secrets and short-lived bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's argon2id floor: 19 MiB, 2 passes, 1 lane. argon2id is argon2-cffi's default type.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)

JWT_ALGORITHM = "HS256"
JWT_AUDIENCE = "ailingva-api"
JWT_ISSUER = "ailingva"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def spend_password_check_time(password: str) -> None:
    """Verify against a throwaway hash, so an unknown email costs as long as a wrong password."""
    verify_password(_dummy_hash(), password)


def new_session_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_session_secret(secret: str) -> str:
    """Sessions are looked up by this digest; a leaked table does not leak usable cookies."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    session_id: int
    expires_at: datetime


class InvalidTokenError(Exception):
    pass


def issue_access_token(
    secret_key: str, *, user_id: int, session_id: int, now: datetime, lifetime: timedelta
) -> str:
    claims = {
        "sub": str(user_id),
        "sid": session_id,
        "aud": JWT_AUDIENCE,
        "iss": JWT_ISSUER,
        "iat": now,
        "exp": now + lifetime,
    }
    return jwt.encode(claims, secret_key, algorithm=JWT_ALGORITHM)


def decode_access_token(secret_key: str, token: str, *, now: datetime) -> TokenClaims:
    try:
        claims = jwt.decode(
            token,
            secret_key,
            algorithms=[JWT_ALGORITHM],
            audience=JWT_AUDIENCE,
            issuer=JWT_ISSUER,
            options={"require": ["exp", "sub", "sid", "aud", "iss"], "verify_exp": False},
        )
        expires_at = datetime.fromtimestamp(int(claims["exp"]), tz=now.tzinfo)
        if expires_at <= now:
            raise InvalidTokenError("token expired")
        return TokenClaims(int(claims["sub"]), int(claims["sid"]), expires_at)
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidTokenError(str(exc)) from exc
