"""XP per lesson and the study day streaks count in."""

from datetime import UTC, date, datetime

import pytest

from ailingva.learning.xp import lesson_xp, study_day


def test_days_are_moscow_days() -> None:
    late_evening_utc = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # 01:30 on the 3rd in Moscow
    assert study_day(late_evening_utc) == date(2026, 3, 3)


@pytest.mark.parametrize(
    ("turn_words", "clean", "reviews", "streak", "total"),
    [
        ([], 0, 0, 0, 0),
        ([1, 2], 0, 0, 1, 12),  # short turns: only the lesson and the streak
        ([5] * 40, 40, 0, 1, 10 + 60 + 30 + 2),  # at most 30 turns count
        ([5], 0, 2, 30, 10 + 2 + 10 + 14),  # reviews, and the streak bonus is capped
    ],
)
def test_xp_rules(turn_words: list[int], clean: int, reviews: int, streak: int, total: int) -> None:
    xp = lesson_xp(
        turn_words=turn_words, clean_turns=clean, good_reviews=reviews, streak_days=streak
    )
    assert xp.total == total
