"""A language model as a scorer: the log-probability of each token of a text, by llama.cpp.

The deep grammar pass (`ailingva.grammar.deep`) asks it how likely a sentence is with and without
each candidate edit. The sentence (the "base") is evaluated once, keeping every token's logits;
a question about a variant of it is answered from those logits as far as the variant agrees
with the base, and the rest of all variants is evaluated in one llama.cpp batch, each variant a
sequence of its own that shares the base's prefix in the KV cache (nothing is evaluated twice).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ailingva.providers.local.loading import load_verified, model_spec

if TYPE_CHECKING:
    from llama_cpp._internals import LlamaModel

# llama.cpp's OpenMP threads spin while they wait; on a machine whose cores are busy with other
# work the spinning costs ten times the work itself (measured: 8 s instead of 0.8 s for one
# sentence). Read when llama.cpp's library loads, so before the first `import llama_cpp`.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# What the model reads before the text: it then expects a sentence, not code.
PREAMBLE = "An English sentence:\n"
# The KV cache holds the base and every variant's own tokens (the shared prefix once).
CONTEXT_TOKENS = 1024
BATCH_TOKENS = 512
SEQUENCES = 64  # the base and up to 63 variants in one batch
MAX_BASE_TOKENS = 400  # a longer text is scored on its first 400 tokens
# Rows of logits normalised at once (a row is the vocabulary: 151 936 floats for Qwen2.5).
NORM_ROWS = 32
# The model the deep pass scores with by default (measured against the 1.5B in the README).
DEFAULT_MODEL = "qwen2.5-coder-0.5b"

TokenScore = tuple[int, int, float]


class LlamaScorer:
    """The deep pass's LanguageScorer. One context: calls are serialised."""

    def __init__(self, model: str, models_dir: Path, *, n_threads: int = 2) -> None:
        self.name = f"local:{model}"
        self._spec = model_spec(model, "llm", provider=self.name)
        self._models_dir = models_dir
        self._n_threads = n_threads
        self._lock = threading.Lock()

    def token_logprobs(self, text: str, start: int, end: int) -> list[TokenScore]:
        [scores] = self.variant_logprobs(text, [(text, start, end)])
        return scores

    def variant_logprobs(
        self, base: str, variants: Sequence[tuple[str, int, int]]
    ) -> list[list[TokenScore]]:
        """For each (text, start, end): the log-probability of each token of `text` overlapping
        `text[start:end]`, given everything before it. Cheapest when the texts are variants of
        `base` (edits of it): what they share with it is not evaluated again."""
        engine = self._engine()
        with self._lock:
            return engine.variants(base, variants)

    def next_logprobs(self, text: str, position: int, words: Sequence[str]) -> list[float]:
        """The log-probability of the first token of each of `words` written at `position` (the
        start of a word) after `text[:position]`: free after `token_logprobs` of `text`."""
        lead = text[:position].rstrip(" ")
        space = " " if lead else ""
        asks = [(lead + space + w, len(lead), len(lead) + len(space) + 1) for w in words]
        scored = self.variant_logprobs(text, asks)
        return [s[0][2] if s else 0.0 for s in scored]

    def warm_up(self) -> None:
        self._engine()

    def _engine(self) -> _Engine:
        return load_verified(
            self._spec, self._models_dir, self._load, "scorer", self._n_threads, provider=self.name
        )

    def _load(self) -> _Engine:
        engine = _Engine(str(self._spec.main_file(self._models_dir)), self._n_threads)
        atexit.register(engine.close)
        return engine


@dataclass
class _Base:
    text: str
    ids: list[int]  # the preamble's tokens, then the text's
    logits: np.ndarray  # row r predicts ids[r + 1] (rows from the preamble's last token on)
    norms: np.ndarray  # each row's log-sum-exp
    first: int  # the index of the text's first token in `ids`


class _Engine:
    """One llama.cpp context with a multi-sequence KV cache (sequence 0 is the base)."""

    def __init__(self, path: str, n_threads: int) -> None:
        import llama_cpp
        from llama_cpp import _internals
        from llama_cpp._logger import set_verbose

        set_verbose(False)
        self._ll = llama_cpp
        self.model = _internals.LlamaModel(
            path_model=path, params=llama_cpp.llama_model_default_params(), verbose=False
        )
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = CONTEXT_TOKENS
        params.n_batch = params.n_ubatch = BATCH_TOKENS
        params.n_seq_max = SEQUENCES
        params.kv_unified = True
        params.n_threads = params.n_threads_batch = n_threads
        self.ctx = _internals.LlamaContext(model=self.model, params=params, verbose=False)
        self.batch = llama_cpp.llama_batch_init(BATCH_TOKENS, 0, 1)
        self.n_vocab = self.model.n_vocab()
        self.preamble = self.tokenize(PREAMBLE, bos=True)
        self.base: _Base | None = None

    def close(self) -> None:
        if self.batch is not None:
            self._ll.llama_batch_free(self.batch)
            self.batch = None
        self.model.close()  # type: ignore[no-untyped-call]  # closes the context first

    def tokenize(self, text: str, *, bos: bool = False) -> list[int]:
        return list(self.model.tokenize(text.encode(), bos, False))

    def variants(
        self, base: str, variants: Sequence[tuple[str, int, int]]
    ) -> list[list[TokenScore]]:
        b = self._set_base(base)
        asks = []
        for text, start, end in variants:
            body = self.tokenize(text)[:MAX_BASE_TOKENS]
            spans = _char_spans(self.model, text, body)
            wanted = [b.first + i for i, (s, e) in enumerate(spans) if e > start and s < end]
            asks.append((b.ids[: b.first] + body, wanted, spans))
        lps = self._logprobs(b, [(ids, wanted) for ids, wanted, _ in asks])
        return [
            [(*spans[i - b.first], lp) for i, lp in zip(wanted, row, strict=True)]
            for (_, wanted, spans), row in zip(asks, lps, strict=True)
        ]

    def _set_base(self, text: str) -> _Base:
        if self.base is not None and self.base.text == text:
            return self.base
        mem = self.ctx.memory
        self._ll.llama_memory_clear(mem, True)
        ids = self.preamble + self.tokenize(text)[:MAX_BASE_TOKENS]
        first = len(self.preamble)
        rows: list[np.ndarray] = []
        for at in range(0, len(ids), BATCH_TOKENS):
            chunk = ids[at : at + BATCH_TOKENS]
            outputs = [i >= first - 1 for i in range(at, at + len(chunk))]
            self._decode(
                [(0, at + j, t, o) for j, (t, o) in enumerate(zip(chunk, outputs, strict=True))]
            )
            rows.append(self._outputs(sum(outputs)))
        logits = np.concatenate(rows) if rows else np.zeros((0, self.n_vocab), np.float32)
        self.base = _Base(text, ids, logits, _norms(logits), first)
        return self.base

    def _logprobs(self, b: _Base, asks: list[tuple[list[int], list[int]]]) -> list[list[float]]:
        """log p(ids[i]) for each wanted i of each (ids, wanted), from the base's rows where the
        ids agree with the base up to i, from batched evaluation of the rest."""
        out: list[list[float]] = [[0.0] * len(w) for _, w in asks]
        pending: list[tuple[int, int, list[int]]] = []  # (ask, shared prefix, tail)
        for a, (ids, wanted) in enumerate(asks):
            shared = _common_prefix(ids, b.ids)
            last = max(wanted, default=0)
            for n, i in enumerate(wanted):
                if i - 1 < shared:
                    row = i - 1 - (b.first - 1)
                    out[a][n] = float(b.logits[row, ids[i]] - b.norms[row])
            if last - 1 >= shared:
                pending.append((a, shared, ids[shared:last]))
        group: list[tuple[int, int, list[int]]] = []
        size = 0
        for item in pending:
            if group and (len(group) + 1 >= SEQUENCES or size + len(item[2]) > BATCH_TOKENS):
                self._evaluate(group, asks, out)
                group, size = [], 0
            group.append(item)
            size += len(item[2])
        if group:
            self._evaluate(group, asks, out)
        return out

    def _evaluate(
        self,
        group: list[tuple[int, int, list[int]]],
        asks: list[tuple[list[int], list[int]]],
        out: list[list[float]],
    ) -> None:
        """Evaluate each item's tail as sequence 1, 2, ... on top of the base's prefix."""
        mem = self.ctx.memory
        tokens: list[tuple[int, int, int, bool]] = []
        for seq, (_, shared, tail) in enumerate(group, 1):
            self._ll.llama_memory_seq_cp(mem, 0, seq, 0, shared)
            tokens.extend((seq, shared + j, t, True) for j, t in enumerate(tail))
        self._decode(tokens)
        logits = self._outputs(len(tokens))
        offset = 0
        for seq, (a, shared, tail) in enumerate(group, 1):
            ids, wanted = asks[a]
            need = [(n, i) for n, i in enumerate(wanted) if i - 1 >= shared]
            rows = logits[[offset + i - 1 - shared for _, i in need]]
            norms = _norms(rows)
            for (n, i), row, norm in zip(need, rows, norms, strict=True):
                out[a][n] = float(row[ids[i]] - norm)
            offset += len(tail)
            self._ll.llama_memory_seq_rm(mem, seq, -1, -1)

    def _decode(self, tokens: Sequence[tuple[int, int, int, bool]]) -> None:
        """One llama_decode of (sequence, position, token, wants logits) tuples."""
        batch = self.batch
        batch.n_tokens = len(tokens)
        for j, (seq, pos, token, wants) in enumerate(tokens):
            batch.token[j] = token
            batch.pos[j] = pos
            batch.n_seq_id[j] = 1
            batch.seq_id[j][0] = seq
            batch.logits[j] = wants
        code = self._ll.llama_decode(self.ctx.ctx, batch)
        if code != 0:
            raise RuntimeError(f"llama_decode returned {code}")

    def _outputs(self, n: int) -> np.ndarray:
        """A copy of the last decode's `n` rows of logits."""
        if n == 0:
            return np.zeros((0, self.n_vocab), np.float32)
        ptr: Any = self._ll.llama_get_logits(self.ctx.ctx)
        return np.ctypeslib.as_array(ptr, shape=(n, self.n_vocab)).copy()


def _norms(rows: np.ndarray) -> np.ndarray:
    """The log-sum-exp of each row (in slices: a row is the whole vocabulary)."""
    out = np.empty(len(rows), dtype=np.float64)
    for at in range(0, len(rows), NORM_ROWS):
        part = rows[at : at + NORM_ROWS]
        top = part.max(axis=1, keepdims=True)
        out[at : at + NORM_ROWS] = top[:, 0] + np.log(np.exp(part - top).sum(axis=1))
    return out


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _char_spans(model: LlamaModel, text: str, ids: list[int]) -> list[tuple[int, int]]:
    """Each token's (start, end) in `text`, in characters (tokens may split a UTF-8 character:
    such a token ends where the character ends)."""
    data = text.encode()
    result = []
    offset = prev = 0  # bytes, characters
    for token in ids:
        offset += len(model.detokenize([token]))
        chars = len(data[:offset].decode(errors="ignore"))
        result.append((prev, chars))
        prev = chars
    return result
