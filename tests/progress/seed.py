"""A student's three lessons for the Progress page: typed, voice only (with uncertain
transcripts), and mixed with two voice sessions. The voice minutes go through the billing meter,
the summaries through the brain, as in the running app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from ailingva.billing import metering
from ailingva.brain.summary import summarise_lesson
from ailingva.core.db import session_scope
from ailingva.lessons.models import TurnRole
from tests.brain.helpers import add_turn, end_lesson, new_lesson

TUTOR = TurnRole.TUTOR
# Rare words the student said, but speech-to-text was unsure it heard them.
MISHEARD = {"giraffe"}
# Common words that are never anyone's new words.
COMMON = {"go", "two", "dogs", "likes", "park", "brother", "morning"}


@dataclass(frozen=True)
class SeededProgress:
    typed: int
    voice: int
    mixed: int
    voice_minutes: int


def meter_voice(engine: Engine, user_id: int, lesson_id: int, minutes: int, at: datetime) -> None:
    """A voice session of `minutes` charged minutes, as the voice meter bills one."""
    with session_scope(engine) as db:
        usage, _ = metering.start_metering(db, user_id=user_id, lesson_id=lesson_id, now=at)
        assert usage.id is not None
        for minute in range(2, minutes + 1):
            metering.meter_minute(db, usage_id=usage.id, minute=minute)
        metering.stop_metering(db, usage.id, now=at + timedelta(minutes=minutes))


def _finish(engine: Engine, lesson_id: int, at: datetime) -> None:
    end_lesson(engine, lesson_id, at=at)
    with session_scope(engine) as db:
        assert summarise_lesson(db, lesson_id, now=at) is not None


def seed_progress(engine: Engine, user_id: int, *, now: datetime) -> SeededProgress:
    """Needs a wallet that pays for 6 minutes (a registered student's trial does)."""
    day = timedelta(days=1)
    typed = new_lesson(engine, user_id, started_at=now - 3 * day, topic="Завтрак")
    add_turn(engine, typed, "I drink coffee every morning before breakfast")
    add_turn(engine, typed, "Nice! What do you eat for breakfast?", role=TUTOR)
    add_turn(engine, typed, "I have cat and he go to magazine")
    add_turn(engine, typed, "Why do you go there?", role=TUTOR)
    add_turn(engine, typed, "My cat likes fish and vegetables")
    _finish(engine, typed, now - 3 * day + timedelta(minutes=20))

    voice = new_lesson(engine, user_id, started_at=now - day)
    meter_voice(engine, user_id, voice, 3, now - day)
    add_turn(
        engine,
        voice,
        "Yesterday I go to the park with my brother and two dogs",
        audio_ms=4_200,
        uncertain=["go"],
    )
    add_turn(engine, voice, "That sounds fun! What did you see?", role=TUTOR)
    add_turn(engine, voice, "I saw a giraffe", audio_ms=1_500, uncertain=["I saw a giraffe"])
    add_turn(engine, voice, "A giraffe? Where was it?", role=TUTOR)
    add_turn(engine, voice, "I bought flowers for my grandmother and a coffee", audio_ms=3_900)
    add_turn(engine, voice, "How kind of you! What flowers?", role=TUTOR)
    _finish(engine, voice, now - day + timedelta(minutes=3))

    mixed = new_lesson(engine, user_id, started_at=now - timedelta(hours=2))
    meter_voice(engine, user_id, mixed, 1, now - timedelta(hours=2))
    add_turn(engine, mixed, "I am agree that homework is boring", audio_ms=2_800)
    add_turn(engine, mixed, "Why do you think so?", role=TUTOR)
    add_turn(engine, mixed, "My favourite hobby is painting")  # typed
    add_turn(engine, mixed, "What do you like to paint?", role=TUTOR)
    meter_voice(engine, user_id, mixed, 2, now - timedelta(hours=1))
    add_turn(engine, mixed, "I paint mountains and rivers", audio_ms=2_500)
    _finish(engine, mixed, now - timedelta(minutes=50))
    return SeededProgress(typed=typed, voice=voice, mixed=mixed, voice_minutes=6)
