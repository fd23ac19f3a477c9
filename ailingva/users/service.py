"""The student's profile. Functions take the caller's DB session and never commit."""

from sqlmodel import Session

from ailingva.users.models import UserProfile


def create_profile(db: Session, *, user_id: int, display_name: str) -> UserProfile:
    profile = UserProfile(user_id=user_id, display_name=display_name)
    db.add(profile)
    return profile


def display_name(db: Session, user_id: int) -> str | None:
    profile = db.get(UserProfile, user_id)
    return None if profile is None else profile.display_name
