"""Requests and responses of the accounts API."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, EmailStr, Field, StringConstraints

from ailingva.auth.models import Role
from ailingva.core.text import CleanText

PASSWORD_MIN = 8
PASSWORD_MAX = 128


def _encodable(password: str) -> str:
    # A JSON string may carry lone surrogates ("\ud800"): not text, and not hashable as UTF-8.
    try:
        password.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("password must be valid Unicode text") from exc
    return password


NewPassword = Annotated[
    str, Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX), AfterValidator(_encodable)
]
GivenPassword = Annotated[
    str, Field(min_length=1, max_length=PASSWORD_MAX), AfterValidator(_encodable)
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), CleanText
]


class NewCredentials(BaseModel):
    """An email and a new password, as any account (student or admin) is created with."""

    email: EmailStr = Field(max_length=254)
    password: NewPassword


class LoginRequest(BaseModel):
    email: str = Field(min_length=1, max_length=254)
    password: GivenPassword


class TokenRequest(BaseModel):
    """Credentials for a new API-client session; empty for the browser cookie session's token."""

    email: str | None = Field(default=None, min_length=1, max_length=254)
    password: GivenPassword | None = None


class UserPublic(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    created_at: datetime


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth 2 token type, not a secret)
    expires_in: int


# A reset link's secret (`secrets.token_urlsafe(32)`: 43 URL-safe characters).
ResetToken = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
]


class PasswordResetRequest(BaseModel):
    # Any text: an address with no account (or no address at all) gets the same answer, no mail.
    email: Annotated[str, Field(min_length=1, max_length=254), CleanText]


class PasswordResetCheck(BaseModel):
    token: ResetToken


class PasswordResetConfirm(BaseModel):
    token: ResetToken
    password: NewPassword
