"""Onboarding: everything a new account has besides its credentials. Never commits."""

from sqlmodel import Session

from ailingva.auth import service as auth_service
from ailingva.auth.models import Role, UserAccount
from ailingva.auth.repository import get_user_by_email, normalize_email
from ailingva.auth.schemas import UserPublic
from ailingva.billing import ledger, referrals, wallet
from ailingva.billing.rules import get_rules
from ailingva.core.db import utcnow
from ailingva.core.errors import AppError
from ailingva.core.ratelimit import AttemptLimiter
from ailingva.learning.models import LearningState
from ailingva.signup.schemas import Invitation, SignupOffer
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
) -> UserAccount | None:
    """A new student: account, profile, wallet with the trial bonus, and their referrer.

    None for an address that already has an account: nothing is created and nobody signed in,
    but the caller answers as for a new one, so registering does not tell which addresses have
    accounts (issue #17). Each try costs one of the address's registrations per hour.
    """
    auth_service.throttle_registration(limiter, client)
    if get_user_by_email(db, email) is not None:
        auth_service.imitate_credentials(email=email, password=password)
        if referral_code:  # a wrong code is refused for a taken address as for a free one
            referrals.find_referrer(db, referral_code)
        return None
    user = create_account(db, email=email, password=password, name=name)
    assert user.id is not None
    if referral_code:
        referrals.attach_referrer(db, user_id=user.id, referral_code=referral_code)
    wallet.grant_trial(db, user_id=user.id, email=user.email)
    return user


def signup_offer(db: Session, *, referral_code: str | None) -> SignupOffer:
    """The trial minutes, and the bonuses of the invitation the code stands for."""
    rules = get_rules(db)
    invitation = None
    if referral_code:
        try:
            referrals.find_referrer(db, referral_code)
            known = True
        except AppError:
            known = False
        invitation = Invitation(
            code=referral_code.strip().upper(),
            known=known,
            bonus_kopecks=rules.referral_bonus_referred_kopecks,
            inviter_bonus_kopecks=rules.referral_bonus_referrer_kopecks,
        )
    return SignupOffer(trial_minutes=rules.trial_minutes, invitation=invitation)


def unregistered_public(*, email: str, name: str) -> UserPublic:
    """The answer to registering a taken address: shaped like a new student's, naming no one."""
    return UserPublic(
        id=0, email=normalize_email(email), name=name, role=Role.STUDENT, created_at=utcnow()
    )


def ensure_admin(db: Session, *, email: str, password: str) -> UserAccount:
    """Create an admin (an account like a student's, without the trial), or make an existing
    account an admin with this password."""
    user = get_user_by_email(db, email)
    if user is None:
        name = default_name(normalize_email(email))
        return create_account(db, email=email, password=password, name=name, role=Role.ADMIN)
    auth_service.make_admin(db, user, password=password)
    return user
