"""`/api/billing` for students, and the payment provider's webhook."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from ailingva.api.deps import IdPath, Limit, Offset, SessionDep, SettingsDep
from ailingva.auth.deps import CurrentUser
from ailingva.billing import purchases, referrals, wallet
from ailingva.billing.confirmations import PaymentConfirmations
from ailingva.billing.models import PaymentStatus
from ailingva.billing.packages import all_packages
from ailingva.billing.payments import payment_provider
from ailingva.billing.rules import get_rules
from ailingva.billing.schemas import (
    BalancePublic,
    PackagePublic,
    PaymentPublic,
    PurchaseRequest,
    ReferralPublic,
    TransactionPage,
    TransactionPublic,
    YooKassaNotification,
)
from ailingva.core.config import Settings
from ailingva.core.errors import AppError, ErrorResponse

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 402, 403, 404, 409, 422, 502)
}
router = APIRouter(prefix="/api/billing", tags=["billing"], responses=ERRORS)

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


def _public_url(settings: Settings, request: Request) -> str:
    return (settings.public_url or str(request.base_url)).rstrip("/")


def _user_id(user: CurrentUser) -> int:
    assert user.id is not None
    return user.id


@router.get("/balance")
def balance(db: SessionDep, settings: SettingsDep, user: CurrentUser) -> BalancePublic:
    view = wallet.balance_view(db, _user_id(user))
    return BalancePublic(**view.__dict__, test_payments=settings.payment_provider == "test")


@router.get("/transactions")
def transactions(
    db: SessionDep, user: CurrentUser, limit: Limit = 20, offset: Offset = 0
) -> TransactionPage:
    items, total = wallet.transactions(db, user_id=_user_id(user), limit=limit, offset=offset)
    return TransactionPage(items=[TransactionPublic.model_validate(t) for t in items], total=total)


@router.get("/packages")
def packages(db: SessionDep, _: CurrentUser) -> list[PackagePublic]:
    return [PackagePublic.model_validate(p) for p in all_packages(db, active_only=True)]


@router.post("/purchase", status_code=201)
def purchase(
    body: PurchaseRequest,
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> PaymentPublic:
    """Buy a package. The test provider answers at once (`status` succeeded or failed); a real
    one answers `pending` with a `confirmation_url` to send the student to."""
    provider = payment_provider(settings, test_outcome=body.test_outcome)
    payment, new = purchases.open_payment(
        db,
        provider,
        user_id=_user_id(user),
        package_id=body.package_id,
        idempotency_key=idempotency_key,
    )
    if new:
        description = purchases.payment_description(db, payment)
        db.commit()  # the order is on record, and no transaction waits on the provider
        return_url = f"{_public_url(settings, request)}/billing"
        try:
            purchases.ask_provider(
                db, provider, payment, description=description, return_url=return_url
            )
        except AppError:
            purchases.settle_payment(db, payment, PaymentStatus.FAILED, 0)
            db.commit()  # the order ends failed, not pending forever
            raise
    return PaymentPublic.model_validate(payment)


@router.get("/payments/{payment_id}")
def payment(payment_id: IdPath, db: SessionDep, user: CurrentUser) -> PaymentPublic:
    found = purchases.get_payment(db, payment_id, user_id=_user_id(user))
    return PaymentPublic.model_validate(found)


@router.get("/referral")
def referral(
    request: Request, db: SessionDep, settings: SettingsDep, user: CurrentUser
) -> ReferralPublic:
    user_id = _user_id(user)
    code = referrals.referral_code(db, user_id)
    stats = referrals.referral_stats(db, user_id)
    rules = get_rules(db)
    return ReferralPublic(
        code=code,
        link=f"{_public_url(settings, request)}/register?ref={code}",
        invited=stats.invited,
        rewarded=stats.rewarded,
        bonus_earned_kopecks=stats.bonus_earned_kopecks,
        bonus_referrer_kopecks=rules.referral_bonus_referrer_kopecks,
        bonus_referred_kopecks=rules.referral_bonus_referred_kopecks,
    )


@router.post("/webhooks/yookassa", status_code=204)
async def yookassa_webhook(
    body: YooKassaNotification, request: Request, settings: SettingsDep
) -> Response:
    """YooKassa's notification is only a hint: the payment's status and amount are read back
    from YooKassa's API before anything is credited, and crediting happens once per payment.
    The read-back happens after the answer (see `confirmations`), never on the request path."""
    if settings.payment_provider == "yookassa":
        confirmations: PaymentConfirmations = request.app.state.payment_confirmations
        confirmations.look_again("yookassa", body.object.id)
    return Response(status_code=204)
