"""A language model as a scorer: the log-probability of each token of a text, by llama.cpp.

The deep grammar pass (`ailingva.grammar.deep`) asks it how likely a sentence is with and without
a candidate edit. Candidates of one sentence share the text up to the edit, so the evaluated
tokens stay in the context and the next call evaluates only from the first token that differs.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ailingva.providers.local.loading import load_verified, model_spec

if TYPE_CHECKING:
    from llama_cpp import Llama

# llama.cpp's OpenMP threads spin while they wait; on a machine whose cores are busy with other
# work the spinning costs ten times the work itself (measured: 8 s instead of 0.8 s for one
# sentence). Read when llama.cpp's library loads, so before the first `import llama_cpp`.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# What the model reads before the text: it then expects a sentence, not code.
PREAMBLE = "An English sentence:\n"
CONTEXT_TOKENS = 512
# The model the deep pass scores with by default (measured against the 1.5B in the README).
DEFAULT_MODEL = "qwen2.5-coder-0.5b"


class LlamaScorer:
    """`token_logprobs` (the deep pass's LanguageScorer). One context: calls are serialised."""

    def __init__(self, model: str, models_dir: Path, *, n_threads: int = 2) -> None:
        self.name = f"local:{model}"
        self._spec = model_spec(model, "llm", provider=self.name)
        self._models_dir = models_dir
        self._n_threads = n_threads
        self._lock = threading.Lock()

    def token_logprobs(self, text: str, start: int, end: int) -> list[tuple[int, int, float]]:
        llama = self._model()
        with self._lock:
            return _token_logprobs(llama, text, start, end)

    def next_logprobs(self, text: str, position: int, words: Sequence[str]) -> list[float]:
        llama = self._model()
        with self._lock:
            return _next_logprobs(llama, text, position, words)

    def warm_up(self) -> None:
        self._model()

    def _model(self) -> Llama:
        return load_verified(
            self._spec, self._models_dir, self._load, "scorer", self._n_threads, provider=self.name
        )

    def _load(self) -> Llama:
        from llama_cpp import Llama

        llama = Llama(
            model_path=str(self._spec.main_file(self._models_dir)),
            n_ctx=CONTEXT_TOKENS,
            n_threads=self._n_threads,
            n_batch=CONTEXT_TOKENS,
            logits_all=True,
            verbose=False,
        )
        atexit.register(llama.close)
        return llama


def _token_logprobs(llama: Llama, text: str, start: int, end: int) -> list[tuple[int, int, float]]:
    body = llama.tokenize(text.encode(), add_bos=False, special=False)
    spans = _char_spans(llama, text, body)
    wanted = [i for i, (s, e) in enumerate(spans) if e > start and s < end]
    first = _evaluate(llama, body, wanted[-1] if wanted else -1)
    if first is None or not wanted:
        return []
    out = []
    for i in wanted:
        if first + i >= CONTEXT_TOKENS:
            break
        s, e = spans[i]
        out.append((s, e, _logprob(llama, first + i - 1, body[i])))
    return out


def _next_logprobs(llama: Llama, text: str, position: int, words: Sequence[str]) -> list[float]:
    body = llama.tokenize(text[:position].rstrip(" ").encode(), add_bos=False, special=False)
    first = _evaluate(llama, body, len(body))
    if first is None:
        return [0.0 for _ in words]
    row = first + len(body) - 1
    lead = " " if position > 0 else ""
    logits = np.asarray(llama.scores[row], dtype=np.float64)
    top = float(logits.max())
    norm = top + float(np.log(np.exp(logits - top).sum()))
    out = []
    for word in words:
        ids = llama.tokenize((lead + word).encode(), add_bos=False, special=False)
        out.append(float(logits[ids[0]]) - norm if ids else 0.0)
    return out


def _evaluate(llama: Llama, body: list[int], last: int) -> int | None:
    """Make the context hold the preamble and `body[:last]` (so that the logits predicting
    `body[last]` are in `llama.scores`); the index of the body's first token, or None when the
    text does not fit."""
    preamble = llama.tokenize(PREAMBLE.encode(), add_bos=True, special=False)
    ids = preamble + body[: max(last, 0)]
    if len(ids) >= CONTEXT_TOKENS:
        ids = ids[: CONTEXT_TOKENS - 1]
    # Reuse what the context holds: the longest common prefix of its tokens and these.
    keep = 0
    for a, b in zip(llama.input_ids[: llama.n_tokens].tolist(), ids, strict=False):
        if a != b:
            break
        keep += 1
    llama.n_tokens = keep
    if keep < len(ids):
        llama.eval(ids[keep:])
    return len(preamble)


def _logprob(llama: Llama, row: int, token: int) -> float:
    """log p(token) from the logits in `llama.scores[row]`."""
    logits = np.asarray(llama.scores[row], dtype=np.float64)
    top = float(logits.max())
    return float(logits[token] - top - np.log(np.exp(logits - top).sum()))


def _char_spans(llama: Llama, text: str, ids: list[int]) -> list[tuple[int, int]]:
    """Each token's (start, end) in `text`, in characters (tokens may split a UTF-8 character:
    such a token ends where the character ends)."""
    spans = []
    offset = 0  # in bytes
    data = text.encode()
    for token in ids:
        offset += len(llama.detokenize([token]))
        spans.append(offset)
    result = []
    prev = 0
    for end in spans:
        chars = len(data[:end].decode(errors="ignore"))
        result.append((prev, chars))
        prev = chars
    return result
