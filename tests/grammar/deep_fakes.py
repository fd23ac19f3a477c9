"""A fake language scorer for the deep pass's unit tests: each word has a fixed cost."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ailingva.grammar.deep.classifier import Classifier
from ailingva.grammar.deep.features import FEATURE_NAMES

DEFAULT_COST = -3.0


class WordCostScorer:
    """log p of a word-token is `costs[word]` (or -3); tokens are ' word' with the space."""

    def __init__(self, costs: Mapping[str, float]) -> None:
        self.costs = costs
        self.calls = 0

    def _cost(self, word: str) -> float:
        return self.costs.get(word.strip(".,!?").lower(), DEFAULT_COST)

    def token_logprobs(self, text: str, start: int, end: int) -> list[tuple[int, int, float]]:
        self.calls += 1
        out, pos = [], 0
        for word in text.split(" "):
            s, e = pos, pos + len(word)
            pos = e + 1
            if e > start and s < end:
                out.append((max(0, s - 1), e, self._cost(word)))
        return out

    def variant_logprobs(
        self, base: str, variants: Sequence[tuple[str, int, int]]
    ) -> list[list[tuple[int, int, float]]]:
        return [self.token_logprobs(text, start, end) for text, start, end in variants]

    def next_logprobs(self, text: str, position: int, words: Sequence[str]) -> list[float]:
        return [self._cost(w) for w in words]


def trusting_classifier(*, min_delta: float = 1.5) -> Classifier:
    """Accepts whatever the model prefers by `min_delta` (probability about 0.99, higher for a
    larger lead over the site's other candidates)."""
    n = len(FEATURE_NAMES)
    weights = [1.0 if name == "margin" else 0.0 for name in FEATURE_NAMES]
    return Classifier(
        mean=[0.0] * n, scale=[1.0] * n, weights=weights, bias=4.6, threshold=0.9,
        min_delta=min_delta,
    )  # fmt: skip


# The words of "Yesterday I go to the park." that fit: only "go" is unlikely (-3).
PARK = {w: -0.9 for w in ("yesterday", "i", "to", "the", "park")}
