"""Accounts and their server-side sessions."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from ailingva.core.db import UTCDateTime, created_at_field, enum_type, updated_at_field

SESSION_COOKIE = "ailingva_session"


class Role(StrEnum):
    STUDENT = "student"
    ADMIN = "admin"


class AuthSessionKind(StrEnum):
    COOKIE = "cookie"  # a browser session behind the HttpOnly cookie
    BEARER = "bearer"  # an API client's session behind short-lived JWTs


class UserAccount(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased and trimmed, so one person cannot hold two accounts by case.
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    role: Role = Field(default=Role.STUDENT, sa_type=enum_type(Role), index=True)
    is_active: bool = Field(default=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    sessions: list["AuthSession"] = Relationship(
        back_populates="user", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )


class AuthSession(SQLModel, table=True):
    """One signed-in device or API client. The secret is never stored, only its SHA-256."""

    __tablename__ = "auth_session"
    __table_args__ = (sa.Index("ix_auth_session_user_active", "user_id", "revoked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    secret_hash: str = Field(max_length=64, unique=True)
    kind: AuthSessionKind = Field(sa_type=enum_type(AuthSessionKind))
    created_at: datetime = created_at_field()
    last_seen_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ip_address: str | None = Field(default=None, max_length=45)
    user_agent: str | None = Field(default=None, max_length=255)

    user: UserAccount = Relationship(back_populates="sessions")


class PasswordResetToken(SQLModel, table=True):
    """A password reset link sent by mail: single use, short-lived. Only the SHA-256 of the
    link's secret is stored, so a leaked table holds no usable link."""

    __tablename__ = "password_reset_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
