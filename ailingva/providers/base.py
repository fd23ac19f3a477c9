"""One interface per capability (speech-to-text, language model, text-to-speech).

Callers (the voice session, the tutor) and the composites (fallback, language routing) see the
three interfaces. Every engine, local or remote, derives from one of the three engine classes:
its public method checks the request against the engine's capabilities and reports every failure
as a `ProviderError` with a stable code, so callers can turn any failure into a clear event for
the client and the registry can fall back; the engine implements one protected hook.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Iterator, Mapping, Sequence
from contextlib import aclosing, contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

# 16 kHz mono float32 samples in [-1, 1], or the bytes of an encoded file (WAV, webm, ogg, mp3…).
AudioInput = npt.NDArray[np.float32] | bytes
STT_SAMPLE_RATE = 16_000
# A JSON Schema (draft 2020-12, self-contained: no external references).
JsonSchema = Mapping[str, Any]


class ProviderErrorCode(StrEnum):
    NOT_CONFIGURED = "provider_not_configured"  # a key, URL or model name is missing
    MODEL_MISSING = "model_missing"  # the local model files are not pulled, or damaged
    UNSUPPORTED = "provider_unsupported"  # language, voice or route the provider lacks
    BAD_INPUT = "provider_bad_input"  # empty, undecodable or too long audio; rejected request
    AUTH_FAILED = "provider_auth_failed"
    RATE_LIMITED = "provider_rate_limited"
    UNAVAILABLE = "provider_unavailable"  # cannot connect, process died, upstream 5xx
    TIMEOUT = "provider_timeout"
    ENGINE_FAILED = "provider_engine_failed"  # an unexpected failure inside an engine
    BAD_OUTPUT = "provider_bad_output"  # the model's answer is not what was asked (not JSON)


class ProviderError(Exception):
    """A provider could not do its job; `retryable` says whether trying again may help."""

    def __init__(
        self, code: ProviderErrorCode, message: str, *, provider: str, retryable: bool = False
    ) -> None:
        super().__init__(f"[{provider}] {code}: {message}")
        self.code = code
        self.message = message
        self.provider = provider
        self.retryable = retryable


@dataclass(frozen=True)
class Voice:
    name: str
    languages: tuple[str, ...]  # ISO 639-1: "en", "ru"


@dataclass(frozen=True)
class Capabilities:
    streaming: bool  # partial results (tokens, audio chunks) arrive before the whole answer
    languages: frozenset[str] = frozenset()  # empty: any language the model knows
    voices: tuple[Voice, ...] = ()
    word_timestamps: bool = False
    # Runs on this machine: an extra call (a preview, a speculative start) costs CPU, not money.
    local: bool = False

    @classmethod
    def speaking(
        cls, voices: tuple[Voice, ...], *, streaming: bool, local: bool = False
    ) -> Capabilities:
        """A text-to-speech engine's: it speaks the languages of its voices."""
        languages = frozenset(language for voice in voices for language in voice.languages)
        return cls(streaming=streaming, languages=languages, voices=voices, local=local)

    def voice_for(self, voice: str | None, language: str, *, provider: str) -> str:
        """The voice to use: the one asked for if offered, else the first that speaks `language`."""
        if voice is not None:
            if any(v.name == voice for v in self.voices):
                return voice
            raise ProviderError(
                ProviderErrorCode.UNSUPPORTED, f"no voice {voice!r}", provider=provider
            )
        for candidate in self.voices:
            if language in candidate.languages:
                return candidate.name
        raise ProviderError(
            ProviderErrorCode.UNSUPPORTED, f"no voice for language {language!r}", provider=provider
        )

    def check_language(self, language: str | None, *, provider: str) -> None:
        if language is not None and self.languages and language not in self.languages:
            raise ProviderError(
                ProviderErrorCode.UNSUPPORTED,
                f"language {language!r} is not supported",
                provider=provider,
            )


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds from the start of the audio
    end: float
    probability: float | None = None


# Below these, speech-to-text was unsure of what it heard (Whisper's scale: a segment's mean
# token log-probability, a word's probability); above NO_SPEECH, it may have heard no speech.
UNSURE_SEGMENT_LOGPROB = -0.7
UNSURE_WORD_PROBABILITY = 0.6
UNSURE_NO_SPEECH = 0.5


@dataclass(frozen=True)
class Segment:
    text: str
    start: float
    end: float
    words: tuple[Word, ...] = ()
    # The engine's confidence, when it reports one.
    avg_logprob: float | None = None
    no_speech_prob: float | None = None

    @property
    def unsure(self) -> bool:
        return (self.avg_logprob is not None and self.avg_logprob < UNSURE_SEGMENT_LOGPROB) or (
            self.no_speech_prob is not None and self.no_speech_prob > UNSURE_NO_SPEECH
        )


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str | None
    segments: tuple[Segment, ...] = ()

    def uncertain_text(self) -> tuple[str, ...]:
        """What was heard without confidence: the whole text of an unsure segment, or the
        words whose probability is low (nothing when the engine reports no confidence)."""
        unsure: list[str] = []
        for segment in self.segments:
            if segment.unsure:
                unsure.append(segment.text)
            else:
                unsure += [
                    w.text
                    for w in segment.words
                    if w.probability is not None and w.probability < UNSURE_WORD_PROBABILITY
                ]
        return tuple(unsure)


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class AudioChunk:
    pcm: bytes  # signed 16-bit little-endian mono
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


class Provider(ABC):
    name: str  # shown in logs and errors, e.g. "openai:gpt-4o-mini"
    capabilities: Capabilities

    async def warm_up(self) -> None:  # noqa: B027 - remote engines have nothing to load
        """Load models or start processes now rather than on the first request."""

    async def aclose(self) -> None:  # noqa: B027 - most engines hold nothing to release
        """Release connections or processes."""


AnyProvider = TypeVar("AnyProvider", bound=Provider)


class SpeechToText(Provider):
    @abstractmethod
    async def transcribe(self, audio: AudioInput, language: str | None = None) -> Transcript:
        """Transcribe a whole utterance; `language` None lets the engine detect it."""


class LanguageModel(Provider):
    @abstractmethod
    def stream_chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 256,
        temperature: float = 0.7,
        stop: Sequence[str] = (),
    ) -> AsyncGenerator[str, None]:
        """Yield the reply as text deltas as soon as the engine produces them; the reply ends
        before any of the `stop` sequences (which is not part of it)."""

    async def prefill(self, messages: Sequence[ChatMessage]) -> None:
        """Read `messages` ahead of time so that a later chat starting with them answers sooner
        (a local model keeps them in its cache); remote engines have nothing to do."""

    async def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 256,
        temperature: float = 0.7,
        stop: Sequence[str] = (),
    ) -> str:
        parts = [
            delta
            async for delta in self.stream_chat(
                messages, max_tokens=max_tokens, temperature=temperature, stop=stop
            )
        ]
        return "".join(parts)

    async def complete_json(
        self, messages: Sequence[ChatMessage], schema: JsonSchema, *, max_tokens: int = 512
    ) -> Any:
        """The reply as a JSON value shaped by `schema`: decoding is constrained to it where the
        engine can, else the model is asked for it. Raises ProviderError (BAD_OUTPUT when the
        reply is not JSON); whether the value fits `schema` is the caller's to check."""
        text = await self.complete(
            schema_request(messages, schema), max_tokens=max_tokens, temperature=0.0
        )
        return parse_json(text, provider=self.name)


def schema_request(messages: Sequence[ChatMessage], schema: JsonSchema) -> list[ChatMessage]:
    """`messages` with the schema spelled out, for an engine that cannot be constrained."""
    ask = "Answer with one JSON object, nothing else, that fits this JSON Schema: "
    return [*messages, ChatMessage("system", ask + json.dumps(schema, ensure_ascii=False))]


def parse_json(text: str, *, provider: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ProviderError(
            ProviderErrorCode.BAD_OUTPUT, f"the reply is not JSON: {text[:80]!r}", provider=provider
        ) from exc


class TextToSpeech(Provider):
    @abstractmethod
    def synthesize_stream(
        self, text: str, *, voice: str | None = None, language: str = "en"
    ) -> AsyncGenerator[AudioChunk, None]:
        """Yield PCM chunks of one sample rate; `voice` None picks the language's default."""

    async def synthesize(
        self, text: str, *, voice: str | None = None, language: str = "en"
    ) -> AudioChunk:
        chunks = [c async for c in self.synthesize_stream(text, voice=voice, language=language)]
        if not chunks:
            raise ProviderError(
                ProviderErrorCode.ENGINE_FAILED, "no audio produced", provider=self.name
            )
        return AudioChunk(b"".join(c.pcm for c in chunks), chunks[0].sample_rate)


@contextmanager
def _engine_failures(provider: str) -> Iterator[None]:
    """A failure of a library inside an engine becomes a ProviderError like any other, so the
    fallback and the client's error event cover it too."""
    try:
        yield
    except ProviderError:
        raise
    except Exception as exc:
        raise ProviderError(ProviderErrorCode.ENGINE_FAILED, str(exc), provider=provider) from exc


class SpeechToTextEngine(SpeechToText):
    async def transcribe(self, audio: AudioInput, language: str | None = None) -> Transcript:
        self.capabilities.check_language(language, provider=self.name)
        with _engine_failures(self.name):
            return await self._recognize(audio, language)

    @abstractmethod
    async def _recognize(self, audio: AudioInput, language: str | None) -> Transcript:
        """The transcript of `audio`, in `language` (checked) or the one the engine detects."""


class LanguageModelEngine(LanguageModel):
    async def stream_chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 256,
        temperature: float = 0.7,
        stop: Sequence[str] = (),
    ) -> AsyncGenerator[str, None]:
        # aclosing: a listener that leaves early (barge-in) stops the engine at once, not at GC.
        with _engine_failures(self.name):
            async with aclosing(
                self._generate(
                    messages, max_tokens=max_tokens, temperature=temperature, stop=tuple(stop)
                )
            ) as deltas:
                async for delta in deltas:
                    yield delta

    async def complete_json(
        self, messages: Sequence[ChatMessage], schema: JsonSchema, *, max_tokens: int = 512
    ) -> Any:
        with _engine_failures(self.name):
            text = await self._generate_json(messages, schema, max_tokens=max_tokens)
        return parse_json(text, provider=self.name)

    @abstractmethod
    def _generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        temperature: float,
        stop: tuple[str, ...],
    ) -> AsyncGenerator[str, None]:
        """Yield the reply's text deltas, ending before any of the `stop` sequences."""

    async def _generate_json(
        self, messages: Sequence[ChatMessage], schema: JsonSchema, *, max_tokens: int
    ) -> str:
        """The reply's text, decoded to fit `schema` where the engine can (this default asks)."""
        return await self.complete(
            schema_request(messages, schema), max_tokens=max_tokens, temperature=0.0
        )


class TextToSpeechEngine(TextToSpeech):
    async def synthesize_stream(
        self, text: str, *, voice: str | None = None, language: str = "en"
    ) -> AsyncGenerator[AudioChunk, None]:
        self.capabilities.check_language(language, provider=self.name)
        chosen = self.capabilities.voice_for(voice, language, provider=self.name)
        with _engine_failures(self.name):
            async with aclosing(self._synthesize(text, voice=chosen, language=language)) as audio:
                async for chunk in audio:
                    yield chunk

    @abstractmethod
    def _synthesize(
        self, text: str, *, voice: str, language: str
    ) -> AsyncGenerator[AudioChunk, None]:
        """Yield the audio of `text` in `voice`, one of the engine's, speaking `language`."""
