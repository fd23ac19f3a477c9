"""Wallets, trial, packages, purchases, referrals and per-minute usage. Never commits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from ailingva.billing import ledger
from ailingva.billing.models import (
    BillingPackage,
    Payment,
    PaymentStatus,
    Referral,
    ReferralCode,
    TransactionKind,
    UsageSession,
    UsageStatus,
    WalletTransaction,
)
from ailingva.billing.payments import PaymentProvider
from ailingva.billing.rules import BillingRules, get_rules
from ailingva.core.db import utcnow
from ailingva.core.errors import AppError, ErrorCode

REFERRAL_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely
REFERRAL_CODE_LENGTH = 8


# --- accounts -------------------------------------------------------------------------------


def canonical_email(email: str) -> str:
    """One trial per person: "anna+2@x.ru" and "Anna@x.ru" are the same mailbox."""
    local, _, domain = email.strip().lower().partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def open_account(db: Session, user_id: int) -> None:
    ledger.open_wallet(db, user_id)


def grant_trial(db: Session, *, user_id: int, email: str) -> WalletTransaction | None:
    """The registration bonus: trial minutes at today's price, once per mailbox, ever."""
    rules = get_rules(db)
    if rules.trial_minutes == 0:
        return None
    digest = hashlib.sha256(canonical_email(email).encode()).hexdigest()
    key = f"trial:{digest}"
    if ledger.find_entry(db, key) is not None:
        return None
    entry, _ = ledger.post_entry(
        db,
        user_id=user_id,
        kind=TransactionKind.TRIAL_BONUS,
        amount_kopecks=rules.trial_minutes * rules.price_per_minute_kopecks,
        idempotency_key=key,
        description=f"Пробный период: {rules.trial_minutes} минут",
    )
    return entry


def attach_referrer(db: Session, *, user_id: int, referral_code: str) -> Referral:
    code = db.exec(
        select(ReferralCode).where(ReferralCode.code == referral_code.strip().upper())
    ).first()
    if code is None or code.user_id == user_id:
        raise AppError(
            ErrorCode.UNKNOWN_REFERRAL_CODE,
            "Такого кода приглашения нет. Проверьте его или зарегистрируйтесь без кода.",
            422,
        )
    referral = Referral(referrer_id=code.user_id, referred_id=user_id)
    db.add(referral)
    db.flush()
    return referral


# --- balance --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceView:
    balance_kopecks: int
    price_per_minute_kopecks: int
    minutes_left: int
    low_balance: bool


def balance_view(db: Session, user_id: int) -> BalanceView:
    rules = get_rules(db)
    balance = ledger.balance(db, user_id)
    minutes = balance // rules.price_per_minute_kopecks
    return BalanceView(
        balance,
        rules.price_per_minute_kopecks,
        minutes,
        minutes <= rules.low_balance_warning_minutes,
    )


def transactions(
    db: Session,
    *,
    user_id: int | None = None,
    kind: TransactionKind | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int,
    offset: int,
) -> tuple[list[WalletTransaction], int]:
    query = select(WalletTransaction)
    if user_id is not None:
        query = query.where(WalletTransaction.user_id == user_id)
    if kind is not None:
        query = query.where(WalletTransaction.kind == kind)
    if since is not None:
        query = query.where(col(WalletTransaction.created_at) >= since)
    if until is not None:
        query = query.where(col(WalletTransaction.created_at) < until)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    page = db.exec(query.order_by(col(WalletTransaction.id).desc()).offset(offset).limit(limit))
    return list(page.all()), total


def adjust_balance(
    db: Session,
    *,
    user_id: int,
    amount_kopecks: int,
    reason: str,
    admin_id: int | None,
    idempotency_key: str,
) -> WalletTransaction:
    entry, _ = ledger.post_entry(
        db,
        user_id=user_id,
        kind=TransactionKind.ADMIN_ADJUSTMENT,
        amount_kopecks=amount_kopecks,
        idempotency_key=f"adjust:{idempotency_key}",
        description=reason,
        created_by_id=admin_id,
    )
    return entry


# --- packages -------------------------------------------------------------------------------


def package_price(minutes: int, discount_percent: int, rules: BillingRules) -> int:
    """Minutes at the base price, less the discount, rounded to whole roubles."""
    kopecks = minutes * rules.price_per_minute_kopecks * (100 - discount_percent) / 100
    return int(round(kopecks / 100) * 100)


def all_packages(db: Session, *, active_only: bool = False) -> list[BillingPackage]:
    query = select(BillingPackage)
    if active_only:
        query = query.where(col(BillingPackage.is_active))
    order = (col(BillingPackage.sort_order), col(BillingPackage.minutes))
    return list(db.exec(query.order_by(*order)).all())


def get_package(db: Session, package_id: int, *, active_only: bool = True) -> BillingPackage:
    package = db.get(BillingPackage, package_id)
    if package is None or (active_only and not package.is_active):
        raise AppError(ErrorCode.UNKNOWN_PACKAGE, "Такого пакета нет.", 404)
    return package


# --- purchases ------------------------------------------------------------------------------


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
    if idempotency_key is not None:
        earlier = db.exec(
            select(Payment).where(
                Payment.user_id == user_id, Payment.idempotency_key == idempotency_key
            )
        ).first()
        if earlier is not None:
            if earlier.package_id != package_id:
                raise AppError(
                    ErrorCode.IDEMPOTENCY_CONFLICT,
                    "Этот ключ идемпотентности уже использован для другой покупки.",
                    409,
                )
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
    db.add(payment)
    db.flush()
    return payment, True


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
    _reward_referral(db, referred_id=payment.user_id)


def payment_description(db: Session, payment: Payment) -> str:
    """What was bought, for the ledger and the provider's receipt: "Пакет «Старт», 60 мин"."""
    package = db.get(BillingPackage, payment.package_id)
    return f"Пакет «{package.name}», {package.minutes} мин" if package else "Покупка пакета"


def refund_payment(
    db: Session, provider: PaymentProvider, payment: Payment, *, admin_id: int | None
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
        description="Возврат платежа",
        payment_id=payment.id,
        created_by_id=admin_id,
    )
    if created:
        provider.refund(payment.provider_payment_id, payment.amount_kopecks)
    return entry


def find_payment(db: Session, provider: str, provider_payment_id: str) -> Payment | None:
    return db.exec(
        select(Payment).where(
            Payment.provider == provider, Payment.provider_payment_id == provider_payment_id
        )
    ).first()


# --- referrals ------------------------------------------------------------------------------


def referral_code(db: Session, user_id: int) -> str:
    existing = db.get(ReferralCode, user_id)
    if existing is not None:
        return existing.code
    while True:
        code = "".join(secrets.choice(REFERRAL_CODE_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH))
        if db.exec(select(ReferralCode).where(ReferralCode.code == code)).first() is None:
            break
    db.add(ReferralCode(user_id=user_id, code=code))
    db.flush()
    return code


@dataclass(frozen=True)
class ReferralStats:
    invited: int
    rewarded: int
    bonus_earned_kopecks: int


def referral_stats(db: Session, user_id: int) -> ReferralStats:
    invited = db.exec(
        select(func.count()).select_from(Referral).where(Referral.referrer_id == user_id)
    ).one()
    rewarded = db.exec(
        select(func.count())
        .select_from(Referral)
        .where(Referral.referrer_id == user_id, col(Referral.rewarded_at).is_not(None))
    ).one()
    # Only what the user earned as the inviter, not their own welcome bonus as someone's friend.
    earned = db.exec(
        select(func.coalesce(func.sum(WalletTransaction.amount_kopecks), 0)).where(
            WalletTransaction.user_id == user_id,
            WalletTransaction.kind == TransactionKind.REFERRAL_BONUS,
            col(WalletTransaction.idempotency_key).like("referral:%:referrer"),
        )
    ).one()
    return ReferralStats(invited, rewarded, int(earned))


def _reward_referral(db: Session, *, referred_id: int) -> None:
    referral = db.exec(select(Referral).where(Referral.referred_id == referred_id)).first()
    if referral is None or referral.rewarded_at is not None:
        return
    rules = get_rules(db)
    assert referral.id is not None
    bonuses = (
        (referral.referrer_id, rules.referral_bonus_referrer_kopecks, "referrer"),
        (referral.referred_id, rules.referral_bonus_referred_kopecks, "referred"),
    )
    for user_id, amount, side in bonuses:
        if amount > 0:
            ledger.post_entry(
                db,
                user_id=user_id,
                kind=TransactionKind.REFERRAL_BONUS,
                amount_kopecks=amount,
                idempotency_key=f"referral:{referral.id}:{side}",
                description="Бонус за приглашение друга",
            )
    referral.rewarded_at = utcnow()
    db.add(referral)


# --- usage ----------------------------------------------------------------------------------


def open_usage(db: Session, *, user_id: int, lesson_id: int | None, now: datetime) -> UsageSession:
    """Start metering a voice session: the price is fixed for its whole life."""
    rules = get_rules(db)
    usage = UsageSession(
        user_id=user_id,
        lesson_id=lesson_id,
        started_at=now,
        price_per_minute_kopecks=rules.price_per_minute_kopecks,
    )
    db.add(usage)
    db.flush()
    return usage


def charge_usage_minute(db: Session, usage: UsageSession, minute: int) -> bool:
    """Charge minute number `minute` (1-based) of a session. True if this call charged it;
    a retry of a charged minute changes nothing. InsufficientFunds when the wallet is empty."""
    assert usage.id is not None
    _, created = ledger.post_entry(
        db,
        user_id=usage.user_id,
        kind=TransactionKind.USAGE_CHARGE,
        amount_kopecks=-usage.price_per_minute_kopecks,
        idempotency_key=f"usage:{usage.id}:{minute}",
        description=f"Голосовая практика, минута {minute}",
        usage_session_id=usage.id,
    )
    if created:
        db.execute(
            update(UsageSession)
            .where(col(UsageSession.id) == usage.id)
            .values(
                minutes_charged=col(UsageSession.minutes_charged) + 1,
                amount_kopecks=col(UsageSession.amount_kopecks) + usage.price_per_minute_kopecks,
            )
        )
    return created


def close_usage(db: Session, usage: UsageSession, *, now: datetime) -> None:
    if usage.status == UsageStatus.ACTIVE:
        usage.status = UsageStatus.CLOSED
        usage.ended_at = now
        db.add(usage)


def start_metering(
    db: Session, *, user_id: int, lesson_id: int | None, now: datetime
) -> tuple[UsageSession, BalanceView]:
    """Open a voice session's meter and charge its first minute (InsufficientFunds if the
    wallet cannot pay it; then nothing is written)."""
    usage = open_usage(db, user_id=user_id, lesson_id=lesson_id, now=now)
    charge_usage_minute(db, usage, 1)
    return usage, balance_view(db, user_id)


def meter_minute(db: Session, usage_id: int, minute: int) -> BalanceView:
    """Charge minute `minute` of a running session; InsufficientFunds when it cannot be paid."""
    usage = db.get(UsageSession, usage_id)
    assert usage is not None
    charge_usage_minute(db, usage, minute)
    return balance_view(db, usage.user_id)


def stop_metering(db: Session, usage_id: int, *, now: datetime) -> UsageSession:
    usage = db.get(UsageSession, usage_id)
    assert usage is not None
    close_usage(db, usage, now=now)
    db.flush()
    return usage
