"""The Progress page adds up: its tiles, charts and lesson cards count the same learned words and
voice minutes, and the new words leave out common words and what speech-to-text was unsure of."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from ailingva.billing.models import TransactionKind, WalletTransaction
from ailingva.core.db import utcnow
from ailingva.learning.new_words import lesson_new_words
from ailingva.lessons.models import Lesson
from tests.conftest import register
from tests.progress.seed import COMMON, MISHEARD, seed_progress


def _card(body: dict[str, Any], lesson_id: int) -> dict[str, Any]:
    return next(card for card in body["recent_lessons"] if card["lesson_id"] == lesson_id)


def test_tiles_charts_and_lesson_cards_agree(client: TestClient, engine: Engine) -> None:
    account = register(client)
    seeded = seed_progress(engine, account.id, now=utcnow())

    body = client.get("/api/progress/progress?days=7").json()

    totals, cards = body["totals"], body["recent_lessons"]
    new_words = [word for card in cards for word in card["new_words"]]
    assert len(new_words) == len(set(new_words))  # a word is new in one lesson only
    assert totals["learned_words"] == len(new_words) > 0
    assert body["words_by_day"][-1]["total"] == totals["learned_words"]
    assert sum(day["new_words"] for day in body["words_by_day"]) == totals["learned_words"]
    with Session(engine) as db:
        for card in cards:  # the stored summary, the card and the end-of-lesson function agree
            assert card["new_words"] == card["summary"]["new_words"]
            assert card["new_words"] == lesson_new_words(db, account.id, card["lesson_id"])
        charged = db.exec(
            select(func.count()).where(
                WalletTransaction.user_id == account.id,
                col(WalletTransaction.kind) == TransactionKind.USAGE_CHARGE,
            )
        ).one()
    assert totals["minutes"] == charged == seeded.voice_minutes
    assert sum(card["minutes"] for card in cards) == totals["minutes"]
    assert sum(day["value"] for day in body["minutes_by_day"]) == totals["minutes"]
    assert [_card(body, lesson)["minutes"] for lesson in (seeded.typed, seeded.voice)] == [0, 3]


def test_new_words_leave_out_common_known_and_misheard_words(
    client: TestClient, engine: Engine
) -> None:
    account = register(client)
    seeded = seed_progress(engine, account.id, now=utcnow())

    body = client.get("/api/progress/progress").json()

    typed, voice = _card(body, seeded.typed), _card(body, seeded.voice)
    assert set(typed["new_words"]) == {"drink", "coffee", "breakfast", "cat", "fish", "vegetables"}
    # "coffee" was new in the typed lesson; "giraffe" was heard without confidence.
    assert set(voice["new_words"]) == {"yesterday", "flowers", "grandmother"}
    practised = {w for card in body["recent_lessons"] for w in card["summary"]["practised_words"]}
    assert "coffee" in voice["summary"]["practised_words"]
    assert not MISHEARD & practised  # not counted as the student's at all
    assert COMMON & practised and not COMMON & {
        w for card in body["recent_lessons"] for w in card["new_words"]
    }


def test_a_voice_only_lesson_has_a_summary_with_content(client: TestClient, engine: Engine) -> None:
    account = register(client)
    seeded = seed_progress(engine, account.id, now=utcnow())

    with Session(engine) as db:
        lesson = db.get(Lesson, seeded.voice)
        assert lesson is not None and lesson.summary is not None
        summary = lesson.summary
    assert summary["student_turns"] == 3 and summary["new_words"]
    assert summary["xp"]["total"] == lesson.xp_earned > 0
    card = _card(client.get("/api/progress/progress").json(), seeded.voice)
    assert card["summary"]["student_turns"] == 3 and card["minutes"] == 3
