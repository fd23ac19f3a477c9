"""The OpenAI-compatible provider against a real peer: llama.cpp's server with SmolLM2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from ailingva.providers import openai as openai_provider
from ailingva.providers.audio import float_to_pcm16
from ailingva.providers.base import ChatMessage, ProviderError, ProviderErrorCode
from ailingva.providers.local.manifest import MODELS
from ailingva.providers.settings import ProviderSettings
from tests import live_process as live
from tests.http_peer import JsonHandler, http_server
from tests.providers.conftest import tone


@pytest.fixture(scope="module")
def llama_server(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama.cpp's server with SmolLM2; yields its /v1 base URL."""
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    with live.llama_server(MODELS["smollm2-135m"].main_file(models_dir), log_path) as base_url:
        yield base_url


def settings_for(base_url: str) -> ProviderSettings:
    return ProviderSettings(
        _env_file=None,
        openai_base_url=base_url,
        openai_api_key=None,
        openai_llm_model="smollm2",
        openai_stt_model="whisper-1",
        openai_tts_model="tts-1",
    )


@pytest.mark.models
async def test_chat_streams_token_by_token(llama_server: str) -> None:
    llm = openai_provider.build_llm(settings_for(llama_server))
    messages = [
        ChatMessage("system", "You are a friendly English tutor."),
        ChatMessage("user", "I goed to school. Ask me one question."),
    ]
    deltas = [d async for d in llm.stream_chat(messages, max_tokens=30, temperature=0.0)]
    assert len(deltas) > 3  # streamed, not one block
    assert "".join(deltas).strip()
    assert (await llm.complete(messages, max_tokens=5, temperature=0.0)).strip()
    await llm.aclose()


@pytest.mark.models
async def test_chat_stops_before_a_stop_sequence(llama_server: str) -> None:
    llm = openai_provider.build_llm(settings_for(llama_server))
    messages = [ChatMessage("user", "Count from 1 to 10, separated by commas.")]
    free = await llm.complete(messages, max_tokens=40, temperature=0.0)
    # More than OpenAI takes: the first four are sent.
    stops = ["5", "Five", "five", "FIVE", "1"]
    stopped = await llm.complete(messages, max_tokens=40, temperature=0.0, stop=stops)
    assert "5" in free  # the model counts past it unless told where to stop
    assert stopped.strip() and "5" not in stopped and free.startswith(stopped)
    await llm.aclose()


@pytest.mark.models
async def test_missing_audio_routes_are_clear_errors(llama_server: str) -> None:
    settings = settings_for(llama_server)
    stt = openai_provider.build_stt(settings)
    with pytest.raises(ProviderError) as stt_error:
        await stt.transcribe(np.zeros(16_000, dtype=np.float32), "en")
    tts = openai_provider.build_tts(settings)
    with pytest.raises(ProviderError) as tts_error:
        await tts.synthesize("Hello!", voice="nova")
    for caught, route in ((stt_error, "/audio/transcriptions"), (tts_error, "/audio/speech")):
        assert caught.value.code == ProviderErrorCode.UNSUPPORTED
        assert "404" in caught.value.message and route in caught.value.message
        assert not caught.value.retryable
    await stt.aclose()
    await tts.aclose()


async def test_unreachable_server_is_a_retryable_error() -> None:
    llm = openai_provider.build_llm(settings_for(f"http://127.0.0.1:{live.free_port()}/v1"))
    with pytest.raises(ProviderError) as caught:
        await llm.complete([ChatMessage("user", "Hi")])
    assert caught.value.code == ProviderErrorCode.UNAVAILABLE
    assert caught.value.retryable
    await llm.aclose()


async def test_tts_offers_the_six_voices_and_refuses_others() -> None:
    tts = openai_provider.build_tts(settings_for("http://127.0.0.1:9/v1"))
    names = {voice.name for voice in tts.capabilities.voices}
    assert names == {"alloy", "echo", "fable", "onyx", "nova", "shimmer"}
    with pytest.raises(ProviderError) as caught:
        await tts.synthesize("Hi", voice="alena")
    assert caught.value.code == ProviderErrorCode.UNSUPPORTED
    await tts.aclose()


async def test_tts_refuses_a_language_it_does_not_speak_without_a_request(
    openai_audio: str,
) -> None:
    settings = settings_for(openai_audio).with_overrides({"openai_api_key": "sk-test"})
    tts = openai_provider.build_tts(settings)
    with pytest.raises(ProviderError) as caught:
        await tts.synthesize("Gut gemacht!", voice="nova", language="de")
    assert caught.value.code == ProviderErrorCode.UNSUPPORTED
    assert "'de'" in caught.value.message
    assert AudioRoutes.received == []
    await tts.aclose()


class AudioRoutes(JsonHandler):
    """The two audio routes of OpenAI's API, as far as the provider uses them."""

    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Authorization") != "Bearer sk-test":
            self.send_json(401, {"error": {"message": "Incorrect API key provided"}})
        elif self.path == "/v1/audio/transcriptions":
            form = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
            )
            assert isinstance(form, EmailMessage)
            parts = {
                str(p.get_param("name", header="content-disposition")): p for p in form.iter_parts()
            }
            upload = parts["file"]
            self.received.append(
                {name: part.get_content() for name, part in parts.items() if name != "file"}
                | {"filename": upload.get_filename(), "file": upload.get_payload(decode=True)}
            )
            self.send_json(200, {"text": " I goed home. "})
        elif self.path == "/v1/audio/speech":
            request = json.loads(body)
            self.received.append(request)
            self.send_pcm(float_to_pcm16(tone(len(request["input"]) * 0.05, 24_000)))
        else:
            self.send_json(404, {"error": {"message": "no such route"}})


@pytest.fixture
def openai_audio() -> Iterator[str]:
    AudioRoutes.received = []
    with http_server(AudioRoutes) as url:
        yield f"{url}/v1"


async def test_transcribes_and_speaks_through_the_audio_routes(openai_audio: str) -> None:
    settings = settings_for(openai_audio).with_overrides(
        {"openai_api_key": "sk-test", "openai_tts_voice": "nova"}
    )
    stt = openai_provider.build_stt(settings)
    transcript = await stt.transcribe(tone(1.0, 16_000), "en")
    tts = openai_provider.build_tts(settings)
    chunks = [c async for c in tts.synthesize_stream("Good job!", language="en")]

    assert transcript.text == "I goed home."
    upload, speech = AudioRoutes.received
    assert upload["model"] == "whisper-1" and upload["language"] == "en"
    assert upload["filename"] == "audio.wav" and upload["file"][:4] == b"RIFF"
    assert speech == {
        "model": "tts-1",
        "voice": "nova",
        "input": "Good job!",
        "response_format": "pcm",
    }
    assert all(c.sample_rate == 24_000 and len(c.pcm) % 2 == 0 for c in chunks)
    assert b"".join(c.pcm for c in chunks) == float_to_pcm16(tone(len("Good job!") * 0.05, 24_000))
    await stt.aclose()
    await tts.aclose()


async def test_a_wrong_key_is_an_auth_error(openai_audio: str) -> None:
    stt = openai_provider.build_stt(settings_for(openai_audio))
    with pytest.raises(ProviderError) as caught:
        await stt.transcribe(tone(0.5, 16_000), "en")
    assert caught.value.code == ProviderErrorCode.AUTH_FAILED
    assert "OPENAI_API_KEY" in caught.value.message
    await stt.aclose()


class StructuredChat(JsonHandler):
    """`/chat/completions` answering a request for structured output with a scripted message."""

    received: ClassVar[list[dict[str, Any]]] = []
    content: ClassVar[str] = ""

    def do_POST(self) -> None:
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        message = {"role": "assistant", "content": self.content}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        self.send_json(
            200,
            {
                "id": "c1",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [choice],
            },
        )


async def test_json_by_schema_is_asked_as_structured_output() -> None:
    schema = {"type": "object", "properties": {"kind": {"enum": ["a", "b"]}}}
    StructuredChat.received = []
    with http_server(StructuredChat) as url:
        llm = openai_provider.build_llm(settings_for(f"{url}/v1"))
        StructuredChat.content = '{"kind": "b"}'
        answer = await llm.complete_json([ChatMessage("user", "Pick one.")], schema)
        StructuredChat.content = "Sure! Here it is: kind b"
        with pytest.raises(ProviderError) as caught:
            await llm.complete_json([ChatMessage("user", "Pick one.")], schema)
        await llm.aclose()
    assert answer == {"kind": "b"}
    assert caught.value.code == ProviderErrorCode.BAD_OUTPUT
    request = StructuredChat.received[0]
    assert request["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": schema, "strict": False},
    }
    assert request["temperature"] == 0.0 and "stream" not in request
