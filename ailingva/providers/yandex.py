"""Yandex SpeechKit over its v1 REST API with an API key: `stt:recognize` and `tts:synthesize`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import AbstractContextManager

import httpx
import numpy as np

from ailingva.providers.audio import container_of, float_to_pcm16, pcm_chunks, to_float16k
from ailingva.providers.base import (
    STT_SAMPLE_RATE,
    AudioChunk,
    AudioInput,
    Capabilities,
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

LANGUAGE_CODES = {"en": "en-US", "ru": "ru-RU"}
VOICES = (
    Voice("alena", ("ru",)),
    Voice("filipp", ("ru",)),
    Voice("ermil", ("ru",)),
    Voice("jane", ("ru",)),
    Voice("madirus", ("ru",)),
    Voice("omazh", ("ru",)),
    Voice("zahar", ("ru",)),
    Voice("john", ("en",)),
)
TTS_SAMPLE_RATE = 48_000
MAX_STT_BYTES = 1024 * 1024  # synchronous recognition takes at most 1 MB (30 s)
MAX_TTS_CHARS = 5000


class _YandexProvider:
    """Holds the HTTP client and the API key; every request carries `Authorization: Api-Key`."""

    def __init__(self, settings: ProviderSettings, kind: str) -> None:
        self.name = f"yandex:{kind}"
        if settings.yandex_api_key is None:
            raise ProviderError(
                ProviderErrorCode.NOT_CONFIGURED, "YANDEX_API_KEY is not set", provider=self.name
            )
        self._settings = settings
        self._http = httpx.AsyncClient(
            timeout=settings.yandex_timeout_seconds,
            headers={"Authorization": f"Api-Key {settings.yandex_api_key.get_secret_value()}"},
        )

    def _params(self, language: str) -> dict[str, str]:
        params = {"lang": LANGUAGE_CODES.get(language, language)}
        if self._settings.yandex_folder_id:
            params["folderId"] = self._settings.yandex_folder_id
        return params

    def _errors(self, action: str) -> AbstractContextManager[None]:
        return transport_errors(
            action,
            provider=self.name,
            timeout=httpx.TimeoutException,
            unreachable=httpx.TransportError,
        )

    async def _check(self, response: httpx.Response, action: str) -> None:
        if response.status_code != 200:
            # SpeechKit explains itself in {"error_code": ..., "error_message": ...}.
            body = (await response.aread()).decode(errors="replace")[:500]
            raise error_for_status(
                response.status_code,
                f"{action}: HTTP {response.status_code}: {body}",
                provider=self.name,
            )

    async def aclose(self) -> None:
        await self._http.aclose()


class YandexSTT(_YandexProvider, SpeechToTextEngine):
    capabilities = Capabilities(streaming=False, languages=frozenset(LANGUAGE_CODES))

    def __init__(self, settings: ProviderSettings) -> None:
        super().__init__(settings, "stt")

    async def _recognize(self, audio: AudioInput, language: str | None) -> Transcript:
        # Learners speak English to the tutor: that is the language to expect when none is given.
        language = language or "en"
        params = self._params(language) | {
            "topic": "general",
            "profanityFilter": str(self._settings.yandex_profanity_filter).lower(),
        }
        if isinstance(audio, bytes) and container_of(audio) == "ogg":
            body, params["format"] = audio, "oggopus"
        else:
            samples = (
                audio
                if isinstance(audio, np.ndarray)
                else await asyncio.to_thread(to_float16k, audio, provider=self.name)
            )
            body = float_to_pcm16(samples)
            params |= {"format": "lpcm", "sampleRateHertz": str(STT_SAMPLE_RATE)}
        if len(body) > MAX_STT_BYTES:
            raise ProviderError(
                ProviderErrorCode.BAD_INPUT,
                "audio over 1 MB (about 30 s): too long for one request",
                provider=self.name,
            )
        action = "POST stt:recognize"
        with self._errors(action):
            response = await self._http.post(
                self._settings.yandex_stt_url, params=params, content=body
            )
        await self._check(response, action)
        try:
            text = str(response.json()["result"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError(
                ProviderErrorCode.UNAVAILABLE,
                f"{action}: unexpected answer {response.text[:200]!r}",
                provider=self.name,
                retryable=True,
            ) from exc
        return Transcript(text=text.strip(), language=language)


class YandexTTS(_YandexProvider, TextToSpeechEngine):
    def __init__(self, settings: ProviderSettings) -> None:
        super().__init__(settings, "tts")
        # The configured voices come first, as the defaults of their languages; they may name
        # a voice SpeechKit added after this list was written.
        configured = (
            Voice(settings.yandex_voice_ru, ("ru",)),
            Voice(settings.yandex_voice_en, ("en",)),
        )
        others = tuple(v for v in VOICES if v.name not in {c.name for c in configured})
        self.capabilities = Capabilities.speaking(configured + others, streaming=True)

    async def _synthesize(
        self, text: str, *, voice: str, language: str
    ) -> AsyncGenerator[AudioChunk, None]:
        if not text.strip() or len(text) > MAX_TTS_CHARS:
            raise ProviderError(
                ProviderErrorCode.BAD_INPUT,
                f"text must have 1 to {MAX_TTS_CHARS} characters",
                provider=self.name,
            )
        form = self._params(language) | {
            "text": text,
            "voice": voice,
            "format": "lpcm",
            "sampleRateHertz": str(TTS_SAMPLE_RATE),
        }
        action = "POST tts:synthesize"
        with self._errors(action):
            async with self._http.stream(
                "POST", self._settings.yandex_tts_url, data=form
            ) as response:
                await self._check(response, action)
                async for chunk in pcm_chunks(response.aiter_bytes(), TTS_SAMPLE_RATE):
                    yield chunk


def build_stt(settings: ProviderSettings) -> SpeechToText:
    return YandexSTT(settings)


def build_tts(settings: ProviderSettings) -> TextToSpeech:
    return YandexTTS(settings)
