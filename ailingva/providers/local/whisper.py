"""Offline speech-to-text with faster-whisper (CTranslate2, int8 on the CPU).

Whisper reads audio in 30-second windows; a spoken turn of 3 seconds padded to 30 spends most of
its time encoding silence (the encoder costs about 385 ms for 30 s with Whisper base on two
cores, 50 ms for 10 s). A short utterance whose language is known is therefore decoded in a
window of its own length plus a margin, at least MIN_WINDOW_SECONDS: shorter windows make the
decoder repeat itself. An answer that still looks like a loop is decoded again the usual way.
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

import numpy as np

from ailingva.providers.audio import FloatAudio, to_float16k
from ailingva.providers.base import (
    STT_SAMPLE_RATE,
    AudioInput,
    Capabilities,
    Segment,
    SpeechToTextEngine,
    Transcript,
    Word,
)
from ailingva.providers.local.loading import load_verified, model_spec

MIN_WINDOW_SECONDS = 10.0
WINDOW_MARGIN_SECONDS = 1.0
FULL_WINDOW_SECONDS = 30.0
# A decoding that repeats a run of this many words may be a loop: it is decoded again the usual
# way (a learner who repeats themselves only costs that time).
LOOP_WORDS = 4
# As faster-whisper judges a decoding: a likely "no speech" with unsure tokens is silence.
NO_SPEECH_THRESHOLD = 0.6
LOG_PROB_THRESHOLD = -1.0
# Speech rarely exceeds 4 tokens a second; the cap stops a loop early.
TOKENS_PER_SECOND_CAP = 8
# Whisper writes what a fluent speaker would have meant ("I goed" -> "I go"). Decoding after a
# "previous text" in learner English, mistakes and all, was meant to make it keep more of what
# the learner said. bench/stt_errors.py compares it (none of these sentences is in that bench):
# with Whisper base it keeps 0.632 of the errors against 0.626 without, within the noise, and
# Whisper tiny.en loops after it on some sentences (decoded again in a full window: slower).
# So it is off by default (`prompt=None`); the bench keeps measuring it.
LEARNER_PROMPT = (
    "Yesterday I goed to shop and buyed two apple. My friend have three sister, she don't like"
    " a coffee. I am agree, it depend of weather."
)


class WhisperSTT(SpeechToTextEngine):
    def __init__(
        self,
        model: str,
        models_dir: Path,
        *,
        cpu_threads: int = 2,
        word_timestamps: bool = False,
        prompt: str | None = None,
    ) -> None:
        self.name = f"local:{model}"
        self._spec = model_spec(model, "stt", provider=self.name)
        self._models_dir = models_dir
        self._cpu_threads = cpu_threads
        self._word_timestamps = word_timestamps
        self._prompt = prompt
        self.capabilities = Capabilities(
            streaming=False,
            languages=frozenset(self._spec.languages),
            word_timestamps=word_timestamps,
            local=True,
        )

    async def _recognize(self, audio: AudioInput, language: str | None) -> Transcript:
        return await asyncio.to_thread(self._transcribe, audio, language)

    async def warm_up(self) -> None:
        await asyncio.to_thread(self._model)

    def _model(self) -> Any:
        return load_verified(
            self._spec, self._models_dir, self._load, self._cpu_threads, provider=self.name
        )

    def _load(self) -> Any:
        from faster_whisper import WhisperModel  # type: ignore[import-untyped]

        return WhisperModel(
            str(self._spec.directory(self._models_dir)),
            device="cpu",
            compute_type="int8",
            cpu_threads=self._cpu_threads,
        )

    def _only_language(self) -> str | None:
        return next(iter(self._spec.languages)) if len(self._spec.languages) == 1 else None

    def _transcribe(self, audio: AudioInput, language: str | None) -> Transcript:
        """The blocking transcription (in a worker thread)."""
        samples: FloatAudio = to_float16k(audio, provider=self.name)
        model = self._model()
        language = language or self._only_language()
        seconds = len(samples) / STT_SAMPLE_RATE
        if language and not self._word_timestamps and seconds + WINDOW_MARGIN_SECONDS < 30:
            short = _transcribe_short(model, samples, language, self._prompt)
            if short is not None:
                return short
        segments, info = model.transcribe(
            samples,
            language=language,
            beam_size=1,
            vad_filter=True,
            word_timestamps=self._word_timestamps,
            initial_prompt=self._prompt,
        )
        found = tuple(
            Segment(
                text=s.text.strip(),
                start=s.start,
                end=s.end,
                words=tuple(
                    Word(w.word.strip(), w.start, w.end, w.probability) for w in s.words or ()
                ),
                avg_logprob=s.avg_logprob,
                no_speech_prob=s.no_speech_prob,
            )
            for s in segments  # a lazy generator: decoding happens while iterating
        )
        text = " ".join(s.text for s in found if s.text)
        return Transcript(text=text, language=info.language, segments=found)


def _transcribe_short(
    model: Any, samples: FloatAudio, language: str, previous: str | None
) -> Transcript | None:
    """One utterance (under 30 s) decoded in a window fitted to it; None when the decoding looks
    like a loop, for the caller to decode it the usual way."""
    from faster_whisper.tokenizer import Tokenizer  # type: ignore[import-untyped]
    from faster_whisper.transcribe import (  # type: ignore[import-untyped]
        get_ctranslate2_storage,
        get_suppressed_tokens,
    )

    seconds = len(samples) / STT_SAMPLE_RATE
    window = min(FULL_WINDOW_SECONDS, max(MIN_WINDOW_SECONDS, seconds + WINDOW_MARGIN_SECONDS))
    padded = np.zeros(int(window * STT_SAMPLE_RATE), dtype=np.float32)
    padded[: len(samples)] = samples
    frames = int(window * STT_SAMPLE_RATE) // model.feature_extractor.hop_length
    features = model.feature_extractor(padded)[:, :frames]
    tokenizer = Tokenizer(
        model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language
    )
    context = [tokenizer.sot_prev, *tokenizer.encode(f" {previous.strip()}")] if previous else []
    prompt = [*context, *tokenizer.sot_sequence, tokenizer.no_timestamps]
    cap = len(prompt) + math.ceil(10 + seconds * TOKENS_PER_SECOND_CAP)
    result = model.model.generate(
        get_ctranslate2_storage(features[np.newaxis]),
        [prompt],
        beam_size=1,
        max_length=cap,
        suppress_blank=True,
        suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
        return_scores=True,
        return_logits_vocab=True,
        return_no_speech_prob=True,
    )[0]
    tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
    text = tokenizer.decode(tokens).strip()
    if result.no_speech_prob > NO_SPEECH_THRESHOLD and result.scores[0] < LOG_PROB_THRESHOLD:
        text = ""
    elif len(tokens) + len(prompt) >= cap or _repeats_itself(text):
        return None
    end = round(seconds, 2)
    # The score is the decoding's log-probability per token (generate() normalises by length).
    segments = (
        (
            Segment(
                text=text,
                start=0.0,
                end=end,
                words=tuple(
                    Word(word, 0.0, end, probability)
                    for word, probability in _word_probabilities(
                        tokenizer, tokens, result.logits[0]
                    )
                ),
                avg_logprob=result.scores[0],
                no_speech_prob=result.no_speech_prob,
            ),
        )
        if text
        else ()
    )
    return Transcript(text=text, language=language, segments=segments)


def _word_probabilities(
    tokenizer: Any, tokens: list[int], logits: list[Any]
) -> list[tuple[str, float]]:
    """Each decoded word with its probability (the mean of its tokens', as faster-whisper's word
    timestamps give it): a greedy decoding's step `i` scored `tokens[i]` among all tokens. The
    words span the whole utterance (this decoding has no word timestamps)."""
    words: list[tuple[str, list[float]]] = []
    for token, step in zip(tokens, logits, strict=False):
        scores = np.asarray(step, dtype=np.float64).reshape(-1)
        top = scores.max()
        probability = float(np.exp(scores[token] - top) / np.exp(scores - top).sum())
        piece = tokenizer.decode([token])
        if piece.startswith(" ") or not words:
            words.append((piece.strip(), [probability]))
        else:
            words[-1] = (words[-1][0] + piece, [*words[-1][1], probability])
    return [(word, sum(p) / len(p)) for word, p in words if word]


def _repeats_itself(text: str) -> bool:
    words = [w.strip(".,!?;:\"'").lower() for w in text.split()]
    runs = [tuple(words[i : i + LOOP_WORDS]) for i in range(len(words) - LOOP_WORDS + 1)]
    return len(set(runs)) < len(runs)
