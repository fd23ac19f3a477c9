"""English bigram counts shipped inside two packages, as a feature of a candidate edit.

`wordsegment==1.3.1` (Apache-2.0, about 286 000 pairs from a web corpus) and `symspellpy==6.10.1`
(MIT, about 243 000 pairs): a learner's pair ("am agree", "depends of") is mostly absent where the
correct one is frequent. The lists are truncated and have no apostrophes, so a count of 0 is a
hint, never a verdict.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources


@cache
def _tables() -> tuple[dict[str, float], dict[str, float]]:
    import wordsegment

    wordsegment.load()
    segment = dict(wordsegment.BIGRAMS)
    spell: dict[str, float] = {}
    path = resources.files("symspellpy") / "frequency_bigramdictionary_en_243_342.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3:
            spell[f"{parts[0]} {parts[1]}"] = float(parts[2])
    return segment, spell


def log_count(first: str, second: str) -> float:
    """log10(1 + count) of the pair in the larger of the two tables (0.0 when unknown)."""
    if not first or not second:
        return 0.0
    key = f"{first.lower()} {second.lower()}"
    segment, spell = _tables()
    return math.log10(1.0 + max(segment.get(key, 0.0), spell.get(key, 0.0)))
