"""Any OpenAI-compatible endpoint (OpenAI, llama.cpp server, vLLM, Ollama) via the `openai` SDK."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator, Sequence
from contextlib import contextmanager
from typing import cast

import numpy as np
import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageParam

from ailingva.providers.audio import container_of, pcm_chunks, to_float16k, wav_bytes
from ailingva.providers.base import (
    AudioChunk,
    AudioInput,
    Capabilities,
    ChatMessage,
    JsonSchema,
    LanguageModel,
    LanguageModelEngine,
    ProviderError,
    ProviderErrorCode,
    SpeechToText,
    SpeechToTextEngine,
    TextToSpeech,
    TextToSpeechEngine,
    Transcript,
    Voice,
)
from ailingva.providers.remote import error_for_status, transport_errors
from ailingva.providers.settings import ProviderSettings

OPENAI_VOICES = ("alloy", "echo", "fable", "onyx", "nova", "shimmer")
PCM_SAMPLE_RATE = 24_000  # what `/audio/speech` returns for response_format="pcm"
_PCM_CHUNK_BYTES = 4_800  # 100 ms at 24 kHz
MAX_STOP_SEQUENCES = 4
_HINTS = {401: " (check OPENAI_API_KEY)", 404: " (this server does not offer it)"}


def make_client(settings: ProviderSettings) -> AsyncOpenAI:
    key = settings.openai_api_key
    return AsyncOpenAI(
        # Self-hosted servers take any key, and the SDK refuses to start without one.
        api_key=key.get_secret_value() if key else "not-set",
        base_url=settings.openai_base_url,
        timeout=settings.openai_timeout_seconds,
        # No hidden retries with back-off: a voice turn cannot wait; the fallback provider is the
        # recovery path.
        max_retries=0,
    )


@contextmanager
def _errors(provider: str, action: str) -> Iterator[None]:
    """Turn the SDK's exceptions into ProviderErrors."""
    with transport_errors(
        action,
        provider=provider,
        timeout=openai.APITimeoutError,
        unreachable=openai.APIConnectionError,
    ):
        try:
            yield
        except openai.APIStatusError as exc:
            hint = _HINTS.get(exc.status_code, "")
            raise error_for_status(
                exc.status_code,
                f"{action}: HTTP {exc.status_code}{hint}: {exc.message}",
                provider=provider,
            ) from exc


class _OpenAIProvider:
    """One SDK client per provider object, closed with it."""

    def __init__(self, client: AsyncOpenAI, model: str) -> None:
        self.name = f"openai:{model}"
        self._client = client
        self._model = model

    async def aclose(self) -> None:
        await self._client.close()


class OpenAISTT(_OpenAIProvider, SpeechToTextEngine):
    capabilities = Capabilities(streaming=False)

    async def _recognize(self, audio: AudioInput, language: str | None) -> Transcript:
        container = None if isinstance(audio, np.ndarray) else container_of(audio)
        if isinstance(audio, bytes) and container is not None:
            upload = (f"audio.{container}", audio)
        else:  # samples, or a container the server would not recognise: send WAV
            samples = await asyncio.to_thread(to_float16k, audio, provider=self.name)
            upload = ("audio.wav", wav_bytes(samples))
        with _errors(self.name, "POST /audio/transcriptions"):
            result = await self._client.audio.transcriptions.create(
                file=upload,
                model=self._model,
                response_format="json",
                language=language if language is not None else openai.omit,
            )
        return Transcript(text=result.text.strip(), language=language)


class OpenAILLM(_OpenAIProvider, LanguageModelEngine):
    capabilities = Capabilities(streaming=True)

    async def _generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        temperature: float,
        stop: tuple[str, ...],
    ) -> AsyncGenerator[str, None]:
        finish_reason = None
        with _errors(self.name, "POST /chat/completions"):
            stream = await self._client.chat.completions.create(
                model=self._model,
                messages=[
                    cast("ChatCompletionMessageParam", {"role": m.role, "content": m.content})
                    for m in messages
                ],
                max_tokens=max_tokens,
                temperature=temperature,
                # OpenAI takes at most four; the caller lists the likeliest first.
                stop=list(stop[:MAX_STOP_SEQUENCES]) if stop else openai.omit,
                stream=True,
            )
            async with stream:
                async for chunk in stream:
                    if not chunk.choices:
                        continue
                    choice = chunk.choices[0]
                    finish_reason = choice.finish_reason or finish_reason
                    if choice.delta.content:
                        yield choice.delta.content
        if finish_reason is None:
            # A server can drop a stream without an error (llama.cpp server does so when a
            # second request interrupts the first): a cut reply must not pass as a whole one.
            raise ProviderError(
                ProviderErrorCode.UNAVAILABLE,
                "the stream ended without a finish reason",
                provider=self.name,
                retryable=True,
            )

    async def _generate_json(
        self, messages: Sequence[ChatMessage], schema: JsonSchema, *, max_tokens: int
    ) -> str:
        """Structured output: the server decodes to fit `schema` (OpenAI's `json_schema`
        response format; vLLM and llama.cpp's own server read it as a grammar)."""
        with _errors(self.name, "POST /chat/completions"):
            reply = await self._client.chat.completions.create(
                model=self._model,
                messages=[
                    cast("ChatCompletionMessageParam", {"role": m.role, "content": m.content})
                    for m in messages
                ],
                max_tokens=max_tokens,
                temperature=0.0,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "schema": dict(schema), "strict": False},
                },
            )
        if not reply.choices:
            raise ProviderError(
                ProviderErrorCode.BAD_OUTPUT, "the reply has no choices", provider=self.name
            )
        return reply.choices[0].message.content or ""


class OpenAITTS(_OpenAIProvider, TextToSpeechEngine):
    def __init__(self, client: AsyncOpenAI, model: str, default_voice: str) -> None:
        super().__init__(client, model)
        # Each voice speaks both of the tutor's languages; the configured one comes first, as
        # the default.
        names = (default_voice, *(v for v in OPENAI_VOICES if v != default_voice))
        self.capabilities = Capabilities.speaking(
            tuple(Voice(name, ("en", "ru")) for name in names), streaming=True
        )

    async def _synthesize(
        self, text: str, *, voice: str, language: str
    ) -> AsyncGenerator[AudioChunk, None]:
        with _errors(self.name, "POST /audio/speech"):
            async with self._client.audio.speech.with_streaming_response.create(
                model=self._model, voice=voice, input=text, response_format="pcm"
            ) as response:
                async for chunk in pcm_chunks(
                    response.iter_bytes(_PCM_CHUNK_BYTES), PCM_SAMPLE_RATE
                ):
                    yield chunk


def build_stt(settings: ProviderSettings) -> SpeechToText:
    return OpenAISTT(make_client(settings), settings.openai_stt_model)


def build_llm(settings: ProviderSettings) -> LanguageModel:
    return OpenAILLM(make_client(settings), settings.openai_llm_model)


def build_tts(settings: ProviderSettings) -> TextToSpeech:
    return OpenAITTS(make_client(settings), settings.openai_tts_model, settings.openai_tts_voice)
