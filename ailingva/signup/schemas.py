"""The registration form."""

from pydantic import Field

from ailingva.auth.schemas import Name, NewCredentials


class RegisterRequest(NewCredentials):
    name: Name
    # From a friend's invitation link (/register?ref=CODE).
    referral_code: str | None = Field(default=None, max_length=32)
