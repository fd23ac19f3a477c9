"""Concurrent money movements on the real database: no overdraft, no double charge.

Runs on SQLite and on PostgreSQL (`make test` runs both); on PostgreSQL the threads are real
concurrent transactions racing for the wallet's row.
"""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.billing import ledger
from ailingva.billing.models import TransactionKind
from ailingva.core.db import session_scope
from ailingva.signup import service as signup
from tests.conftest import STRONG_PASSWORD, unique_email

WORKERS = 50


def _student_with_balance(engine: Engine, kopecks: int) -> int:
    with session_scope(engine) as db:
        user = signup.create_account(db, email=unique_email(), password=STRONG_PASSWORD, name="Аня")
        assert user.id is not None
        ledger.post_entry(
            db,
            user_id=user.id,
            kind=TransactionKind.ADMIN_ADJUSTMENT,
            amount_kopecks=kopecks,
            idempotency_key=f"seed:{user.id}",
        )
        return user.id


def _race(engine: Engine, user_id: int, keys: list[str], amount: int) -> list[str]:
    barrier = Barrier(len(keys))

    def debit(key: str) -> str:
        barrier.wait()
        try:
            with session_scope(engine) as db:
                _, created = ledger.post_entry(
                    db,
                    user_id=user_id,
                    kind=TransactionKind.USAGE_CHARGE,
                    amount_kopecks=amount,
                    idempotency_key=key,
                )
            return "charged" if created else "repeat"
        except ledger.InsufficientFunds:
            return "refused"

    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        return list(pool.map(debit, keys))


def _balances(engine: Engine, user_id: int) -> tuple[int, int]:
    with Session(engine) as db:
        return ledger.balance(db, user_id), ledger.ledger_sum(db, user_id)


def test_fifty_concurrent_debits_never_overdraw(engine: Engine) -> None:
    user_id = _student_with_balance(engine, 100)
    outcomes = _race(engine, user_id, [f"debit:{i}" for i in range(WORKERS)], -10)
    assert outcomes.count("charged") == 10
    assert outcomes.count("refused") == WORKERS - 10
    assert _balances(engine, user_id) == (0, 0)


def test_the_same_key_fifty_times_at_once_charges_once(engine: Engine) -> None:
    user_id = _student_with_balance(engine, 1_000)
    outcomes = _race(engine, user_id, ["usage:1:1"] * WORKERS, -10)
    assert outcomes.count("charged") == 1
    assert outcomes.count("repeat") == WORKERS - 1
    assert _balances(engine, user_id) == (990, 990)
