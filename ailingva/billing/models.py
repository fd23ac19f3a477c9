"""Money: integer kopecks, an append-only ledger, and the usage it pays for."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ailingva.core.db import UTCDateTime, created_at_field, enum_type, updated_at_field

# Money columns are 64-bit: a wallet past 2^31 kopecks (21 million roubles) must not overflow
# (SQLite's INTEGER is 64-bit already; PostgreSQL's is not).
Kopecks = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class BillingPackage(SQLModel, table=True):
    __tablename__ = "billing_package"
    __table_args__ = (
        sa.CheckConstraint("minutes > 0", name="minutes_positive"),
        sa.CheckConstraint(
            "discount_percent >= 0 AND discount_percent < 100", name="discount_range"
        ),
        sa.CheckConstraint("price_kopecks >= 0", name="price_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    minutes: int
    discount_percent: int = Field(default=0)
    price_kopecks: int = Field(sa_type=Kopecks)
    is_active: bool = Field(default=True)
    sort_order: int = Field(default=0)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class Wallet(SQLModel, table=True):
    """The cached balance; always equal to the sum of the user's ledger entries."""

    __tablename__ = "wallet"
    __table_args__ = (sa.CheckConstraint("balance_kopecks >= 0", name="balance_not_negative"),)

    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", primary_key=True)
    balance_kopecks: int = Field(default=0, sa_type=Kopecks)
    updated_at: datetime = updated_at_field()


class TransactionKind(StrEnum):
    TRIAL_BONUS = "trial_bonus"
    PURCHASE = "purchase"
    USAGE_CHARGE = "usage_charge"
    REFERRAL_BONUS = "referral_bonus"
    ADMIN_ADJUSTMENT = "admin_adjustment"
    REFUND = "refund"


class WalletTransaction(SQLModel, table=True):
    """One ledger entry. Never updated or deleted; corrections are new entries."""

    __tablename__ = "wallet_transaction"
    __table_args__ = (sa.Index("ix_wallet_transaction_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT")
    kind: TransactionKind = Field(sa_type=enum_type(TransactionKind), index=True)
    amount_kopecks: int = Field(sa_type=Kopecks)  # signed: credits positive, debits negative
    balance_after_kopecks: int = Field(sa_type=Kopecks)
    # Makes every write safe to retry: e.g. "usage:<session>:<minute>".
    idempotency_key: str = Field(max_length=128, unique=True)
    description: str = Field(default="", max_length=255)
    usage_session_id: int | None = Field(
        default=None, foreign_key="usage_session.id", ondelete="RESTRICT", index=True
    )
    payment_id: int | None = Field(
        default=None, foreign_key="payment.id", ondelete="RESTRICT", index=True
    )
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = created_at_field()


class UsageStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class UsageSession(SQLModel, table=True):
    """One metered voice session: started minutes are charged one by one."""

    __tablename__ = "usage_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT", index=True)
    lesson_id: int | None = Field(default=None, foreign_key="lesson.id", ondelete="SET NULL")
    status: UsageStatus = Field(default=UsageStatus.ACTIVE, sa_type=enum_type(UsageStatus))
    price_per_minute_kopecks: int = Field(ge=0)
    minutes_charged: int = Field(default=0, ge=0)
    amount_kopecks: int = Field(default=0, ge=0, sa_type=Kopecks)
    started_at: datetime = created_at_field()
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Referral(SQLModel, table=True):
    """Who brought whom. One referrer per user; rewarded once, on the first paid purchase."""

    __tablename__ = "referral"
    __table_args__ = (sa.CheckConstraint("referrer_id <> referred_id", name="not_self"),)

    id: int | None = Field(default=None, primary_key=True)
    referrer_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    referred_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", unique=True)
    created_at: datetime = created_at_field()
    rewarded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReferralCode(SQLModel, table=True):
    __tablename__ = "referral_code"

    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", primary_key=True)
    code: str = Field(max_length=16, unique=True)
    created_at: datetime = created_at_field()


class PaymentStatus(StrEnum):
    PENDING = "pending"  # waiting for the student at the provider's confirmation page
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Payment(SQLModel, table=True):
    """A purchase of a package through a payment provider; credited once, when it succeeds."""

    __tablename__ = "payment"
    __table_args__ = (
        sa.UniqueConstraint(
            "provider", "provider_payment_id", name="uq_payment_provider_payment_id"
        ),
        sa.UniqueConstraint("user_id", "idempotency_key", name="uq_payment_user_idempotency_key"),
        sa.CheckConstraint("amount_kopecks > 0", name="amount_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT", index=True)
    package_id: int = Field(foreign_key="billing_package.id", ondelete="RESTRICT")
    provider: str = Field(max_length=32)
    provider_payment_id: str | None = Field(default=None, max_length=64)
    status: PaymentStatus = Field(default=PaymentStatus.PENDING, sa_type=enum_type(PaymentStatus))
    # What the student pays (the package's discounted price).
    amount_kopecks: int = Field(sa_type=Kopecks)
    # What the wallet receives (the package's minutes at the base price).
    credit_kopecks: int = Field(sa_type=Kopecks)
    confirmation_url: str | None = Field(default=None, max_length=2048)
    # The client's Idempotency-Key: a double click buys once.
    idempotency_key: str | None = Field(default=None, max_length=128)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
