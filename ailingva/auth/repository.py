"""The accounts' queries that more than one caller makes."""

from sqlmodel import Session, select

from ailingva.auth.models import AuthSession, UserAccount
from ailingva.core.errors import AppError, ErrorCode


def normalize_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(db: Session, email: str) -> UserAccount | None:
    return db.exec(select(UserAccount).where(UserAccount.email == normalize_email(email))).first()


def get_user(db: Session, user_id: int) -> UserAccount:
    user = db.get(UserAccount, user_id)
    if user is None:
        raise AppError(ErrorCode.NOT_FOUND, "Пользователь не найден.", 404)
    return user


def has_signed_in_from(db: Session, user_id: int, ip_address: str) -> bool:
    """Whether a session of this account was ever started from this address."""
    query = select(AuthSession.id).where(
        AuthSession.user_id == user_id, AuthSession.ip_address == ip_address
    )
    return db.exec(query.limit(1)).first() is not None
