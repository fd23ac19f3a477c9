"""`POST /api/auth/register`: a new student, signed in at once; and what registering gives."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from ailingva.api.deps import SessionDep
from ailingva.auth.cookies import BrowserSignInDep
from ailingva.auth.schemas import UserPublic
from ailingva.core.errors import ErrorResponse
from ailingva.signup.schemas import ReferralCode, RegisterRequest, SignupOffer
from ailingva.signup.service import register_student, signup_offer, unregistered_public

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


@router.get("/register/offer", responses={422: {"model": ErrorResponse}})
def register_offer(
    db: SessionDep, ref: Annotated[ReferralCode | None, Query()] = None
) -> SignupOffer:
    """The free minutes a new student gets, and the invitation behind `?ref=` if any."""
    return signup_offer(db, referral_code=ref)
