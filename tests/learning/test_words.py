"""Weak words on FSRS: scheduled when corrected, graded when the student uses them again."""

from datetime import datetime, timedelta

from fsrs import Card, State
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.brain import memory
from ailingva.brain.models import BrainEvent, BrainEventKind
from ailingva.core.db import utcnow
from ailingva.learning.models import StudentWord, WordStatus
from tests.brain.helpers import new_lesson, new_user, say


def _word(engine: Engine, user: int, word: str) -> StudentWord | None:
    with Session(engine) as db:
        return db.exec(
            select(StudentWord).where(StudentWord.user_id == user, StudentWord.word == word)
        ).first()


def _review_words(engine: Engine, user: int, now: datetime) -> list[str]:
    with Session(engine) as db:
        return memory.tutor_memory(db, user, now=now).review_words


def test_a_corrected_word_is_scheduled_and_brought_back_when_due(engine: Engine) -> None:
    user = new_user(engine)
    now = utcnow()
    say(engine, new_lesson(engine, user), "I buyed it yesterday", now=now)

    word = _word(engine, user, "bought")
    assert word is not None and word.status == WordStatus.WEAK and word.due_at is not None
    assert now < word.due_at <= now + timedelta(minutes=5)
    assert Card.from_dict(word.review_card).due == word.due_at  # type: ignore[arg-type]
    assert _review_words(engine, user, now) == []
    assert _review_words(engine, user, word.due_at) == ["bought"]


def test_using_a_due_word_correctly_is_good_and_wrongly_is_again(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    now = utcnow()
    say(engine, lesson, "I buyed bread", now=now)
    first_due = _word(engine, user, "bought").due_at  # type: ignore[union-attr]
    assert first_due is not None

    say(engine, lesson, "I bought milk too", now=now + timedelta(seconds=10))  # not due yet
    assert _word(engine, user, "bought").times_correct == 0  # type: ignore[union-attr]

    later = first_due + timedelta(minutes=1)
    result = say(engine, lesson, "Then I bought some cheese", now=later)
    assert result is not None and result.reviewed == {"bought": "good"}
    good = _word(engine, user, "bought")
    assert good is not None and good.times_correct == 1 and good.due_at is not None
    assert good.due_at - later >= timedelta(minutes=5)  # Good pushes the review further out

    worse = good.due_at + timedelta(minutes=1)
    result = say(engine, lesson, "And then I buyed it again", now=worse)
    again = _word(engine, user, "bought")
    assert again is not None and again.times_wrong == 2 and again.due_at is not None
    assert again.due_at - worse < good.due_at - later  # Again brings it back sooner
    with Session(engine) as db:
        ratings = [
            e.payload.get("rating")
            for e in db.exec(
                select(BrainEvent)
                .where(BrainEvent.user_id == user, BrainEvent.kind == BrainEventKind.WEAK_WORD)
                .order_by(BrainEvent.id)  # type: ignore[arg-type]
            ).all()
        ]
    assert ratings == [None, "good", None]  # the second wrong use re-marks the word weak


def test_good_reviews_over_days_master_a_word(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    now = utcnow()
    say(engine, lesson, "I want to visit magazine", now=now)
    mastered = False
    for _ in range(8):
        word = _word(engine, user, "shop")
        assert word is not None
        if word.status == WordStatus.KNOWN:
            mastered = True
            break
        assert word.due_at is not None
        now = word.due_at + timedelta(minutes=1)
        say(engine, lesson, "I went to the shop", now=now)
    assert mastered
    card = Card.from_dict(_word(engine, user, "shop").review_card)  # type: ignore[arg-type, union-attr]
    assert card.state == State.Review
    assert _review_words(engine, user, now + timedelta(days=365)) == []
    with Session(engine) as db:
        assert db.exec(
            select(BrainEvent).where(BrainEvent.kind == BrainEventKind.WORD_MASTERED)
        ).one().payload == {"word": "shop", "reason": "review"}


def test_words_used_correctly_in_two_lessons_are_known(engine: Engine) -> None:
    user = new_user(engine)
    first = new_lesson(engine, user)
    say(engine, first, "The elephant is big. I like the elephant")
    assert _word(engine, user, "elephant") is None  # one lesson is not enough

    result = say(engine, new_lesson(engine, user), "I saw an elephant in the zoo")

    assert result is not None and "elephant" in result.known_words
    known = _word(engine, user, "elephant")
    assert known is not None and known.status == WordStatus.KNOWN
    assert _word(engine, user, "the") is None  # function words are not vocabulary


def test_the_tutor_gets_at_most_three_due_words_longest_overdue_first(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    now = utcnow()
    for i, text in enumerate(["I buyed it", "A magazine", "I am agree", "Because becouse"]):
        say(engine, lesson, text, now=now + timedelta(seconds=i))
    words = _review_words(engine, user, now + timedelta(hours=1))
    assert words == ["bought", "shop", "agree"]
