"""The student's profile. Functions take the caller's DB session and never commit."""

from sqlmodel import Session

from ailingva.users.models import UserProfile


def create_profile(db: Session, *, user_id: int, display_name: str) -> UserProfile:
    profile = UserProfile(user_id=user_id, display_name=display_name)
    db.add(profile)
    return profile


def default_name(email: str) -> str:
    """What a person is called before they say: their mailbox's name."""
    return email.split("@", 1)[0]


def display_name(db: Session, user_id: int, *, email: str) -> str:
    profile = db.get(UserProfile, user_id)
    return default_name(email) if profile is None else profile.display_name
