"""The registration form."""

from typing import Annotated

from pydantic import BaseModel, Field

from ailingva.auth.schemas import Name, NewCredentials
from ailingva.core.text import CleanText

# From a friend's invitation link (/register?ref=CODE).
ReferralCode = Annotated[str, Field(max_length=32), CleanText]


class RegisterRequest(NewCredentials):
    name: Name
    referral_code: ReferralCode | None = None


class Invitation(BaseModel):
    code: str
    known: bool  # an unknown code is refused at registration
    bonus_kopecks: int  # the new student's, on their first purchase
    inviter_bonus_kopecks: int  # the friend's, at the same time


class SignupOffer(BaseModel):
    """What registering gives, for the registration page to tell."""

    trial_minutes: int
    invitation: Invitation | None = None
