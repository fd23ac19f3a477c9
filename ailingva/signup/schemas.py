"""The registration form."""

from typing import Annotated

from pydantic import Field

from ailingva.auth.schemas import Name, NewCredentials
from ailingva.core.text import CleanText


class RegisterRequest(NewCredentials):
    name: Name
    # From a friend's invitation link (/register?ref=CODE).
    referral_code: Annotated[str, Field(max_length=32), CleanText] | None = None
