"""A CEFR-style level estimate from what the student said.

Four measures, each mapped to a band 0..5 (A1..C2), then averaged with weights:
- vocabulary size: distinct words used correctly (all lessons);
- vocabulary range: the share of those words outside everyday English (wordfreq Zipf < 4.5,
  roughly beyond the 3,000 most frequent words);
- error rate: grammar findings per 100 words (recent turns);
- utterance length: mean words per student turn (recent turns).
A heuristic, not a test: it moves with the student and is labelled an estimate everywhere.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from wordfreq import zipf_frequency

LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
RARE_ZIPF = 4.5

# Upper bounds between bands: value < bounds[0] -> band 0, ...
_VOCABULARY_BOUNDS = (50, 150, 400, 900, 1800)
_RANGE_BOUNDS = (0.05, 0.10, 0.15, 0.22, 0.30)
_LENGTH_BOUNDS = (4.0, 7.0, 11.0, 15.0, 20.0)
# Fewer errors is better: band = 5 - (bands of the error rate).
_ERROR_BOUNDS = (1.5, 3.0, 6.0, 10.0, 15.0)
_WEIGHTS = {"vocabulary": 1.0, "range": 1.0, "errors": 1.5, "length": 1.5}


@dataclass(frozen=True)
class LevelEstimate:
    level: str
    vocabulary_size: int
    rare_word_share: float
    errors_per_100_words: float
    mean_utterance_words: float
    bands: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "vocabulary_size": self.vocabulary_size,
            "rare_word_share": round(self.rare_word_share, 3),
            "errors_per_100_words": round(self.errors_per_100_words, 2),
            "mean_utterance_words": round(self.mean_utterance_words, 2),
            "bands": self.bands,
        }


def estimate_level(
    vocabulary: Iterable[str], *, turn_word_counts: list[int], error_count: int
) -> LevelEstimate:
    words = sorted(set(vocabulary))
    rare = sum(1 for w in words if zipf_frequency(w, "en") < RARE_ZIPF) if words else 0
    rare_share = rare / len(words) if words else 0.0
    total_words = sum(turn_word_counts)
    errors_per_100 = 100.0 * error_count / total_words if total_words else 0.0
    mean_length = total_words / len(turn_word_counts) if turn_word_counts else 0.0
    bands = {
        "vocabulary": bisect_right(_VOCABULARY_BOUNDS, len(words)),
        "range": bisect_right(_RANGE_BOUNDS, rare_share),
        "errors": 5 - bisect_right(_ERROR_BOUNDS, errors_per_100) if total_words else 0,
        "length": bisect_right(_LENGTH_BOUNDS, mean_length),
    }
    score = sum(_WEIGHTS[k] * b for k, b in bands.items()) / sum(_WEIGHTS.values())
    return LevelEstimate(
        level=LEVELS[min(5, max(0, round(score)))],
        vocabulary_size=len(words),
        rare_word_share=rare_share,
        errors_per_100_words=errors_per_100,
        mean_utterance_words=mean_length,
        bands=bands,
    )
