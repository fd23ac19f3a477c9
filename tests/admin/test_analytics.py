"""The Обзор figures against a data set with known answers, written through the code that
writes them in the service (accounts, the meter, payments and refunds, stored exchanges), each
at its own moment. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.

The period is 2026-11-10 .. 2026-11-13 (UTC); the data also has rows just outside it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
import time_machine
from fastapi.testclient import TestClient
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
from tests.conftest import STRONG_PASSWORD, register, unique_email

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


@pytest.fixture
def seeded(engine: Engine) -> None:
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


def get(admin: TestClient, what: str, **params: Any) -> Any:
    response = admin.get(f"/api/admin/analytics/{what}", params=params or PERIOD)
    assert response.status_code == 200, response.text
    return response.json()


def column(days: list[dict[str, Any]], key: str) -> list[Any]:
    return [d[key] for d in days]


@pytest.mark.usefixtures("seeded")
def test_activity_counts_students_registrations_lessons_and_turns(admin: TestClient) -> None:
    body = get(admin, "activity")
    assert body["period"] == {"since": DAYS[0], "until": DAYS[-1], "days": 4}
    assert column(body["days"], "day") == DAYS
    assert column(body["days"], "active_students") == [2, 1, 1, 0]
    assert column(body["days"], "registrations") == [2, 1, 1, 0]
    assert column(body["days"], "lessons") == [2, 1, 1, 0]
    assert column(body["days"], "turns") == [3, 1, 1, 0]
    # Anna is active on two days but is one student of the period.
    assert body["totals"] == {"active_students": 3, "registrations": 4, "lessons": 4, "turns": 5}


@pytest.mark.usefixtures("seeded")
def test_money_counts_minutes_revenue_refunds_and_conversion(admin: TestClient) -> None:
    body = get(admin, "money")
    assert column(body["days"], "voice_minutes") == [3, 2, 0, 0]
    assert column(body["days"], "revenue_kopecks") == [PRICE_60, PRICE_60 + PRICE_300, 0, 0]
    assert column(body["days"], "refunds_kopecks") == [0, 0, PRICE_60, 0]
    assert body["totals"] == {
        "voice_minutes": 5,
        "revenue_kopecks": 2 * PRICE_60 + PRICE_300,
        "refunds_kopecks": PRICE_60,
        "net_kopecks": PRICE_60 + PRICE_300,
    }
    # Registered in the period: Anna, Boris, Clara, Eva; Anna and Boris paid within it.
    assert body["conversion"] == {"registered": 4, "paid": 2, "rate_percent": 50.0}


@pytest.mark.usefixtures("seeded")
def test_errors_by_category_live_and_analysis(admin: TestClient) -> None:
    body = get(admin, "errors")
    assert body["categories"] == [
        {"category": "articles", "live": 2, "analysis": 1, "total": 3},
        {"category": "prepositions", "live": 0, "analysis": 1, "total": 1},
        {"category": "spelling", "live": 1, "analysis": 0, "total": 1},
        {"category": "tense", "live": 1, "analysis": 0, "total": 1},
    ]
    assert body["total"] == 6


@pytest.mark.usefixtures("seeded")
def test_latency_percentiles_per_day_and_stage(admin: TestClient) -> None:
    stages = {s["stage"]: s for s in get(admin, "latency")["stages"]}
    assert next(iter(stages)) == "end_to_first_audio"
    e2a = stages["end_to_first_audio"]
    # Day 1: 100, 200, 300, 400 -> the 2nd and the 4th value (nearest rank), not 250 / 385.
    assert e2a["days"][0] == {"day": DAYS[0], "p50_ms": 200.0, "p95_ms": 400.0, "turns": 4}
    assert e2a["days"][1] == {"day": DAYS[1], "p50_ms": 700.0, "p95_ms": 700.0, "turns": 1}
    assert e2a["days"][2] == {"day": DAYS[2], "p50_ms": None, "p95_ms": None, "turns": 0}
    assert e2a["period"] == {"p50_ms": 300.0, "p95_ms": 700.0, "turns": 5}
    # The student turn holds speech-to-text: 80 and 120 on day 1.
    assert stages["stt"]["period"] == {"p50_ms": 80.0, "p95_ms": 120.0, "turns": 2}
    first_token = [(d["p50_ms"], d["turns"]) for d in stages["llm_first_token"]["days"]]
    assert first_token == [(30.0, 1), (None, 0), (50.0, 1), (None, 0)]
    assert stages["first_audio"]["period"] == {"p50_ms": None, "p95_ms": None, "turns": 0}


@pytest.mark.usefixtures("seeded")
def test_providers_per_turn(admin: TestClient) -> None:
    shares = [
        (p["capability"], p["name"], p["turns"]) for p in get(admin, "providers")["providers"]
    ]
    assert shares == [
        ("stt", "local:whisper", 3),
        ("llm", "local:llama", 4),
        ("llm", "openai:gpt-4o-mini", 2),
        ("tts", "local:piper", 3),
        ("tts", "openai:tts-1", 1),
    ]


def test_empty_period_is_zeros_on_every_day(admin: TestClient) -> None:
    body = get(admin, "activity", days=7)
    assert len(body["days"]) == 7 == body["period"]["days"]
    assert body["period"]["until"] == datetime.now(UTC).date().isoformat()
    assert all(d["active_students"] == d["turns"] == 0 for d in body["days"])
    assert get(admin, "money", days=90)["conversion"]["rate_percent"] == 0.0
    assert get(admin, "errors", days=30)["categories"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2026-11-13", "until": "2026-11-10"},
        {"since": "2026-11-10"},
        {"until": "2026-11-10"},
        {"days": 7, "since": "2026-11-10", "until": "2026-11-13"},
        {"since": "2024-01-01", "until": "2025-06-01"},
        {"since": "2026-11-10", "until": "2999-01-01"},
    ],
)
def test_bad_periods_are_refused(admin: TestClient, params: dict[str, Any]) -> None:
    response = admin.get("/api/admin/analytics/activity", params=params)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "analytics_period_invalid"
    assert any(c in error["message"] for c in "абвгдеж")


@pytest.mark.parametrize(
    ("days", "code"), [("5", "analytics_period_invalid"), ("abc", "validation_error")]
)
def test_only_7_30_or_90_days(admin: TestClient, days: str, code: str) -> None:
    response = admin.get("/api/admin/analytics/latency", params={"days": days})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


def test_a_typed_turn_records_its_language_model(
    admin: TestClient, make_client: Callable[[], TestClient]
) -> None:
    """The providers of a turn are written where the tutor stores it (here the fake engines):
    a typed turn, answered without speech, used the language model only."""
    pupil = make_client()
    register(pupil)
    response = pupil.post("/api/tutor/message", json={"text": "I goes to school."})
    assert response.status_code == 200, response.text
    shares = [
        (p["capability"], p["name"], p["turns"])
        for p in get(admin, "providers", days=7)["providers"]
    ]
    assert shares == [("llm", "fake:llm", 1)]
