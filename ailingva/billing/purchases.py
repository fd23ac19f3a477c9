"""Buying a package: the order, the provider's answer, crediting once, refunds. Never commits."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ailingva.billing import ledger, referrals
from ailingva.billing.models import (
    BillingPackage,
    Payment,
    PaymentStatus,
    TransactionKind,
    WalletTransaction,
)
from ailingva.billing.packages import get_package
from ailingva.billing.payments import PaymentProvider
from ailingva.billing.rules import get_rules
from ailingva.core.errors import AppError, ErrorCode


def get_payment(db: Session, payment_id: int, *, user_id: int | None = None) -> Payment:
    """The payment, if it exists (and, with `user_id`, is that student's)."""
    payment = db.get(Payment, payment_id)
    if payment is None or (user_id is not None and payment.user_id != user_id):
        raise AppError(ErrorCode.NOT_FOUND, "Платёж не найден.", 404)
    return payment


def open_payment(
    db: Session,
    provider: PaymentProvider,
    *,
    user_id: int,
    package_id: int,
    idempotency_key: str | None = None,
) -> tuple[Payment, bool]:
    """The purchase's order: new (True), or the one this idempotency key already made (False).
    The caller commits it before asking the provider, so no transaction waits on the network
    and a crash in between leaves a visible pending order, never a charge without one."""
    earlier = _order_for_key(db, user_id, package_id, idempotency_key)
    if earlier is not None:
        return earlier, False
    package = get_package(db, package_id)
    rules = get_rules(db)
    assert package.id is not None
    payment = Payment(
        user_id=user_id,
        package_id=package.id,
        provider=provider.name,
        amount_kopecks=package.price_kopecks,
        credit_kopecks=package.minutes * rules.price_per_minute_kopecks,
        idempotency_key=idempotency_key,
    )
    try:
        with db.begin_nested():
            db.add(payment)
            db.flush()
    except IntegrityError:
        # A concurrent request with the same key made the order first: it is this one's answer.
        earlier = _order_for_key(db, user_id, package_id, idempotency_key)
        if earlier is None:
            raise
        return earlier, False
    return payment, True


def _order_for_key(
    db: Session, user_id: int, package_id: int, idempotency_key: str | None
) -> Payment | None:
    if idempotency_key is None:
        return None
    earlier = db.exec(
        select(Payment).where(
            Payment.user_id == user_id, Payment.idempotency_key == idempotency_key
        )
    ).first()
    if earlier is not None and earlier.package_id != package_id:
        raise AppError(
            ErrorCode.IDEMPOTENCY_CONFLICT,
            "Этот ключ идемпотентности уже использован для другой покупки.",
            409,
        )
    return earlier


def ask_provider(
    db: Session,
    provider: PaymentProvider,
    payment: Payment,
    *,
    description: str,
    return_url: str,
) -> None:
    """Create the payment at the provider and record its answer. Call it after committing the
    order, with the `payment_description` read before that commit: nothing here touches the
    database until the provider has answered, so no transaction (on SQLite, the write lock)
    waits on the network. Raises AppError when the provider fails."""
    assert payment.id is not None
    created = provider.create(
        payment_id=payment.id,
        amount_kopecks=payment.amount_kopecks,
        description=f"AIlingva: {description}",
        return_url=return_url,
    )
    payment.provider_payment_id = created.provider_payment_id
    payment.confirmation_url = created.confirmation_url
    db.add(payment)
    db.flush()
    settle_payment(db, payment, created.status, created.amount_kopecks)


def settle_payment(db: Session, payment: Payment, status: PaymentStatus, paid_kopecks: int) -> None:
    """Apply the provider's confirmed status. Crediting is keyed by the payment: at most once."""
    if status == PaymentStatus.PENDING or payment.status == PaymentStatus.SUCCEEDED:
        return
    if status == PaymentStatus.SUCCEEDED and paid_kopecks != payment.amount_kopecks:
        raise AppError(
            ErrorCode.PAYMENT_PROVIDER_ERROR, "Сумма платежа не совпадает с заказом.", 409
        )
    payment.status = status
    db.add(payment)
    if status != PaymentStatus.SUCCEEDED:
        return
    assert payment.id is not None
    ledger.post_entry(
        db,
        user_id=payment.user_id,
        kind=TransactionKind.PURCHASE,
        amount_kopecks=payment.credit_kopecks,
        idempotency_key=f"payment:{payment.id}",
        description=payment_description(db, payment),
        payment_id=payment.id,
    )
    referrals.reward_referral(db, referred_id=payment.user_id, payment_id=payment.id)


def payment_description(db: Session, payment: Payment) -> str:
    """What was bought, for the ledger and the provider's receipt: "Пакет «Старт», 60 мин"."""
    package = db.get(BillingPackage, payment.package_id)
    return f"Пакет «{package.name}», {package.minutes} мин" if package else "Покупка пакета"


def refund_payment(
    db: Session,
    provider: PaymentProvider,
    payment: Payment,
    *,
    admin_id: int | None,
    reason: str | None = None,
) -> WalletTransaction:
    """Money back to the student: the credited amount leaves the wallet (if still there)."""
    if payment.status != PaymentStatus.SUCCEEDED or payment.provider_payment_id is None:
        raise AppError(ErrorCode.PAYMENT_NOT_REFUNDABLE, "Этот платёж нельзя вернуть.", 409)
    assert payment.id is not None
    entry, created = ledger.post_entry(
        db,
        user_id=payment.user_id,
        kind=TransactionKind.REFUND,
        amount_kopecks=-payment.credit_kopecks,
        idempotency_key=f"refund:{payment.id}",
        description=f"Возврат платежа: {reason}" if reason else "Возврат платежа",
        payment_id=payment.id,
        created_by_id=admin_id,
    )
    if created:
        referrals.take_back_referral_bonuses(db, payment_id=payment.id, admin_id=admin_id)
        provider.refund(payment.provider_payment_id, payment.amount_kopecks)
    return entry


def find_payment(db: Session, provider: str, provider_payment_id: str) -> Payment | None:
    return db.exec(
        select(Payment).where(
            Payment.provider == provider, Payment.provider_payment_id == provider_payment_id
        )
    ).first()
