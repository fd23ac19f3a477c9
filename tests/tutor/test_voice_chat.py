"""`POST /api/voice_chat`: a recording in, the tutor's answer out; bad uploads get clear 4xx."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient

from ailingva.providers.audio import wav_bytes
from ailingva.providers.fake import FAKE_TRANSCRIPT, FakeSTT
from tests.conftest import register


def tone(seconds: float, rate: int = 16_000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def encoded(container: str, codec: str, seconds: float = 1.0) -> bytes:
    """A short tone in the given container, made with PyAV (as browsers and phones make them)."""
    rate = 48_000
    out = io.BytesIO()
    with av.open(out, mode="w", format=container) as file:
        stream = file.add_stream(codec, rate=rate, layout="mono")
        assert isinstance(stream, av.AudioStream)
        samples = tone(seconds, rate)
        frame_size = stream.codec_context.frame_size or 1024
        for start in range(0, len(samples), frame_size):
            chunk = samples[start : start + frame_size].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                file.mux(packet)
        for packet in stream.encode(None):
            file.mux(packet)
    return out.getvalue()


FORMATS = {
    "wav": lambda: wav_bytes(tone(1.0)),
    "ogg": lambda: encoded("ogg", "libopus"),
    "webm": lambda: encoded("webm", "libopus"),
    "mp3": lambda: encoded("mp3", "libmp3lame"),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_is_heard_and_answered(client: TestClient, name: str) -> None:
    register(client)
    data = FORMATS[name]()
    response = client.post(
        "/api/voice_chat",
        files={"audio": (f"speech.{name}", data, "application/octet-stream")},
        data={"speak": "false"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["transcript"] == FAKE_TRANSCRIPT
    assert any(c["correction"] == "went" for c in body["corrections"])
    assert body["reply"]
    assert "stt" in body["timings"]


def test_the_reply_is_spoken_by_default(client: TestClient) -> None:
    register(client)
    response = client.post("/api/voice_chat", files={"audio": ("a.wav", wav_bytes(tone(0.5)))})
    assert response.json()["audio_base64"]


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 422, "audio_empty"),
        (b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk", 422, "audio_undecodable"),
        (b"OggS" + b"\x00" * 200, 422, "audio_undecodable"),
        (b"hello, this is a text file", 415, "audio_unsupported"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, 415, "audio_unsupported"),
    ],
)
def test_bad_uploads_get_a_clear_error(
    client: TestClient, data: bytes, status: int, code: str
) -> None:
    register(client)
    response = client.post("/api/voice_chat", files={"audio": ("x.bin", data)})
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_oversized_and_overlong_recordings_are_refused(client: TestClient) -> None:
    register(client)
    big = b"RIFF" + b"\x00" * (10 * 1024 * 1024 + 10)
    response = client.post("/api/voice_chat", files={"audio": ("big.wav", big)})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "audio_too_large"
    long = wav_bytes(np.zeros(121 * 16_000, dtype=np.float32))
    response = client.post("/api/voice_chat", files={"audio": ("long.wav", long)})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "audio_too_long"


def test_missing_field_and_anonymous_upload(client: TestClient) -> None:
    assert client.post("/api/voice_chat", files={"audio": ("a.wav", b"RIFF")}).status_code == 401
    register(client)
    response = client.post("/api/voice_chat", files={"sound": ("a.wav", b"RIFF")})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_silence_heard_as_nothing_is_no_speech(
    client: TestClient, use_providers: Callable[..., Any]
) -> None:
    register(client)
    use_providers(stt=FakeSTT(""))
    response = client.post("/api/voice_chat", files={"audio": ("a.wav", wav_bytes(tone(0.5)))})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_speech"
