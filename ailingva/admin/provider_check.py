"""«Проверить»: one tiny real call through a capability's provider, timed.

Speech-to-text transcribes about a second of speech (spoken by the speech engine in force),
the language model completes one word, the speech engine says one word. The primary engine is
checked alone, without its fallback, so a failing provider is not hidden by the one behind it.
What fails is answered (not raised) with a stable code, a Russian message and the provider's
own words, from which every API key in the settings is blanked.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from pydantic import BaseModel, Field

from ailingva.core.security import mask_secret
from ailingva.providers.audio import chunk_to_wav, to_float16k
from ailingva.providers.base import (
    ChatMessage,
    LanguageModel,
    Provider,
    ProviderError,
    ProviderErrorCode,
    SpeechToText,
    TextToSpeech,
)
from ailingva.providers.registry import Capability, build_primary
from ailingva.providers.settings import KEY_URL_FIELDS, ProviderSettings

log = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 15.0
# A local model not loaded yet (one just chosen) loads first, outside the timed call: the
# latency shown is a turn's, not a start's.
LOAD_TIMEOUT_SECONDS = 90.0
SAMPLE_TEXT = "Hello, how are you today?"  # about a second of speech
SPOKEN_WORD = "Hello"
PROMPT = (
    ChatMessage("system", "You answer with exactly one English word."),
    ChatMessage("user", "Say hello."),
)
MAX_DETAIL_CHARS = 300

SAMPLE_FAILED = "check_sample_failed"
EMPTY_RESULT = "check_empty_result"

MESSAGES: dict[str, str] = {
    ProviderErrorCode.NOT_CONFIGURED: "Провайдер не настроен: не хватает ключа, адреса или модели.",
    ProviderErrorCode.MODEL_MISSING: (
        "Файлы локальной модели не скачаны или повреждены: выполните «ailingva models pull»."
    ),
    ProviderErrorCode.UNSUPPORTED: (
        "Сервис не поддерживает такой запрос: нет этой модели, голоса или адреса."
    ),
    ProviderErrorCode.BAD_INPUT: "Сервис отклонил запрос.",
    ProviderErrorCode.AUTH_FAILED: "Сервис не принял ключ: проверьте API-ключ.",
    ProviderErrorCode.RATE_LIMITED: "Сервис ограничил число запросов: попробуйте позже.",
    ProviderErrorCode.UNAVAILABLE: (
        "Сервис недоступен: не удалось подключиться, или он ответил ошибкой сервера."
    ),
    ProviderErrorCode.TIMEOUT: (
        f"Сервис не ответил вовремя: на запрос даётся {CHECK_TIMEOUT_SECONDS:.0f} с, "
        f"на загрузку локальной модели {LOAD_TIMEOUT_SECONDS:.0f} с."
    ),
    ProviderErrorCode.ENGINE_FAILED: "Сбой внутри движка.",
    SAMPLE_FAILED: (
        "Не удалось записать образец речи: синтез речи в работе не отвечает. "
        "Сначала проверьте синтез речи."
    ),
    EMPTY_RESULT: "Сервис ответил, но ответ пустой.",
}

MIN_KEY_CHARS = 8  # shorter is no key a server would take, and blanking it would blank words

# The setting that names each family's model for a capability (None: the family has one).
MODEL_FIELDS: dict[Capability, dict[str, str]] = {
    "stt": {"local": "local_stt_model", "openai": "openai_stt_model"},
    "llm": {"local": "local_llm_model", "openai": "openai_llm_model"},
    "tts": {"local": "local_tts_voice", "openai": "openai_tts_model"},
}


class CheckProblem(BaseModel):
    code: str = Field(description="A ProviderErrorCode, or check_sample_failed, check_empty_result")
    message: str = Field(description="Russian, for the admin")


class ProviderCheckResult(BaseModel):
    capability: Capability
    ok: bool
    provider: str = Field(description="The family checked: local, openai, yandex, fake")
    engine: str | None = Field(description="The engine's name, e.g. openai:gpt-4o-mini")
    model: str | None
    latency_ms: int | None = Field(description="The call alone, from request to last byte")
    detail: str = Field(description="What came back; on failure, the provider's own words")
    error: CheckProblem | None = None


class _Failed(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


async def check_provider(
    capability: Capability, settings: ProviderSettings, speech: TextToSpeech
) -> ProviderCheckResult:
    """Check `capability` as `settings` have it; `speech` (the engine in force) speaks the
    sample that speech-to-text is given."""
    family: str = getattr(settings, f"{capability}_provider")
    model_field = MODEL_FIELDS[capability].get(family)
    model = getattr(settings, model_field) if model_field else None
    engine: Provider | None = None
    latency_ms = None
    try:
        engine = build_primary(settings, capability)
        await _loaded(engine)
        latency_ms, detail = await _CALLS[capability](engine, speech)
        problem = None
    except ProviderError as exc:
        problem = CheckProblem(code=exc.code, message=MESSAGES[exc.code])
        detail = _blanked(exc.message, settings)
    except _Failed as failed:
        problem = CheckProblem(code=failed.code, message=MESSAGES[failed.code])
        detail = _blanked(failed.detail, settings)
    finally:
        # A remote engine holds its own connection pool; a local one shares its loaded model
        # (and Piper its process) with the engines in force, which must stay open.
        if engine is not None and not engine.capabilities.local:
            await engine.aclose()
    log.info(
        "provider check %s via %s: %s%s",
        capability,
        engine.name if engine is not None else family,
        problem.code if problem else "ok",
        f" in {latency_ms} ms" if latency_ms is not None else "",
    )
    return ProviderCheckResult(
        capability=capability,
        ok=problem is None,
        provider=family,
        engine=engine.name if engine is not None else None,
        model=model,
        latency_ms=latency_ms,
        detail=detail[:MAX_DETAIL_CHARS],
        error=problem,
    )


async def _loaded(engine: Provider) -> None:
    try:
        async with asyncio.timeout(LOAD_TIMEOUT_SECONDS):
            await engine.warm_up()
    except TimeoutError as exc:
        raise ProviderError(
            ProviderErrorCode.TIMEOUT,
            f"the model did not load in {LOAD_TIMEOUT_SECONDS:.0f} s",
            provider=engine.name,
        ) from exc
    except ProviderError:
        raise
    except Exception as exc:  # a model file the library cannot open, a process that will not start
        raise ProviderError(
            ProviderErrorCode.ENGINE_FAILED, f"loading failed: {exc}", provider=engine.name
        ) from exc


async def _timed(call: Callable[[], Awaitable[str]]) -> tuple[int, str]:
    start = time.perf_counter()
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            result = await call()
    except TimeoutError as exc:
        raise ProviderError(
            ProviderErrorCode.TIMEOUT, "no answer in time", provider="check"
        ) from exc
    elapsed = round((time.perf_counter() - start) * 1000)
    if not result.strip():
        raise _Failed(EMPTY_RESULT, "")
    return elapsed, result


async def _check_stt(engine: Provider, speech: TextToSpeech) -> tuple[int, str]:
    assert isinstance(engine, SpeechToText)
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            spoken = await speech.synthesize(SAMPLE_TEXT, language="en")
        sample = await asyncio.to_thread(to_float16k, chunk_to_wav(spoken), provider=speech.name)
    except (ProviderError, TimeoutError) as exc:
        raise _Failed(SAMPLE_FAILED, getattr(exc, "message", "no answer in time")) from exc

    async def transcribe() -> str:
        return (await engine.transcribe(sample, "en")).text

    elapsed, text = await _timed(transcribe)
    return elapsed, f"Распознано: «{text.strip()}» (образец: «{SAMPLE_TEXT}»)"


async def _check_llm(engine: Provider, _: TextToSpeech) -> tuple[int, str]:
    assert isinstance(engine, LanguageModel)
    elapsed, reply = await _timed(lambda: engine.complete(PROMPT, max_tokens=8, temperature=0.0))
    return elapsed, f"Ответ модели: «{reply.strip()}»"


async def _check_tts(engine: Provider, _: TextToSpeech) -> tuple[int, str]:
    assert isinstance(engine, TextToSpeech)

    async def speak() -> str:
        audio = await engine.synthesize(SPOKEN_WORD, language="en")
        if not audio.pcm.strip(b"\0"):
            return ""  # silence
        seconds = f"{audio.duration:.1f}".replace(".", ",")
        return f"Сказано «{SPOKEN_WORD}»: {seconds} с звука, {audio.sample_rate} Гц"

    return await _timed(speak)


_CALLS: dict[Capability, Callable[[Provider, TextToSpeech], Awaitable[tuple[int, str]]]] = {
    "stt": _check_stt,
    "llm": _check_llm,
    "tts": _check_tts,
}


def _blanked(text: str, settings: ProviderSettings) -> str:
    """`text` with every API key of `settings` replaced by its mask: a server may echo the key
    it was sent in its error."""
    for name in KEY_URL_FIELDS:
        key = getattr(settings, name)
        if key is not None and len(key.get_secret_value()) >= MIN_KEY_CHARS:
            text = text.replace(key.get_secret_value(), mask_secret(key.get_secret_value()))
    return text
