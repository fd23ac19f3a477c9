"""Deterministic engines for fast tests: a fixed transcript, a scripted reply (and, asked for
JSON, the schema's own examples), a sine tone.

Each takes an optional `error`, raised on every call, to test how callers handle failures.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Sequence
from functools import cache
from typing import Any

import numpy as np

from ailingva.providers.audio import float_to_pcm16
from ailingva.providers.base import (
    AudioChunk,
    AudioInput,
    Capabilities,
    ChatMessage,
    JsonSchema,
    LanguageModel,
    LanguageModelEngine,
    ProviderError,
    SpeechToText,
    SpeechToTextEngine,
    TextToSpeech,
    TextToSpeechEngine,
    Transcript,
    Voice,
)
from ailingva.providers.settings import ProviderSettings

FAKE_TRANSCRIPT = "Yesterday I goed to the park with my friend."
FAKE_REPLY = (
    "Great",
    " job",
    "!",
    " You",
    " went",
    " to",
    " the",
    " park",
    ".",
    " What",
    " did",
    " you",
    " do",
    " there",
    "?",
)
TONE_HZ = 440.0  # 44 periods in each CHUNK_SECONDS
SECONDS_PER_CHARACTER = 0.06  # about the pace of speech
CHUNK_SECONDS = 0.1


class FakeSTT(SpeechToTextEngine):
    capabilities = Capabilities(streaming=False, local=True)

    def __init__(self, text: str = FAKE_TRANSCRIPT, *, error: ProviderError | None = None) -> None:
        self.name = "fake:stt"
        self._text = text
        self._error = error

    async def _recognize(self, audio: AudioInput, language: str | None) -> Transcript:
        if self._error is not None:
            raise self._error
        return Transcript(self._text, language or "en")


class FakeLLM(LanguageModelEngine):
    capabilities = Capabilities(streaming=True)

    def __init__(
        self,
        tokens: Sequence[str] = FAKE_REPLY,
        *,
        json_text: str | None = None,
        error: ProviderError | None = None,
    ) -> None:
        """`json_text`: the answer to every request for JSON (by default, `example_of` the
        schema)."""
        self.name = "fake:llm"
        self._tokens = tuple(tokens)
        self._json_text = json_text
        self._error = error

    async def _generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        temperature: float,
        stop: tuple[str, ...],
    ) -> AsyncGenerator[str, None]:
        if self._error is not None:
            raise self._error
        # Stop sequences are ignored: a script plays a model that writes what it was told not to.
        for token in self._tokens[:max_tokens]:
            await asyncio.sleep(0)  # a real stream yields to the loop between tokens
            yield token

    async def _generate_json(
        self, messages: Sequence[ChatMessage], schema: JsonSchema, *, max_tokens: int
    ) -> str:
        if self._error is not None:
            raise self._error
        if self._json_text is not None:
            return self._json_text
        return json.dumps(example_of(schema, schema))


def example_of(schema: JsonSchema, root: JsonSchema) -> Any:
    """A value that fits `schema`: its first example, else its first choice (`null` where it is
    one), else the least of its type; `$ref`s point into `root`'s `$defs`."""
    if "$ref" in schema:
        return example_of(root["$defs"][str(schema["$ref"]).rsplit("/", 1)[-1]], root)
    if schema.get("examples"):
        return schema["examples"][0]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        branches = schema["anyOf"]
        null = next((b for b in branches if b.get("type") == "null"), None)
        return None if null is not None else example_of(branches[0], root)
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example_of(sub, root) for name, sub in properties.items()}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return "" if kind == "string" else None


class FakeTTS(TextToSpeechEngine):
    capabilities = Capabilities.speaking((Voice("tone", ("en", "ru")),), streaming=True)

    def __init__(self, *, sample_rate: int = 16_000, error: ProviderError | None = None) -> None:
        self.name = "fake:tts"
        self._sample_rate = sample_rate
        self._error = error

    async def _synthesize(
        self, text: str, *, voice: str, language: str
    ) -> AsyncGenerator[AudioChunk, None]:
        if self._error is not None:
            raise self._error
        count = int(len(text) * SECONDS_PER_CHARACTER * self._sample_rate)
        chunk = _tone_chunk(self._sample_rate)
        step = len(chunk) // 2
        for start in range(0, count, step):
            await asyncio.sleep(0)
            yield AudioChunk(chunk[: 2 * min(step, count - start)], self._sample_rate)


@cache
def _tone_chunk(sample_rate: int) -> bytes:
    """CHUNK_SECONDS of the tone. It holds a whole number of its periods, so every chunk of a
    reply is this one: built once, a reply's speech costs the server what real speech would
    (sending it), not the computing of a sine."""
    samples = np.arange(int(CHUNK_SECONDS * sample_rate)) / sample_rate
    return float_to_pcm16((0.3 * np.sin(2 * np.pi * TONE_HZ * samples)).astype(np.float32))


def build_stt(settings: ProviderSettings) -> SpeechToText:
    return FakeSTT()


def build_llm(settings: ProviderSettings) -> LanguageModel:
    return FakeLLM()


def build_tts(settings: ProviderSettings) -> TextToSpeech:
    return FakeTTS()
