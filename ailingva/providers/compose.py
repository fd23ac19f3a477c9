"""Providers made of providers: a primary with a fallback, and text-to-speech routed by language."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from contextlib import aclosing
from typing import Any, Generic, TypeVar

from ailingva.providers.base import (
    AnyProvider,
    AudioChunk,
    AudioInput,
    Capabilities,
    ChatMessage,
    JsonSchema,
    LanguageModel,
    ProviderError,
    ProviderErrorCode,
    SpeechToText,
    TextToSpeech,
    Transcript,
)

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Composite(Generic[AnyProvider]):
    def __init__(self, parts: Sequence[AnyProvider]) -> None:
        self._parts = tuple(parts)

    async def warm_up(self) -> None:
        for part in self._parts:
            await part.warm_up()

    async def aclose(self) -> None:
        for part in self._parts:
            await part.aclose()


class _Fallback(_Composite[AnyProvider]):
    """Asks the primary; when it fails, the fallback, and when both fail, says so for both.

    A stream falls back only while nothing was delivered: the listener cannot un-hear a half.
    """

    def __init__(self, primary: AnyProvider, fallback: AnyProvider) -> None:
        super().__init__((primary, fallback))
        self._primary = primary
        self._fallback = fallback
        self.name = f"{primary.name} (fallback {fallback.name})"
        self.capabilities = primary.capabilities

    async def _call(self, call: Callable[[AnyProvider], Awaitable[T]]) -> T:
        try:
            return await call(self._primary)
        except ProviderError as error:
            self._log(error)
            try:
                return await call(self._fallback)
            except ProviderError as second:
                raise self._both_failed(error, second) from second

    async def _stream(
        self, stream: Callable[[AnyProvider], AsyncGenerator[T, None]]
    ) -> AsyncGenerator[T, None]:
        first: ProviderError | None = None
        for provider in (self._primary, self._fallback):
            delivered = False
            try:
                # aclosing: a listener that leaves early (barge-in) stops the engine at once.
                async with aclosing(stream(provider)) as items:
                    async for item in items:
                        delivered = True
                        yield item
                return
            except ProviderError as error:
                if delivered:
                    raise
                if first is not None:
                    raise self._both_failed(first, error) from error
                self._log(error)
                first = error

    def _log(self, error: ProviderError) -> None:
        log.warning(
            "%s failed (%s: %s); asking %s",
            error.provider,
            error.code,
            error.message,
            self._fallback.name,
        )

    def _both_failed(self, first: ProviderError, second: ProviderError) -> ProviderError:
        return ProviderError(
            second.code,
            f"{first.provider} failed ({first.code}: {first.message}), and so did the fallback "
            f"{second.provider} ({second.code}: {second.message})",
            provider=self.name,
            retryable=first.retryable or second.retryable,
        )


class FallbackSTT(_Fallback[SpeechToText], SpeechToText):
    async def transcribe(self, audio: AudioInput, language: str | None = None) -> Transcript:
        return await self._call(lambda stt: stt.transcribe(audio, language))


class FallbackLLM(_Fallback[LanguageModel], LanguageModel):
    async def prefill(self, messages: Sequence[ChatMessage]) -> None:
        await self._primary.prefill(messages)

    async def complete_json(
        self, messages: Sequence[ChatMessage], schema: JsonSchema, *, max_tokens: int = 512
    ) -> Any:
        return await self._call(
            lambda llm: llm.complete_json(messages, schema, max_tokens=max_tokens)
        )

    def stream_chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 256,
        temperature: float = 0.7,
        stop: Sequence[str] = (),
    ) -> AsyncGenerator[str, None]:
        return self._stream(
            lambda llm: llm.stream_chat(
                messages, max_tokens=max_tokens, temperature=temperature, stop=stop
            )
        )


class FallbackTTS(_Fallback[TextToSpeech], TextToSpeech):
    def synthesize_stream(
        self, text: str, *, voice: str | None = None, language: str = "en"
    ) -> AsyncGenerator[AudioChunk, None]:
        return self._stream(lambda tts: tts.synthesize_stream(text, voice=voice, language=language))


class LanguageRoutedTTS(_Composite[TextToSpeech], TextToSpeech):
    """One engine per language, e.g. Piper for English and espeak-ng for Russian."""

    def __init__(self, engines: Mapping[str, TextToSpeech]) -> None:
        super().__init__(tuple(engines.values()))
        self._engines = dict(engines)
        self.name = " + ".join(engine.name for engine in self._parts)
        self.capabilities = Capabilities(
            streaming=all(engine.capabilities.streaming for engine in self._parts),
            languages=frozenset(engines),
            voices=tuple(voice for engine in self._parts for voice in engine.capabilities.voices),
            local=all(engine.capabilities.local for engine in self._parts),
        )

    async def synthesize_stream(
        self, text: str, *, voice: str | None = None, language: str = "en"
    ) -> AsyncGenerator[AudioChunk, None]:
        engine = self._engines.get(language)
        if engine is None:
            raise ProviderError(
                ProviderErrorCode.UNSUPPORTED, f"no voice for {language!r}", provider=self.name
            )
        async with aclosing(
            engine.synthesize_stream(text, voice=voice, language=language)
        ) as audio:
            async for chunk in audio:
                yield chunk
