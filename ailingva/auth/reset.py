"""Password reset by mail: a single-use link that lives an hour. Using it sets the new password
and ends every session of the account (and every other reset link). Never commits.

The link's secret travels in the URL's fragment (`/reset-password#token=...`): browsers send no
fragment to the server, so it stays out of access logs and Referer headers; only its SHA-256
is stored, so a leaked table opens no account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from ailingva.auth import service
from ailingva.auth.models import PasswordResetToken, UserAccount
from ailingva.auth.repository import get_user_by_email
from ailingva.core.config import Settings
from ailingva.core.errors import AppError, ErrorCode
from ailingva.core.mail import Mail
from ailingva.core.security import hash_session_secret, new_session_secret

RESET_LINK_LIFETIME = timedelta(hours=1)
RESET_PAGE = "/reset-password"

LINK_INVALID = AppError(
    ErrorCode.RESET_LINK_INVALID,
    "Ссылка для смены пароля не подходит. Скопируйте её из письма целиком или запросите новую.",
    404,
)
LINK_EXPIRED = AppError(
    ErrorCode.RESET_LINK_EXPIRED,
    "Срок действия ссылки истёк: она действует один час. Запросите новую.",
    410,
)
LINK_USED = AppError(
    ErrorCode.RESET_LINK_USED,
    "По этой ссылке пароль уже меняли. Если нужно сменить его ещё раз, запросите новую ссылку.",
    410,
)


@dataclass(frozen=True)
class IssuedLink:
    email: str
    secret: str  # only in the mail; the table has its hash


def issue_link(db: Session, *, email: str, now: datetime) -> IssuedLink | None:
    """A new reset link for the address's account; None when there is no active account."""
    user = get_user_by_email(db, email)
    if user is None or user.id is None or not user.is_active:
        return None
    secret = new_session_secret()
    db.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=hash_session_secret(secret),
            created_at=now,
            expires_at=now + RESET_LINK_LIFETIME,
        )
    )
    db.flush()
    return IssuedLink(email=user.email, secret=secret)


def reset_mail(settings: Settings, link: IssuedLink) -> Mail:
    url = f"{settings.mail_link_base}{RESET_PAGE}#token={link.secret}"
    text = (
        "Здравствуйте!\n\n"
        "Кто-то (надеемся, вы) попросил сменить пароль от аккаунта AIlingva.\n"
        "Чтобы придумать новый пароль, откройте ссылку:\n\n"
        f"{url}\n\n"
        "Ссылка действует один час и только один раз. После смены пароля мы выйдем из аккаунта "
        "на всех устройствах.\n\n"
        "Если вы не просили сменить пароль, просто удалите это письмо: пароль останется прежним.\n"
        "\n— AIlingva"
    )
    return Mail(to=link.email, subject="Смена пароля AIlingva", text=text)


def usable_token(db: Session, secret: str, *, now: datetime) -> PasswordResetToken:
    """The link's token while it can still be used; else the error that says why not."""
    token = db.exec(
        select(PasswordResetToken).where(
            PasswordResetToken.token_hash == hash_session_secret(secret)
        )
    ).first()
    if token is None:
        raise LINK_INVALID
    if token.used_at is not None:
        raise LINK_USED
    if token.expires_at <= now:
        raise LINK_EXPIRED
    user = db.get(UserAccount, token.user_id)
    if user is None or not user.is_active:
        raise LINK_INVALID
    return token


def reset_password(db: Session, secret: str, password: str, *, now: datetime) -> UserAccount:
    """Set the new password through the link, once: the link and every other reset link of the
    account are spent, and every session ends."""
    token = usable_token(db, secret, now=now)
    user = db.get(UserAccount, token.user_id)
    assert user is not None and user.id is not None
    service.set_password(db, user, password)  # a weak password leaves the link unspent
    spent = db.execute(
        update(PasswordResetToken)
        .where(col(PasswordResetToken.id) == token.id, col(PasswordResetToken.used_at).is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise LINK_USED  # a second request with the same link got there first
    db.execute(
        update(PasswordResetToken)
        .where(
            col(PasswordResetToken.user_id) == user.id, col(PasswordResetToken.used_at).is_(None)
        )
        .values(used_at=now)
    )
    service.revoke_all(db, user.id, now=now)
    return user
