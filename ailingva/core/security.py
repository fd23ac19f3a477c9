"""Password hashing, session secrets, short-lived bearer tokens, encrypted stored secrets."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

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


# --- secrets an admin stores (API keys) ------------------------------------------------------

_SECRET_BOX_INFO = b"ailingva stored secrets v1"


class SecretBox:
    """Encrypts stored secrets with keys derived from SECRET_KEY (HKDF -> Fernet).

    Earlier SECRET_KEYs still decrypt (MultiFernet), so a key rotation loses no stored secret;
    `encrypt` always uses the current key.
    """

    def __init__(self, secret_key: str, previous_keys: Sequence[str] = ()) -> None:
        self._fernet = MultiFernet([_fernet_for(k) for k in (secret_key, *previous_keys)])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        """Raises InvalidToken when no known key made it."""
        return self._fernet.decrypt(token.encode()).decode()


def _fernet_for(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SECRET_BOX_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def mask_secret(value: str) -> str:
    """Enough to recognise a key by its end, never enough to use it."""
    return f"…{value[-4:]}" if len(value) >= 12 else "…"
