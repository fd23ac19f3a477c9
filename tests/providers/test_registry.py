"""Building providers from settings, fallbacks, and swapping them while the app runs."""

from __future__ import annotations

import socket
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import numpy as np
import pytest

from ailingva.providers.base import (
    AudioChunk,
    AudioInput,
    ChatMessage,
    ProviderError,
    ProviderErrorCode,
    Transcript,
)
from ailingva.providers.compose import FallbackLLM, FallbackSTT, FallbackTTS
from ailingva.providers.fake import FAKE_REPLY, FAKE_TRANSCRIPT, FakeLLM, FakeSTT, FakeTTS
from ailingva.providers.registry import ProviderRegistry, build_providers
from ailingva.providers.settings import ProviderSettings

SAMPLES = np.zeros(16_000, dtype=np.float32)
HELLO = [ChatMessage("user", "Hello")]


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens there once the socket is closed


def settings(**values: Any) -> ProviderSettings:
    return ProviderSettings(_env_file=None, **values)


def down(provider: str) -> ProviderError:
    return ProviderError(ProviderErrorCode.UNAVAILABLE, "down", provider=provider, retryable=True)


class CutOffLLM(FakeLLM):
    """Streams two tokens, then the connection drops."""

    async def _generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        temperature: float,
        stop: tuple[str, ...],
    ) -> AsyncGenerator[str, None]:
        yield "Good"
        yield " job"
        raise down(self.name)


async def test_a_failing_cloud_stt_falls_back() -> None:
    providers = build_providers(
        settings(stt_provider="openai", stt_fallback="fake", openai_base_url=closed_port_url())
    )
    transcript = await providers.stt.transcribe(SAMPLES, "en")
    assert transcript.text == FAKE_TRANSCRIPT


async def test_without_a_fallback_the_failure_is_a_clear_error() -> None:
    providers = build_providers(
        settings(stt_provider="openai", stt_fallback=None, openai_base_url=closed_port_url())
    )
    with pytest.raises(ProviderError) as caught:
        await providers.stt.transcribe(SAMPLES, "en")
    assert caught.value.code == ProviderErrorCode.UNAVAILABLE
    assert caught.value.provider == "openai:whisper-1"
    assert caught.value.retryable


async def test_a_failing_stream_falls_back_before_its_first_token() -> None:
    llm = FallbackLLM(FakeLLM(error=down("primary")), FakeLLM(["Hi", " there"]))
    assert [d async for d in llm.stream_chat(HELLO)] == ["Hi", " there"]
    tts = FallbackTTS(FakeTTS(error=down("primary")), FakeTTS(sample_rate=8_000))
    assert (await tts.synthesize("Hello")).sample_rate == 8_000


async def test_a_stream_cut_after_its_first_token_is_not_repeated_by_the_fallback() -> None:
    llm = FallbackLLM(CutOffLLM(), FakeLLM())
    received: list[str] = []
    with pytest.raises(ProviderError) as caught:
        async for delta in llm.stream_chat(HELLO):
            received.append(delta)
    assert received == ["Good", " job"]
    assert caught.value.code == ProviderErrorCode.UNAVAILABLE


class CrashingSTT(FakeSTT):
    """An engine whose library fails with an error of its own."""

    async def _recognize(self, audio: AudioInput, language: str | None) -> Transcript:
        raise RuntimeError("the decoder crashed")


class CrashingTTS(FakeTTS):
    async def _synthesize(
        self, text: str, *, voice: str, language: str
    ) -> AsyncGenerator[AudioChunk, None]:
        raise RuntimeError("the synthesizer crashed")
        yield  # an async generator that fails at its first item


async def test_an_engine_crashing_inside_its_library_fails_clearly_and_falls_back() -> None:
    for crash in (CrashingSTT().transcribe(SAMPLES, "en"), CrashingTTS().synthesize("Hello")):
        with pytest.raises(ProviderError) as caught:
            await crash
        assert caught.value.code == ProviderErrorCode.ENGINE_FAILED
        assert "crashed" in caught.value.message
    stt = FallbackSTT(CrashingSTT(), FakeSTT("Hello there."))
    assert (await stt.transcribe(SAMPLES, "en")).text == "Hello there."
    tts = FallbackTTS(CrashingTTS(), FakeTTS(sample_rate=8_000))
    assert (await tts.synthesize("Hello")).sample_rate == 8_000


async def test_json_by_schema_falls_back_when_the_primary_answers_junk() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "examples": [7]}}}
    llm = FallbackLLM(FakeLLM(json_text="no json here"), FakeLLM())
    assert await llm.complete_json([ChatMessage("user", "A number?")], schema) == {"n": 7}
    with pytest.raises(ProviderError) as caught:
        await FakeLLM(json_text="{").complete_json([ChatMessage("user", "A number?")], schema)
    assert caught.value.code == ProviderErrorCode.BAD_OUTPUT


async def test_when_both_fail_the_error_names_both() -> None:
    llm = FallbackLLM(FakeLLM(error=down("cloud")), FakeLLM(error=down("local")))
    with pytest.raises(ProviderError) as caught:
        await llm.complete(HELLO)
    assert "cloud failed" in caught.value.message
    assert "local" in caught.value.message
    assert caught.value.retryable


def test_a_family_without_the_capability_is_refused_at_build() -> None:
    with pytest.raises(ProviderError) as caught:
        build_providers(settings(llm_provider="yandex", yandex_api_key="key"))
    assert caught.value.code == ProviderErrorCode.NOT_CONFIGURED
    assert "no llm engine" in caught.value.message


def test_an_unknown_local_model_is_refused_at_build() -> None:
    with pytest.raises(ProviderError) as caught:
        build_providers(settings(local_llm_model="gpt-5-local"))
    assert caught.value.code == ProviderErrorCode.NOT_CONFIGURED
    assert "qwen2.5-coder-1.5b" in caught.value.message  # the message lists the known ones


async def test_reconfigure_swaps_providers_and_keeps_them_on_bad_settings() -> None:
    registry = ProviderRegistry(
        settings(stt_provider="fake", llm_provider="fake", tts_provider="fake")
    )
    before = registry.current
    assert await before.llm.complete(HELLO) == "".join(FAKE_REPLY)

    after = registry.reconfigure(
        {"LLM_PROVIDER": "openai", "openai_llm_model": "gpt-4o-mini", "openai_api_key": "sk-secret"}
    )
    assert registry.current is after
    assert after.llm.name == "openai:gpt-4o-mini"
    assert after.stt.name == "fake:stt"
    assert "sk-secret" not in repr(after.settings)  # keys never show up in logs

    for bad in ({"llm_provider": "nonsense"}, {"no_such_setting": 1}):
        with pytest.raises(ValueError, match=r"llm_provider|no_such_setting"):
            registry.reconfigure(bad)
        assert registry.current is after
    await registry.aclose()


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STT_PROVIDER", "yandex")
    monkeypatch.setenv("STT_FALLBACK", "local")
    monkeypatch.setenv("LLM_FALLBACK", "")
    monkeypatch.setenv("MODELS_DIR", "/srv/models")
    monkeypatch.setenv("YANDEX_API_KEY", "key")
    loaded = ProviderSettings(_env_file=None)
    assert (loaded.stt_provider, loaded.stt_fallback, loaded.llm_fallback) == (
        "yandex",
        "local",
        None,
    )
    assert str(loaded.models_dir) == "/srv/models"
    assert loaded.local_llm_model == "qwen2.5-coder-1.5b"
    assert loaded.local_stt_model == "whisper-base"
    # Overrides are applied on top of what was loaded, not re-read from the environment.
    assert loaded.with_overrides({"STT_PROVIDER": "fake"}).stt_fallback == "local"
