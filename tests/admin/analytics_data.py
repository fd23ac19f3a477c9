"""A data set with known analytics, written through the code that writes such rows in the
service (accounts, the meter, payments and refunds, stored exchanges), each at its own moment.

The period is 2026-11-10 .. 2026-11-13 (UTC); the data also has rows just outside it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import time_machine
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.auth.models import Role
from ailingva.billing import metering, purchases
from ailingva.billing.models import BillingPackage, Payment
from ailingva.billing.payments import InstantPaymentProvider
from ailingva.billing.wallet import grant_trial
from ailingva.brain.models import BrainEvent, BrainEventKind
from ailingva.grammar.findings import Category, Finding
from ailingva.lessons.models import Lesson
from ailingva.signup.service import create_account
from ailingva.tutor.service import Exchange, record_exchange
from tests.conftest import STRONG_PASSWORD, unique_email

T = TypeVar("T")
PERIOD = {"since": "2026-11-10", "until": "2026-11-13"}
DAYS = ["2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13"]
LOCAL = {"stt": "local:whisper", "llm": "local:llama", "tts": "local:piper"}
OPENAI_TYPED = {"llm": "openai:gpt-4o-mini", "tts": "openai:tts-1"}
PRICE_60, PRICE_300 = 30_000, 135_000  # the default packages of 60 and 300 minutes


def at(day: str, clock: str = "12:00:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}+00:00")


def when(engine: Engine, moment: datetime, work: Callable[[Session], T]) -> T:
    """`work` in one committed unit, with the clock at `moment`."""
    with time_machine.travel(moment, tick=False), Session(engine) as db:
        result = work(db)
        db.commit()
        return result


def student(engine: Engine, moment: datetime, role: Role = Role.STUDENT) -> int:
    def work(db: Session) -> int:
        email = unique_email()
        user = create_account(db, email=email, password=STRONG_PASSWORD, name="Аня", role=role)
        assert user.id is not None
        grant_trial(db, user_id=user.id, email=email)
        return user.id

    return when(engine, moment, work)


def lesson(engine: Engine, user_id: int, moment: datetime) -> int:
    def work(db: Session) -> int:
        number = len(db.exec(select(Lesson).where(Lesson.user_id == user_id)).all()) + 1
        row = Lesson(user_id=user_id, number=number, started_at=moment, last_active_at=moment)
        db.add(row)
        db.flush()
        assert row.id is not None
        return row.id

    return when(engine, moment, work)


def finding(category: Category) -> Finding:
    return Finding(0, 1, "I", "I", category, "пояснение")


def exchange(
    engine: Engine,
    lesson_id: int,
    moment: datetime,
    *,
    findings: tuple[Category, ...] = (),
    timings: dict[str, float],
    providers: dict[str, str],
) -> None:
    def work(db: Session) -> None:
        row = db.get(Lesson, lesson_id)
        assert row is not None
        said = Exchange(
            student_text="I go",
            findings=[finding(c) for c in findings],
            reply="Good.",
            timings=timings,
            providers=providers,
        )
        record_exchange(db, row, said)

    when(engine, moment, work)


def pay(engine: Engine, user_id: int, minutes: int, moment: datetime) -> int:
    provider = InstantPaymentProvider()

    def work(db: Session) -> int:
        package = db.exec(select(BillingPackage).where(BillingPackage.minutes == minutes)).one()
        assert package.id is not None
        payment, _ = purchases.open_payment(db, provider, user_id=user_id, package_id=package.id)
        purchases.ask_provider(db, provider, payment, description="", return_url="http://t/")
        assert payment.id is not None
        return payment.id

    return when(engine, moment, work)


def refund(engine: Engine, payment_id: int, moment: datetime) -> None:
    def work(db: Session) -> None:
        payment = db.get(Payment, payment_id)
        assert payment is not None
        purchases.refund_payment(db, InstantPaymentProvider(), payment, admin_id=None)

    when(engine, moment, work)


def speak(engine: Engine, user_id: int, lesson_id: int, minutes: int, moment: datetime) -> None:
    def work(db: Session) -> None:
        usage, _ = metering.start_metering(db, user_id=user_id, lesson_id=lesson_id, now=moment)
        assert usage.id is not None
        for minute in range(2, minutes + 1):
            metering.meter_minute(db, usage.id, minute)
        metering.stop_metering(db, usage.id, now=moment)

    when(engine, moment, work)


def brain_error(
    engine: Engine, user_id: int, category: Category, pipeline: str, moment: datetime
) -> None:
    def work(db: Session) -> None:
        payload = {**finding(category).as_json(), "pipeline": pipeline}
        db.add(
            BrainEvent(
                user_id=user_id,
                kind=BrainEventKind.ERROR_DETECTED,
                payload=payload,
                created_at=moment,
            )
        )

    when(engine, moment, work)


def seed_known_period(engine: Engine) -> None:
    d0, d1, d2, d3, d5 = "2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-14"
    anna = student(engine, at(d1, "00:00:00"))  # the first instant of the period
    boris = student(engine, at(d1, "23:59:59"))
    clara = student(engine, at(d2))
    dmitri = student(engine, at(d0, "23:59:59"))  # registered before the period
    eva = student(engine, at(d3))
    admin = student(engine, at(d1), role=Role.ADMIN)

    # Money: Dmitri pays on day 1, Anna and Boris on day 2, Anna is refunded on day 3; Eva pays
    # after the period (so she has not converted within it).
    pay(engine, dmitri, 60, at(d1))
    anna_paid = pay(engine, anna, 60, at(d2))
    pay(engine, boris, 300, at(d2))
    refund(engine, anna_paid, at(d3))
    pay(engine, eva, 60, at(d5))

    # Lessons and turns (the admin's do not count as a student's).
    anna_1 = lesson(engine, anna, at(d1, "10:00:00"))
    voice = {"end_to_first_audio": 400.0, "turn_detect": 90.0, "stt": 120.0, "llm_first_token": 30}
    exchange(
        engine,
        anna_1,
        at(d1, "10:01:00"),
        findings=(Category.ARTICLES, Category.TENSE),
        timings=voice,
        providers=LOCAL,
    )
    exchange(
        engine,
        anna_1,
        at(d1, "10:02:00"),
        findings=(Category.ARTICLES,),
        timings={"end_to_first_audio": 100.0, "stt": 80.0},
        providers=LOCAL,
    )
    boris_1 = lesson(engine, boris, at(d1, "20:00:00"))
    exchange(
        engine,
        boris_1,
        at(d1, "20:00:10"),
        findings=(Category.SPELLING,),
        timings={"end_to_first_audio": 300.0},
        providers=OPENAI_TYPED,
    )
    admin_1 = lesson(engine, admin, at(d1, "15:00:00"))
    exchange(
        engine,
        admin_1,
        at(d1, "15:00:10"),
        findings=(Category.ARTICLES,),
        timings={"end_to_first_audio": 200.0},
        providers={"llm": "local:llama"},
    )
    anna_2 = lesson(engine, anna, at(d2, "09:00:00"))
    exchange(
        engine, anna_2, at(d2, "09:00:30"), timings={"end_to_first_audio": 700.0}, providers=LOCAL
    )
    clara_1 = lesson(engine, clara, at(d3, "23:00:00"))
    exchange(
        engine,
        clara_1,
        at(d3, "23:59:59"),
        timings={"llm_first_token": 50.0},
        providers={"llm": "openai:gpt-4o-mini"},
    )
    # Outside the period, on both sides.
    anna_0 = lesson(engine, anna, at(d0, "23:00:00"))
    exchange(
        engine,
        anna_0,
        at(d0, "23:59:59"),
        findings=(Category.ARTICLES,),
        timings={"end_to_first_audio": 9000.0},
        providers=LOCAL,
    )
    anna_5 = lesson(engine, anna, at(d5, "00:00:00"))
    exchange(
        engine,
        anna_5,
        at(d5, "00:00:00"),
        findings=(Category.ARTICLES,),
        timings={"end_to_first_audio": 9000.0},
        providers=LOCAL,
    )

    # Voice minutes charged: Anna 3 on day 1, Boris 2 on day 2, Anna 4 after the period.
    speak(engine, anna, anna_1, 3, at(d1, "10:05:00"))
    speak(engine, boris, boris_1, 2, at(d2, "08:00:00"))
    speak(engine, anna, anna_5, 4, at(d5))

    # The brain: one error of its own ANALYSIS pass in the period (and one outside); its
    # "live" events repeat the stored corrections and are not counted twice.
    brain_error(engine, anna, Category.ARTICLES, "analysis", at(d2))
    brain_error(engine, anna, Category.PREPOSITIONS, "analysis", at(d3))
    brain_error(engine, anna, Category.ARTICLES, "live", at(d1))
    brain_error(engine, anna, Category.PREPOSITIONS, "analysis", at(d0))
