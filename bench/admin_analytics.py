"""How fast the Обзор screen's endpoints answer on PostgreSQL with a service's worth of data.

    .venv/bin/python bench/admin_analytics.py [--server postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
                                              [--students 10000] [--turns 100000] [--requests 30]

It makes a database of its own on the server (dropped at the end), migrates it, and seeds it
with COPY: students registered over 90 days, their lessons and live turns (stage timings and
providers on each, corrections on some), the brain's ANALYSIS turns and events, voice sessions
with a ledger entry per charged minute, payments (some refunded). Then an admin signs in to the
app (in process, through its ASGI interface) and each `/api/admin/analytics/...` endpoint is
asked `--requests` times for the last 90 days (after one warm-up request); it prints p50/p95 per
endpoint and PASS when p95 is within 300 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ailingva.core.config import Settings
from ailingva.core.db import make_engine, session_scope
from ailingva.main import create_app
from ailingva.providers.settings import ProviderSettings
from ailingva.signup.service import ensure_admin

TARGET_P95_MS = 300.0
ENDPOINTS = ("activity", "money", "errors", "latency", "providers")
PERIOD_DAYS = 90
ADMIN_EMAIL, ADMIN_PASSWORD = "bench-admin@example.com", "Correct horse 42 battery"
CATEGORIES = ("articles", "tense", "prepositions", "verb_form", "agreement", "spelling")
VOICE_PROVIDERS = {
    "stt": "local:whisper-base-en",
    "llm": "local:qwen2.5-1.5b",
    "tts": "local:piper",
}
CLOUD_PROVIDERS = {"stt": "openai:whisper-1", "llm": "openai:gpt-4o-mini", "tts": "openai:tts-1"}
PRICES = (30_000, 135_000, 400_000)
SERIAL_TABLES = ("user_account", "lesson", "lesson_turn", "usage_session", "payment",
                 "wallet_transaction", "brain_event")  # fmt: skip


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


Row = dict[str, object]


def copy_rows(conn: psycopg.Connection, table: str, rows: Sequence[Row]) -> None:
    """COPY the rows (all with the keys of the first) into `table`."""
    columns = list(rows[0])
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])
    log(f"  {table}: {len(rows)} rows")


def timings_of(rng: random.Random, spoken: bool) -> tuple[dict[str, float], dict[str, float]]:
    """A student turn's stage timings and its tutor turn's (ms, log-normal like real ones)."""
    student = {"grammar": round(rng.uniform(2, 20), 1)}
    tutor = {
        "llm_first_token": round(rng.lognormvariate(5.3, 0.4), 1),
        "first_sentence": round(rng.lognormvariate(6.0, 0.4), 1),
        "total": round(rng.lognormvariate(7.5, 0.3), 1),
    }
    if spoken:
        student["stt"] = round(rng.lognormvariate(5.5, 0.4), 1)
        tutor["turn_detect"] = round(rng.uniform(200, 700), 1)
        tutor["first_audio"] = round(rng.lognormvariate(6.3, 0.4), 1)
        tutor["end_to_first_audio"] = round(rng.lognormvariate(6.9, 0.35), 1)
    return student, tutor


class Seeder:
    """Rows in realistic proportions over the last PERIOD_DAYS days, with fixed randomness."""

    def __init__(self, conn: psycopg.Connection, students: int, turns: int) -> None:
        self.conn, self.students, self.turns = conn, students, turns
        self.rng = random.Random(13)  # noqa: S311 (made-up data, repeatable)
        self.now = datetime.now(UTC)
        self.first_id = 1_000  # ids below are the migrations' and the admin's
        self.registered: dict[int, datetime] = {}

    def moment(self, after: datetime) -> datetime:
        seconds = max(0.0, (self.now - after).total_seconds())
        return after + timedelta(seconds=self.rng.uniform(0, seconds))

    def run(self) -> None:
        self.users()
        lessons = self.lessons()
        self.lesson_turns(lessons)
        self.money(lessons)
        for table in SERIAL_TABLES:
            self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (ours)
                f"(SELECT max(id) FROM {table}))"
            )
        self.conn.commit()
        # What autovacuum does soon after a load: statistics and the visibility map (which
        # lets the students' turns be read from their index alone).
        self.conn.autocommit = True
        self.conn.execute("VACUUM ANALYZE")

    def users(self) -> None:
        start = self.now - timedelta(days=PERIOD_DAYS + 30)
        rows: list[Row] = []
        for n in range(self.students):
            user_id, created = self.first_id + n, self.moment(start)
            self.registered[user_id] = created
            rows.append({"id": user_id, "email": f"s{n}@bench.example", "password_hash": "-",
                         "role": "student", "is_active": True, "created_at": created,
                         "updated_at": created})  # fmt: skip
        copy_rows(self.conn, "user_account", rows)

    def lessons(self) -> list[Row]:
        """About four exchanges (eight live turns) a lesson, for seven students in ten."""
        active = self.rng.sample(sorted(self.registered), k=int(len(self.registered) * 0.7))
        rows: list[Row] = []
        for n in range(self.turns // 8):
            user_id = self.rng.choice(active)
            at = self.moment(self.registered[user_id])
            # Numbered by row: unique per student, as the (user, number) constraint wants.
            rows.append({"id": self.first_id + n, "user_id": user_id, "number": n + 1,
                         "status": "ended", "started_at": at, "last_active_at": at,
                         "ended_at": at + timedelta(minutes=10), "xp_earned": 10})  # fmt: skip
        copy_rows(self.conn, "lesson", rows)
        return rows

    def lesson_turns(self, lessons: list[Row]) -> None:
        rng = self.rng
        turns: list[Row] = []
        events: list[Row] = []
        turn_id = self.first_id
        for lesson in lessons:
            started = lesson["started_at"]
            assert isinstance(started, datetime)
            for exchange in range(4):
                at = started + timedelta(seconds=20 * exchange)
                spoken = rng.random() < 0.8
                providers = VOICE_PROVIDERS if rng.random() < 0.85 else CLOUD_PROVIDERS
                corrections = [
                    {"start": 0, "end": 1, "original": "I", "correction": "I",
                     "category": rng.choice(CATEGORIES), "explanation": "-", "source": "rules"}
                    for _ in range(rng.choice((0, 0, 1, 1, 2)))
                ]  # fmt: skip
                student_timings, tutor_timings = timings_of(rng, spoken)
                heard = {"stt": providers["stt"]} if spoken else {}
                turn = {"lesson_id": lesson["id"], "pipeline": "streaming", "source_turn_id": None,
                        "interrupted": False}  # fmt: skip
                turns.append({**turn, "id": turn_id, "seq": 2 * exchange + 1, "role": "student",
                              "text": "I go to the shop", "corrections": json.dumps(corrections),
                              "timings": json.dumps(student_timings), "created_at": at,
                              "providers": json.dumps(heard)})  # fmt: skip
                tutor_providers = {k: v for k, v in providers.items() if k != "stt"}
                turns.append({**turn, "id": turn_id + 1, "seq": 2 * exchange + 2, "role": "tutor",
                              "text": "Nice! What did you buy?", "corrections": "[]",
                              "timings": json.dumps(tutor_timings),
                              "created_at": at + timedelta(seconds=2),
                              "providers": json.dumps(tutor_providers)})  # fmt: skip
                if rng.random() < 0.9:  # the brain has analysed it
                    analysed = at + timedelta(seconds=5)
                    turns.append({**turn, "id": turn_id + 2, "seq": 1_000_000 + 2 * exchange + 1,
                                  "role": "brain", "pipeline": "analysis", "text": "",
                                  "source_turn_id": turn_id, "timings": "{}", "providers": "{}",
                                  "corrections": json.dumps(corrections),
                                  "created_at": analysed})  # fmt: skip
                    event = {"user_id": lesson["user_id"], "lesson_id": lesson["id"],
                             "turn_id": turn_id, "created_at": analysed}  # fmt: skip
                    payloads: list[tuple[Row, str]] = [
                        ({**c, "pipeline": "live"}, "error_detected") for c in corrections
                    ]
                    if rng.random() < 0.3:
                        deep: Row = {"category": rng.choice(CATEGORIES), "pipeline": "analysis"}
                        payloads.append((deep, "error_detected"))
                    if rng.random() < 0.5:
                        payloads.append(({"word": "shop"}, "weak_word"))
                    events += [{**event, "kind": kind, "payload": json.dumps(payload)}
                               for payload, kind in payloads]  # fmt: skip
                turn_id += 3
        copy_rows(self.conn, "lesson_turn", turns)
        copy_rows(self.conn, "brain_event", events)

    def money(self, lessons: list[Row]) -> None:
        """A trial bonus each; a voice session of 1-12 charged minutes for four lessons in five;
        a paid package for one student in six, a refund for one payment in thirty."""
        rng = self.rng
        packages = [r[0] for r in self.conn.execute("SELECT id FROM billing_package")]
        entries: list[Row] = []
        usages: list[Row] = []
        payments: list[Row] = []

        def entry(user_id: int, kind: str, amount: int, key: str, at: object, **ids: int) -> None:
            entries.append({"user_id": user_id, "kind": kind, "amount_kopecks": amount,
                            "balance_after_kopecks": max(amount, 0), "idempotency_key": key,
                            "usage_session_id": ids.get("usage"),
                            "payment_id": ids.get("payment"), "created_at": at,
                            "description": ""})  # fmt: skip

        for user_id, created in self.registered.items():
            entry(user_id, "trial_bonus", 30_000, f"trial:{user_id}", created)
        for usage_id, lesson in enumerate(lessons, start=self.first_id):
            if rng.random() > 0.8:
                continue
            owner, started, minutes = lesson["user_id"], lesson["started_at"], rng.randint(1, 12)
            assert isinstance(owner, int) and isinstance(started, datetime)
            user_id = owner
            usages.append({"id": usage_id, "user_id": user_id, "lesson_id": lesson["id"],
                           "status": "closed", "price_per_minute_kopecks": 500,
                           "minutes_charged": minutes, "amount_kopecks": minutes * 500,
                           "started_at": started,
                           "ended_at": started + timedelta(minutes=minutes)})  # fmt: skip
            for minute in range(1, minutes + 1):
                at = started + timedelta(minutes=minute - 1)
                entry(user_id, "usage_charge", -500, f"usage:{usage_id}:{minute}", at,
                      usage=usage_id)  # fmt: skip
        buyers = rng.sample(sorted(self.registered), k=len(self.registered) // 6)
        for payment_id, user_id in enumerate(buyers, start=self.first_id):
            paid_at, price = self.moment(self.registered[user_id]), rng.choice(PRICES)
            payments.append({"id": payment_id, "user_id": user_id,
                             "package_id": rng.choice(packages), "provider": "yookassa",
                             "provider_payment_id": f"yk-{payment_id}", "status": "succeeded",
                             "amount_kopecks": price, "credit_kopecks": price,
                             "created_at": paid_at, "updated_at": paid_at})  # fmt: skip
            entry(user_id, "purchase", price, f"payment:{payment_id}", paid_at, payment=payment_id)
            if rng.random() < 1 / 30:
                entry(user_id, "refund", -price, f"refund:{payment_id}", self.moment(paid_at),
                      payment=payment_id)  # fmt: skip
        copy_rows(self.conn, "usage_session", usages)
        copy_rows(self.conn, "payment", payments)
        copy_rows(self.conn, "wallet_transaction", entries)


def time_endpoints(database_url: str, requests: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            environment="test",
            secret_key="bench-secret-key-that-is-long-enough-0123456789",  # noqa: S106
            database_url=database_url,
            redis_url=None,
            data_dir=Path(data_dir),
            frontend_dist=Path(data_dir) / "no-dist",
        )
        fake = ProviderSettings(stt_provider="fake", llm_provider="fake", tts_provider="fake")
        timings: dict[str, list[float]] = {}
        with TestClient(create_app(settings, fake)) as client:
            login = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            assert client.post("/api/auth/login", json=login).status_code == 200
            for name in ENDPOINTS:
                url, params = f"/api/admin/analytics/{name}", {"days": PERIOD_DAYS}
                assert client.get(url, params=params).status_code == 200  # warm-up
                timings[name] = []
                for _ in range(requests):
                    start = time.perf_counter()
                    response = client.get(url, params=params)
                    timings[name].append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, response.text
                log(f"  {name}: {requests} requests")
        return timings


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest rank, as the analytics compute theirs."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main(argv: Sequence[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args(argv)

    server = make_url(args.server)
    name = f"ailingva_bench_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database_url = server.set(database=name).render_as_string(hide_password=False)
    try:
        log(f"database {name}: migrating")
        from alembic import command
        from alembic.config import Config

        from ailingva.core.config import PROJECT_ROOT

        config = Config(str(PROJECT_ROOT / "alembic.ini"))
        config.set_main_option("sqlalchemy.url", database_url)
        config.attributes["configure_logging"] = False
        command.upgrade(config, "head")
        engine = make_engine(database_url)
        with session_scope(engine) as db:
            ensure_admin(db, email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
        engine.dispose()
        log(f"seeding {args.students} students and {args.turns} live turns (COPY)")
        started = time.perf_counter()
        dsn = (
            make_url(database_url)
            .set(drivername="postgresql")
            .render_as_string(hide_password=False)
        )
        with psycopg.connect(dsn) as conn:
            Seeder(conn, args.students, args.turns).run()
        log(f"seeded in {time.perf_counter() - started:.1f} s; timing the endpoints")
        timings = time_endpoints(database_url, args.requests)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()

    out = io.StringIO()
    passed = True
    print(f"\n{'endpoint (days=90)':<32}{'p50 ms':>9}{'p95 ms':>9}  target p95 <= 300 ms", file=out)
    for endpoint, values in timings.items():
        p50, p95 = statistics.median(values), percentile(values, 95)
        ok = p95 <= TARGET_P95_MS
        passed &= ok
        path = f"/api/admin/analytics/{endpoint}"
        print(f"{path:<32}{p50:>9.1f}{p95:>9.1f}  {'PASS' if ok else 'FAIL'}", file=out)
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"(load average of the machine at the end: {load}; {os.cpu_count()} cores)", file=out)
    print(out.getvalue())
    return passed


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
