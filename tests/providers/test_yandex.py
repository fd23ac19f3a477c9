"""The Yandex SpeechKit provider against a local server that speaks SpeechKit's v1 REST protocol."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import av
import pytest

from ailingva.providers import yandex
from ailingva.providers.audio import float_to_pcm16, wav_bytes
from ailingva.providers.base import ProviderError, ProviderErrorCode
from ailingva.providers.settings import ProviderSettings
from tests.http_peer import JsonHandler, http_server
from tests.providers.conftest import tone

API_KEY = "AQVN-test-key"
FOLDER = "b1g-test-folder"
STT_PATH = "/speech/v1/stt:recognize"
TTS_PATH = "/speech/v1/tts:synthesize"
HEARD = {"en-US": "I goed to the park", "ru-RU": "я ходил в парк"}


@dataclass
class SpeechKit:
    """What the fake SpeechKit received, and an optional failure to answer with."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_status: int | None = None


def make_handler(state: SpeechKit) -> type[JsonHandler]:
    class Handler(JsonHandler):
        def do_POST(self) -> None:
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            state.requests.append({"path": url.path, "query": query, "body": body})
            if self.headers.get("Authorization") != f"Api-Key {API_KEY}":
                self._error(401, "UNAUTHORIZED", "The token is invalid")
            elif state.fail_status is not None:
                self._error(state.fail_status, "INTERNAL", "Something broke")
            elif url.path == STT_PATH:
                self._recognize(query, body)
            elif url.path == TTS_PATH:
                self._synthesize({k: v[0] for k, v in parse_qs(body.decode()).items()})
            else:
                self._error(404, "NOT_FOUND", url.path)

        def _recognize(self, query: dict[str, str], body: bytes) -> None:
            lpcm = query.get("format") == "lpcm" and query.get("sampleRateHertz") in (
                "8000",
                "16000",
                "48000",
            )
            if query.get("lang") in HEARD and body and (lpcm or query.get("format") == "oggopus"):
                self.send_json(200, {"result": HEARD[query["lang"]]})
            else:
                self._error(400, "BAD_REQUEST", f"bad request {query}")

        def _synthesize(self, form: dict[str, str]) -> None:
            if form.get("text") and form.get("format") == "lpcm" and form.get("voice"):
                rate = int(form["sampleRateHertz"])
                self.send_pcm(float_to_pcm16(tone(len(form["text"]) * 0.05, rate)))
            else:
                self._error(400, "BAD_REQUEST", f"bad form {form}")

        def _error(self, status: int, code: str, message: str) -> None:
            self.send_json(status, {"error_code": code, "error_message": message})

    return Handler


@pytest.fixture
def speechkit() -> Iterator[SpeechKit]:
    state = SpeechKit()
    with http_server(make_handler(state)) as url:
        state.url = url
        yield state


def settings_for(speechkit: SpeechKit, **changes: Any) -> ProviderSettings:
    values: dict[str, Any] = {
        "yandex_api_key": API_KEY,
        "yandex_folder_id": FOLDER,
        "yandex_stt_url": speechkit.url + STT_PATH,
        "yandex_tts_url": speechkit.url + TTS_PATH,
    }
    return ProviderSettings(_env_file=None, **(values | changes))


async def test_recognizes_samples_as_lpcm(speechkit: SpeechKit) -> None:
    stt = yandex.build_stt(settings_for(speechkit))
    transcript = await stt.transcribe(tone(1.0, 16_000), "en")
    assert transcript.text == HEARD["en-US"]
    assert transcript.language == "en"
    [request] = speechkit.requests
    assert request["query"] == {
        "lang": "en-US",
        "folderId": FOLDER,
        "topic": "general",
        "profanityFilter": "false",
        "format": "lpcm",
        "sampleRateHertz": "16000",
    }
    assert len(request["body"]) == 32_000  # 1 s of 16-bit samples at 16 kHz
    await stt.aclose()


async def test_decodes_a_wav_upload_and_applies_the_profanity_filter(speechkit: SpeechKit) -> None:
    stt = yandex.build_stt(settings_for(speechkit, yandex_profanity_filter=True))
    transcript = await stt.transcribe(wav_bytes(tone(0.5, 22_050), 22_050), "ru")
    assert transcript.text == HEARD["ru-RU"]
    [request] = speechkit.requests
    assert request["query"]["profanityFilter"] == "true"
    assert request["query"]["lang"] == "ru-RU"
    assert abs(len(request["body"]) - 16_000) < 400  # resampled to 16 kHz lpcm
    await stt.aclose()


async def test_sends_ogg_opus_as_it_is(speechkit: SpeechKit) -> None:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=48_000)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(
            tone(1.0, 48_000).reshape(1, -1), format="flt", layout="mono"
        )
        frame.sample_rate = 48_000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    stt = yandex.build_stt(settings_for(speechkit))
    await stt.transcribe(buffer.getvalue(), "en")
    [request] = speechkit.requests
    assert request["query"]["format"] == "oggopus"
    assert request["body"] == buffer.getvalue()
    await stt.aclose()


async def test_synthesizes_with_the_default_voice_of_each_language(speechkit: SpeechKit) -> None:
    tts = yandex.build_tts(settings_for(speechkit))
    russian = await tts.synthesize("Правильно говорить went.", language="ru")
    english_chunks = [c async for c in tts.synthesize_stream("Well done!", language="en")]
    assert all(len(c.pcm) % 2 == 0 for c in english_chunks)  # no split samples
    english = b"".join(c.pcm for c in english_chunks)
    forms = [{k: v[0] for k, v in parse_qs(r["body"].decode()).items()} for r in speechkit.requests]
    assert [(f["voice"], f["lang"]) for f in forms] == [("alena", "ru-RU"), ("john", "en-US")]
    assert all(f["format"] == "lpcm" and f["folderId"] == FOLDER for f in forms)
    assert russian.sample_rate == 48_000
    assert russian.pcm == float_to_pcm16(tone(len("Правильно говорить went.") * 0.05, 48_000))
    assert english == float_to_pcm16(tone(len("Well done!") * 0.05, 48_000))
    await tts.aclose()


async def test_refuses_unknown_voice_and_empty_text_without_a_request(
    speechkit: SpeechKit,
) -> None:
    tts = yandex.build_tts(settings_for(speechkit, yandex_voice_ru="filipp"))
    assert tts.capabilities.voice_for(None, "ru", provider="test") == "filipp"
    with pytest.raises(ProviderError) as unknown:
        await tts.synthesize("Hi", voice="nova")
    with pytest.raises(ProviderError) as empty:
        await tts.synthesize("  ", language="ru")
    assert unknown.value.code == ProviderErrorCode.UNSUPPORTED
    assert empty.value.code == ProviderErrorCode.BAD_INPUT
    assert speechkit.requests == []
    await tts.aclose()


@pytest.mark.parametrize(
    ("changes", "fail_status", "code", "retryable", "said"),
    [
        (
            {"yandex_api_key": "wrong"},
            None,
            ProviderErrorCode.AUTH_FAILED,
            False,
            "The token is invalid",
        ),
        ({}, 500, ProviderErrorCode.UNAVAILABLE, True, "HTTP 500"),
    ],
    ids=["a wrong key is an auth error", "a server error is retryable"],
)
async def test_a_refusal_of_speechkit_is_a_clear_error_of_both_engines(
    speechkit: SpeechKit,
    changes: dict[str, Any],
    fail_status: int | None,
    code: ProviderErrorCode,
    retryable: bool,
    said: str,
) -> None:
    speechkit.fail_status = fail_status
    stt = yandex.build_stt(settings_for(speechkit, **changes))
    tts = yandex.build_tts(settings_for(speechkit, **changes))
    with pytest.raises(ProviderError) as stt_error:
        await stt.transcribe(tone(0.5, 16_000), "en")
    with pytest.raises(ProviderError) as tts_error:
        await tts.synthesize("Hello", language="en")
    for caught in (stt_error, tts_error):
        assert caught.value.code == code
        assert caught.value.retryable is retryable
        assert said in caught.value.message
    await stt.aclose()
    await tts.aclose()


async def test_too_long_audio_is_refused_before_sending(speechkit: SpeechKit) -> None:
    stt = yandex.build_stt(settings_for(speechkit))
    with pytest.raises(ProviderError) as caught:
        await stt.transcribe(tone(40.0, 16_000), "en")
    assert caught.value.code == ProviderErrorCode.BAD_INPUT
    assert speechkit.requests == []
    await stt.aclose()


def test_needs_an_api_key() -> None:
    with pytest.raises(ProviderError) as caught:
        yandex.build_stt(ProviderSettings(_env_file=None, yandex_api_key=None))
    assert caught.value.code == ProviderErrorCode.NOT_CONFIGURED
    assert "YANDEX_API_KEY" in caught.value.message
