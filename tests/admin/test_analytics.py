"""The Обзор figures against a data set with known answers (tests/admin/analytics_data.py).
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.admin.analytics_data import DAYS, PERIOD, PRICE_60, PRICE_300, seed_known_period
from tests.conftest import register


@pytest.fixture
def seeded(engine: Engine) -> None:
    seed_known_period(engine)


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
