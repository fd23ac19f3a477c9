"""How the deep pass asks a language model about a sentence: the log-probability of its tokens.

The grammar engine and the providers are on the same layer and never import each other, so the
deep pass is handed an object with this shape (the brain and the bench pass the llama.cpp one,
`ailingva.providers.local.scorer.LlamaScorer`; tests pass a fake).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

# (start, end, log-probability) of one model token, as character offsets into the text.
TokenScore = tuple[int, int, float]


class LanguageScorer(Protocol):
    def token_logprobs(self, text: str, start: int, end: int) -> list[TokenScore]:
        """The log-probability of each token of `text` that overlaps `text[start:end]`, given
        everything before it. Calls that share a prefix with the previous call may reuse it."""
        ...

    def variant_logprobs(
        self, base: str, variants: Sequence[tuple[str, int, int]]
    ) -> list[list[TokenScore]]:
        """`token_logprobs` of each (text, start, end), the texts being edits of `base`: what they
        share with it is not evaluated again, the rest of all of them in one batch."""
        ...

    def next_logprobs(self, text: str, position: int, words: Sequence[str]) -> list[float]:
        """The log-probability of the first token of each of `words` written at `position` (the
        start of a word) after `text[:position]`: cheap after `token_logprobs` of `text`."""
        ...


def window_end(text: str, end: int, words: int) -> int:
    """The offset after the `words`-th word that follows `end` (or the end of the text)."""
    pos, seen = end, 0
    n = len(text)
    while pos < n and seen < words:
        while pos < n and text[pos] == " ":
            pos += 1
        while pos < n and text[pos] != " ":
            pos += 1
        seen += 1
    return pos


def total(scores: list[TokenScore], after: int = -1) -> float:
    """The sum of the log-probabilities of the tokens that end after `after`."""
    return sum(lp for _, end, lp in scores if end > after)
