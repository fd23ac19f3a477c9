"""Speech for the voice tests (espeak-ng: fast and deterministic) and a short billing minute."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest
from fastapi import FastAPI

from ailingva.providers.audio import chunk_to_wav, float_to_pcm16, to_float16k
from ailingva.providers.local.piper import PiperTTS
from ailingva.voice.session import VoiceConfig
from ailingva.voice.turns import FRAME_BYTES, SAMPLE_RATE


def piper_speech(models_dir: Path, text: str) -> bytes:
    """`text` spoken by Piper (a natural voice), as 16 kHz mono PCM16."""

    async def speak_it() -> bytes:
        tts = PiperTTS("piper-joe", models_dir)
        try:
            wav = chunk_to_wav(await tts.synthesize(text))
        finally:
            await tts.aclose()
        return float_to_pcm16(to_float16k(wav, provider="piper"))

    # In a thread of its own: callers may run inside an event loop (Playwright's, a test's).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, speak_it()).result()


@cache
def spoken(text: str) -> bytes:
    """`text` spoken by espeak-ng, as 16 kHz mono PCM16."""
    wav = subprocess.run(
        ["espeak-ng", "-v", "en-us", "--stdout", text], check=True, capture_output=True
    ).stdout
    return float_to_pcm16(to_float16k(wav, provider="espeak-ng"))


def silence(seconds: float) -> bytes:
    return b"\x00\x00" * int(seconds * SAMPLE_RATE)


def chunks(pcm: bytes, size: int = 50 * FRAME_BYTES) -> Iterator[bytes]:
    """Audio in 1 s messages: fast to send, and far from the flood limit."""
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


@pytest.fixture
def voice_config(app: FastAPI) -> VoiceConfig:
    return app.state.voice_config  # type: ignore[no-any-return]
