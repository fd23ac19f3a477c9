"""An utterance transcribed at a pause the student went on after is not decoded again: only
the rest is, and the words come out as a decoding of the whole would give them."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from ailingva.providers.audio import pcm16_to_float
from ailingva.providers.base import AudioInput, Transcript
from ailingva.providers.fake import FakeLLM, FakeSTT, FakeTTS
from ailingva.providers.local.whisper import WhisperSTT
from ailingva.providers.registry import Providers
from ailingva.providers.settings import ProviderSettings
from ailingva.tutor.pipeline import Speech, Transcribed, joined, transcribe
from tests.voice.conftest import piper_speech

PAUSE_SECONDS = 0.8


class RecordingSTT(FakeSTT):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.heard: list[int] = []

    async def _recognize(self, audio: AudioInput, language: str | None) -> Transcript:
        assert isinstance(audio, np.ndarray)
        self.heard.append(len(audio))
        return await super()._recognize(audio, language)


def providers(stt: FakeSTT | WhisperSTT) -> Providers:
    return Providers(ProviderSettings(_env_file=None), stt, FakeLLM(), FakeTTS())


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


async def test_only_the_audio_after_the_pause_is_decoded() -> None:
    stt = RecordingSTT("she prefers tea.")
    samples = np.zeros(16_000 * 5, dtype=np.float32)
    head = Transcribed("She doesn't like coffee,", 120.0, ("coffee",))
    heard = await transcribe(providers(stt), Speech(samples, heard=(16_000 * 3, head)))
    assert stt.heard == [16_000 * 2]
    assert heard.text == "She doesn't like coffee she prefers tea."
    assert heard.uncertain == ("coffee",)


def test_the_two_parts_join_as_one_utterance() -> None:
    assert (
        joined("I think that...", "My brother has a cat.") == "I think that my brother has a cat."
    )
    assert joined("I think that", "I like it.") == "I think that I like it."
    assert joined("I like tea.", "And coffee.") == "I like tea. And coffee."
    assert joined("", "Hello.") == "Hello."
    assert joined("Hello.", "") == "Hello."


@pytest.mark.models
async def test_the_tail_gives_the_words_the_whole_gives(models_dir: Path) -> None:
    stt = WhisperSTT("whisper-tiny-en", models_dir)

    def said(text: str) -> npt.NDArray[np.float32]:
        return pcm16_to_float(piper_speech(models_dir, text))

    pause = np.zeros(int(PAUSE_SECONDS * 16_000), dtype=np.float32)
    first = np.concatenate([said("Last summer we travelled to the sea"), pause])
    whole = np.concatenate([first, said("and we played on the beach every day.")])
    everything = await transcribe(providers(stt), Speech(whole))
    start = await transcribe(providers(stt), Speech(first))
    tail = await transcribe(providers(stt), Speech(whole, heard=(len(first), start)))
    assert words(tail.text) == words(everything.text)
    assert {"summer", "sea", "beach"} <= set(words(tail.text))
