"""`POST /api/auth/register`: a new student, signed in at once."""

from typing import Any

from fastapi import APIRouter, status

from ailingva.auth.cookies import BrowserSignInDep
from ailingva.auth.schemas import UserPublic
from ailingva.core.errors import ErrorResponse
from ailingva.signup.schemas import RegisterRequest
from ailingva.signup.service import register_student, unregistered_public

# The path stays under /api/auth, where clients have always registered.
router = APIRouter(prefix="/api/auth", tags=["auth"])

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 422, 429)
}


@router.post("/register", status_code=status.HTTP_201_CREATED, responses=ERRORS)
def register(body: RegisterRequest, sign_in: BrowserSignInDep) -> UserPublic:
    user = register_student(
        sign_in.db,
        sign_in.limiter,
        sign_in.client,
        email=body.email,
        password=body.password,
        name=body.name,
        referral_code=body.referral_code,
    )
    if user is None:  # the address has an account: the same answer, no session
        return unregistered_public(email=body.email, name=body.name)
    return sign_in.signed_in(user)
