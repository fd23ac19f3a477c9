"""Hypothesis drives purchases, per-minute charges, refunds, bonuses, trial and retries in any
order; the ledger's invariants must hold after every step."""

from datetime import UTC, datetime

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from ailingva.billing import ledger, metering, packages, purchases, wallet
from ailingva.billing.models import Payment, TransactionKind, UsageSession, WalletTransaction
from ailingva.billing.payments import InstantPaymentProvider, TestOutcome
from ailingva.core.db import session_scope
from ailingva.core.errors import AppError
from ailingva.signup import service as signup
from tests.conftest import STRONG_PASSWORD, unique_email

OUTCOMES: list[TestOutcome] = ["succeeded", "failed"]


def ledger_machine(engine: Engine) -> type[RuleBasedStateMachine]:
    class Ledger(RuleBasedStateMachine):
        @initialize()
        def student(self) -> None:
            with session_scope(engine) as db:
                user = signup.create_account(
                    db, email=unique_email(), password=STRONG_PASSWORD, name="Аня"
                )
                assert user.id is not None
                self.user_id = user.id
                self.email = user.email
                self.package_ids = [
                    p.id for p in packages.all_packages(db, active_only=True) if p.id is not None
                ]
            self.usage_ids: list[int] = []
            self.payment_ids: list[int] = []
            self.charged: set[tuple[int, int]] = set()

        @rule()
        def trial(self) -> None:  # registering again with the same mailbox gives nothing
            with session_scope(engine) as db:
                wallet.grant_trial(db, user_id=self.user_id, email=self.email)

        @rule(index=st.integers(0, 2), outcome=st.sampled_from(OUTCOMES))
        def purchase(self, index: int, outcome: TestOutcome) -> None:
            provider = InstantPaymentProvider(outcome)
            with session_scope(engine) as db:
                payment, _ = purchases.open_payment(
                    db, provider, user_id=self.user_id, package_id=self.package_ids[index]
                )
                description = purchases.payment_description(db, payment)
            with session_scope(engine) as db:
                payment = db.merge(payment)
                purchases.ask_provider(
                    db, provider, payment, description=description, return_url="http://x"
                )
                assert payment.id is not None
                self.payment_ids.append(payment.id)

        @rule()
        def open_usage(self) -> None:
            with session_scope(engine) as db:
                usage = metering.open_usage(
                    db, user_id=self.user_id, lesson_id=None, now=datetime.now(UTC)
                )
                assert usage.id is not None
                self.usage_ids.append(usage.id)

        @rule(data=st.data(), minute=st.integers(1, 5))
        def charge_minute(self, data: st.DataObject, minute: int) -> None:
            if not self.usage_ids:
                return
            usage_id = data.draw(st.sampled_from(self.usage_ids))
            try:
                with session_scope(engine) as db:
                    usage = db.get(UsageSession, usage_id)
                    assert usage is not None
                    if metering.charge_usage_minute(db, usage, minute):
                        assert (usage_id, minute) not in self.charged
                        self.charged.add((usage_id, minute))
            except ledger.InsufficientFunds:
                pass

        @rule(data=st.data())
        def refund(self, data: st.DataObject) -> None:
            if not self.payment_ids:
                return
            payment_id = data.draw(st.sampled_from(self.payment_ids))
            try:
                with session_scope(engine) as db:
                    payment = db.get(Payment, payment_id)
                    assert payment is not None
                    purchases.refund_payment(db, InstantPaymentProvider(), payment, admin_id=None)
            except AppError:  # not refundable, or the credit was already spent
                pass

        @rule(amount=st.integers(-50_000, 50_000).filter(bool), retry=st.booleans())
        def adjust(self, amount: int, retry: bool) -> None:
            key = f"{self.user_id}:{amount}"
            for _ in range(2 if retry else 1):
                try:
                    with session_scope(engine) as db:
                        wallet.adjust_balance(
                            db,
                            user_id=self.user_id,
                            amount_kopecks=amount,
                            reason="hypothesis",
                            admin_id=None,
                            idempotency_key=key,
                        )
                except ledger.InsufficientFunds:
                    pass

        @invariant()
        def balance_is_the_ledger_and_never_negative(self) -> None:
            with Session(engine) as db:
                balance = ledger.balance(db, self.user_id)
                assert balance == ledger.ledger_sum(db, self.user_id)
                assert balance >= 0
                running = db.exec(
                    select(WalletTransaction)
                    .where(WalletTransaction.user_id == self.user_id)
                    .order_by(col(WalletTransaction.id))
                ).all()
                total = 0
                for entry in running:
                    total += entry.amount_kopecks
                    assert entry.balance_after_kopecks == total

        @invariant()
        def each_minute_is_charged_at_most_once(self) -> None:
            with Session(engine) as db:
                rows = db.exec(
                    select(WalletTransaction.usage_session_id, func.count())
                    .where(
                        WalletTransaction.user_id == self.user_id,
                        WalletTransaction.kind == TransactionKind.USAGE_CHARGE,
                    )
                    .group_by(col(WalletTransaction.usage_session_id))
                ).all()
                for usage_id, count in rows:
                    usage = db.get(UsageSession, usage_id)
                    assert usage is not None
                    assert count == usage.minutes_charged <= 5
                    assert usage.amount_kopecks == count * usage.price_per_minute_kopecks

    return Ledger


def test_ledger_invariants(engine: Engine) -> None:
    machine = ledger_machine(engine)
    machine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine.TestCase().runTest()
