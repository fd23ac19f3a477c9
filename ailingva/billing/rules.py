"""The prices and bonuses an admin sets. Stored as one settings document; defaults from the seed."""

from pydantic import Field
from sqlmodel import Session

from ailingva.core.app_settings import get_setting, put_setting
from ailingva.core.inputs import JsonBody

RULES_KEY = "billing.rules"
MAX_KOPECKS = 100_000_000  # one million roubles: far past any real single amount
# No wallet holds more than a hundred million roubles: far past any real balance, and the
# 64-bit columns can never overflow (a credit past it is refused with `balance_limit`).
MAX_BALANCE_KOPECKS = 10_000_000_000


class BillingRules(JsonBody):
    price_per_minute_kopecks: int = Field(default=500, ge=1, le=100_000)
    trial_minutes: int = Field(default=60, ge=0, le=10_000)
    referral_bonus_referrer_kopecks: int = Field(default=15_000, ge=0, le=MAX_KOPECKS)
    referral_bonus_referred_kopecks: int = Field(default=15_000, ge=0, le=MAX_KOPECKS)
    # A voice session is warned when fewer minutes than this are left.
    low_balance_warning_minutes: int = Field(default=1, ge=0, le=60)


def get_rules(db: Session) -> BillingRules:
    stored = get_setting(db, RULES_KEY)
    return BillingRules.model_validate(stored) if stored else BillingRules()


def put_rules(db: Session, rules: BillingRules, *, updated_by_id: int) -> BillingRules:
    put_setting(db, RULES_KEY, rules.model_dump(), updated_by_id=updated_by_id)
    return rules
