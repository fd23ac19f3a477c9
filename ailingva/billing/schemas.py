"""Requests and responses of the billing API. Money is always integer kopecks."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from ailingva.billing.models import PaymentStatus, TransactionKind
from ailingva.billing.rules import MAX_KOPECKS
from ailingva.core.db import DbId
from ailingva.core.inputs import JsonBody
from ailingva.core.text import CleanText


class BalancePublic(BaseModel):
    balance_kopecks: int
    price_per_minute_kopecks: int
    minutes_left: int
    low_balance: bool
    # The built-in test provider is active: purchases are free (development only).
    test_payments: bool


class TransactionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: TransactionKind
    amount_kopecks: int
    balance_after_kopecks: int
    description: str
    created_at: datetime


class TransactionPage(BaseModel):
    items: list[TransactionPublic]
    total: int


class AdminTransactionPublic(TransactionPublic):
    user_id: int
    created_by_id: int | None
    payment_id: int | None
    usage_session_id: int | None


class AdminTransactionRow(AdminTransactionPublic):
    """A ledger entry in the admin's list: whose it is, and (a purchase) whether it is refunded."""

    user_email: str
    user_name: str
    refunded: bool


class AdminTransactionPage(BaseModel):
    items: list[AdminTransactionRow]
    total: int


class RefundRequest(JsonBody):
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200), CleanText
    ]


class TopReferrer(BaseModel):
    user_id: int
    email: str
    name: str
    # Friends who signed up with the referrer's link in the period, and how many of them paid.
    signups: int
    paid: int
    # The referrer's own bonuses in the period, less those taken back by refunds.
    bonus_kopecks: int


class ReferralReport(BaseModel):
    """Invitations over a period: `since` inclusive, `until` exclusive; all time without them."""

    since: datetime | None
    until: datetime | None
    # Students who took their invitation link (a code is made when they first open it).
    links_issued: int
    signups: int
    # Friends whose first purchase (and so both bonuses) fell in the period.
    first_purchases: int
    bonuses_paid_kopecks: int
    bonuses_taken_back_kopecks: int
    top_referrers: list[TopReferrer]


class PackagePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    minutes: int
    discount_percent: int
    price_kopecks: int
    is_active: bool


class AdminPackagePublic(PackagePublic):
    sort_order: int  # the order on the student's page, lowest first


class PurchaseRequest(JsonBody):
    package_id: DbId
    # Only the built-in test provider reads this: decline on purpose to try the failure path.
    test_outcome: Literal["succeeded", "failed"] = "succeeded"


class PaymentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    package_id: int
    status: PaymentStatus
    amount_kopecks: int
    credit_kopecks: int
    confirmation_url: str | None
    created_at: datetime


class ReferralPublic(BaseModel):
    code: str
    link: str
    invited: int
    rewarded: int
    bonus_earned_kopecks: int
    bonus_referrer_kopecks: int
    bonus_referred_kopecks: int


PackageName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), CleanText
]


class PackageCreate(JsonBody):
    name: PackageName
    minutes: int = Field(ge=1, le=100_000)
    discount_percent: int = Field(default=0, ge=0, le=99)
    # Omitted: the minutes at the base price, less the discount (never free: see packages.py).
    price_kopecks: int | None = Field(default=None, ge=1, le=MAX_KOPECKS)
    sort_order: int = Field(default=0, ge=-1000, le=1000)


class PackageUpdate(JsonBody):
    name: PackageName | None = None
    minutes: int | None = Field(default=None, ge=1, le=100_000)
    discount_percent: int | None = Field(default=None, ge=0, le=99)
    price_kopecks: int | None = Field(default=None, ge=1, le=MAX_KOPECKS)
    sort_order: int | None = Field(default=None, ge=-1000, le=1000)
    is_active: bool | None = None


class AdjustmentRequest(BaseModel):
    user_id: DbId
    amount_kopecks: int = Field(strict=True, ge=-MAX_KOPECKS, le=MAX_KOPECKS)
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=255), CleanText
    ]

    @field_validator("amount_kopecks")
    @classmethod
    def _moves_money(cls, value: int) -> int:
        if value == 0:
            raise ValueError("the adjustment must not be zero")
        return value


class YooKassaObject(BaseModel):
    id: str = Field(min_length=1, max_length=64)


class YooKassaNotification(BaseModel):
    """Only the payment id is taken from a notification; everything else is read back."""

    event: str = Field(max_length=64)
    object: YooKassaObject
