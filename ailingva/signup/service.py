"""Onboarding: everything a new account has besides its credentials. Never commits."""

from sqlmodel import Session

from ailingva.auth import service as auth_service
from ailingva.auth.models import Role, UserAccount
from ailingva.auth.repository import get_user_by_email, normalize_email
from ailingva.billing import ledger, referrals, wallet
from ailingva.core.ratelimit import AttemptLimiter
from ailingva.learning.models import LearningState
from ailingva.users.service import create_profile, default_name


def create_account(
    db: Session, *, email: str, password: str, name: str, role: Role = Role.STUDENT
) -> UserAccount:
    """Credentials, profile, learning state and an empty wallet."""
    user = auth_service.create_credentials(db, email=email, password=password, role=role)
    assert user.id is not None
    create_profile(db, user_id=user.id, display_name=name)
    db.add(LearningState(user_id=user.id))
    ledger.open_wallet(db, user.id)
    db.flush()
    return user


def register_student(
    db: Session,
    limiter: AttemptLimiter,
    client: auth_service.ClientInfo,
    *,
    email: str,
    password: str,
    name: str,
    referral_code: str | None = None,
) -> UserAccount:
    """A new student: account, profile, wallet with the trial bonus, and their referrer."""
    auth_service.throttle_registration(limiter, client)
    user = create_account(db, email=email, password=password, name=name)
    assert user.id is not None
    if referral_code:
        referrals.attach_referrer(db, user_id=user.id, referral_code=referral_code)
    wallet.grant_trial(db, user_id=user.id, email=user.email)
    return user


def ensure_admin(db: Session, *, email: str, password: str) -> UserAccount:
    """Create an admin (an account like a student's, without the trial), or make an existing
    account an admin with this password."""
    user = get_user_by_email(db, email)
    if user is None:
        name = default_name(normalize_email(email))
        return create_account(db, email=email, password=password, name=name, role=Role.ADMIN)
    auth_service.make_admin(db, user, password=password)
    return user
