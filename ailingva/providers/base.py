"""One interface per capability (speech-to-text, language model, text-to-speech).

Every engine, local or remote, implements one of the three abstract classes below and reports
its failures as `ProviderError` with a stable code, so callers (the voice session, the tutor)
can turn any failure into a clear event for the client and the registry can fall back.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt

# 16 kHz mono float32 samples in [-1, 1], or the bytes of an encoded file (WAV, webm, ogg, mp3…).
AudioInput = npt.NDArray[np.float32] | bytes
STT_SAMPLE_RATE = 16_000


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


def error_for_status(status: int, detail: str, *, provider: str) -> ProviderError:
    """Map an HTTP status of a remote provider to a ProviderError."""
    if status in (401, 403):
        return ProviderError(ProviderErrorCode.AUTH_FAILED, detail, provider=provider)
    if status == 404:
        return ProviderError(ProviderErrorCode.UNSUPPORTED, detail, provider=provider)
    if status == 429:
        return ProviderError(
            ProviderErrorCode.RATE_LIMITED, detail, provider=provider, retryable=True
        )
    if status == 408 or status >= 500:
        return ProviderError(
            ProviderErrorCode.UNAVAILABLE, detail, provider=provider, retryable=True
        )
    return ProviderError(ProviderErrorCode.BAD_INPUT, detail, provider=provider)


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


@dataclass(frozen=True)
class Segment:
    text: str
    start: float
    end: float
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str | None
    segments: tuple[Segment, ...] = ()


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


class SpeechToText(Provider):
    @abstractmethod
    async def transcribe(self, audio: AudioInput, language: str | None = None) -> Transcript:
        """Transcribe a whole utterance; `language` None lets the engine detect it."""


class LanguageModel(Provider):
    @abstractmethod
    def stream_chat(
        self, messages: Sequence[ChatMessage], *, max_tokens: int = 256, temperature: float = 0.7
    ) -> AsyncGenerator[str, None]:
        """Yield the reply as text deltas as soon as the engine produces them."""

    async def prefill(self, messages: Sequence[ChatMessage]) -> None:
        """Read `messages` ahead of time so that a later chat starting with them answers sooner
        (a local model keeps them in its cache); remote engines have nothing to do."""

    async def complete(
        self, messages: Sequence[ChatMessage], *, max_tokens: int = 256, temperature: float = 0.7
    ) -> str:
        parts = [
            delta
            async for delta in self.stream_chat(
                messages, max_tokens=max_tokens, temperature=temperature
            )
        ]
        return "".join(parts)


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
