"""What an admin does to accounts: find them, change a role, block and unblock, end their
sign-ins. Every change is refused for the admin's own account and for the last active admin,
and is written to the journal in the same transaction. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, or_, select

from ailingva.admin.schemas import AccountStatus, AdminUserRow
from ailingva.auth import service as auth_service
from ailingva.auth.models import AuthSession, Role, UserAccount
from ailingva.billing.models import Wallet
from ailingva.core.audit import AuditAction, change, record
from ailingva.core.db import contains_pattern
from ailingva.core.errors import AppError, ErrorCode
from ailingva.users.models import UserProfile

LAST_ADMIN = AppError(
    ErrorCode.LAST_ADMIN,
    "Это последний администратор: сначала назначьте другого.",
    409,
)
OWN_ACCOUNT = AppError(
    ErrorCode.OWN_ACCOUNT,
    "Свою роль и доступ изменить нельзя: попросите другого администратора.",
    409,
)


def name_or_email_has(text: str) -> ColumnElement[bool]:
    """The account's email or its profile's name contains `text` (any case); for a query that
    joins UserProfile."""
    pattern = contains_pattern(text.strip())
    return or_(
        func.lower(UserAccount.email).like(pattern, escape="\\"),
        func.lower(func.coalesce(UserProfile.display_name, "")).like(pattern, escape="\\"),
    )


def search_users(
    db: Session,
    *,
    query: str | None,
    role: Role | None,
    status: AccountStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[AdminUserRow], int]:
    """Accounts whose email or name contains `query` (any case), newest first."""
    name = func.coalesce(UserProfile.display_name, "")
    balance = func.coalesce(Wallet.balance_kopecks, 0)
    rows = (
        select(UserAccount, name, balance)
        .outerjoin(UserProfile, col(UserProfile.user_id) == col(UserAccount.id))
        .outerjoin(Wallet, col(Wallet.user_id) == col(UserAccount.id))
    )
    if query:
        rows = rows.where(name_or_email_has(query))
    if role is not None:
        rows = rows.where(UserAccount.role == role)
    if status is not None:
        rows = rows.where(col(UserAccount.is_active) == (status == AccountStatus.ACTIVE))
    total = db.exec(select(func.count()).select_from(rows.subquery())).one()
    page = db.exec(rows.order_by(col(UserAccount.id).desc()).offset(offset).limit(limit)).all()
    return [
        _row(user, shown or user.email.split("@")[0], money) for user, shown, money in page
    ], total


def _row(user: UserAccount, name: str, balance_kopecks: int) -> AdminUserRow:
    assert user.id is not None
    return AdminUserRow(
        id=user.id,
        email=user.email,
        name=name,
        role=user.role,
        status=AccountStatus.ACTIVE if user.is_active else AccountStatus.BLOCKED,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        balance_kopecks=balance_kopecks,
    )


def user_row(db: Session, user_id: int) -> AdminUserRow:
    user = db.get(UserAccount, user_id)
    if user is None:
        raise AppError(ErrorCode.NOT_FOUND, "Пользователь не найден.", 404)
    profile = db.get(UserProfile, user_id)
    wallet = db.get(Wallet, user_id)
    name = profile.display_name if profile else user.email.split("@")[0]
    return _row(user, name, wallet.balance_kopecks if wallet else 0)


def open_sign_ins(db: Session, user_id: int, *, now: datetime) -> int:
    query = select(func.count()).where(
        AuthSession.user_id == user_id,
        col(AuthSession.revoked_at).is_(None),
        col(AuthSession.expires_at) > now,
    )
    return db.exec(query).one()


def _target(db: Session, admin: UserAccount, user_id: int) -> UserAccount:
    """The account an admin changes: it exists, and it is not the admin's own. Its row is
    locked until the commit (PostgreSQL; SQLite's writer lock serialises anyway)."""
    user = db.exec(select(UserAccount).where(UserAccount.id == user_id).with_for_update()).first()
    if user is None:
        raise AppError(ErrorCode.NOT_FOUND, "Пользователь не найден.", 404)
    if user.id == admin.id:
        raise OWN_ACCOUNT
    return user


def _refuse_last_admin(db: Session, user: UserAccount) -> None:
    """An active admin may stop being one only while another active admin remains. The admins'
    rows are locked, so two admins demoting each other at once cannot both succeed."""
    if user.role != Role.ADMIN or not user.is_active:
        return
    admins = db.exec(
        select(UserAccount.id)
        .where(UserAccount.role == Role.ADMIN, col(UserAccount.is_active))
        .with_for_update()
    ).all()
    if len([i for i in admins if i != user.id]) == 0:
        raise LAST_ADMIN


def _record(
    db: Session,
    admin: UserAccount,
    user: UserAccount,
    action: AuditAction,
    changes: dict[str, object] | None = None,
    reason: str | None = None,
) -> None:
    record(
        db,
        actor_id=admin.id,
        actor_email=admin.email,
        action=action,
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        changes=changes,
        reason=reason,
    )


def change_role(db: Session, admin: UserAccount, user_id: int, role: Role) -> UserAccount:
    user = _target(db, admin, user_id)
    if user.role == role:
        return user
    if role != Role.ADMIN:
        _refuse_last_admin(db, user)
    before = user.role
    user.role = role
    db.add(user)
    _record(db, admin, user, AuditAction.ROLE_CHANGED, {"role": change(before, role)})
    return user


def set_blocked(
    db: Session,
    admin: UserAccount,
    user_id: int,
    *,
    blocked: bool,
    reason: str | None,
    now: datetime,
) -> UserAccount:
    """Block (no sign-in, every session ends) or unblock; the caller ends the voice sessions
    after the commit."""
    user = _target(db, admin, user_id)
    if user.is_active != blocked:
        return user  # already so: nothing changes, nothing is recorded
    if blocked:
        _refuse_last_admin(db, user)
    auth_service.set_blocked(db, user, blocked, now=now)
    action = AuditAction.USER_BLOCKED if blocked else AuditAction.USER_UNBLOCKED
    before, after = (AccountStatus.ACTIVE, AccountStatus.BLOCKED)[:: 1 if blocked else -1]
    _record(db, admin, user, action, {"status": change(before, after)}, reason)
    return user


def revoke_sessions(db: Session, admin: UserAccount, user_id: int, *, now: datetime) -> int:
    user = _target(db, admin, user_id)
    assert user.id is not None
    revoked = auth_service.revoke_all(db, user.id, now=now)
    _record(db, admin, user, AuditAction.SESSIONS_REVOKED, {"sign_ins": change(revoked, 0)})
    return revoked
