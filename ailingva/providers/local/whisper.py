"""Offline speech-to-text with faster-whisper (CTranslate2, int8 on the CPU)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from ailingva.providers.audio import FloatAudio, to_float16k
from ailingva.providers.base import (
    AudioInput,
    Capabilities,
    ProviderError,
    ProviderErrorCode,
    Segment,
    SpeechToText,
    Transcript,
    Word,
)
from ailingva.providers.local.loading import load_once, model_spec, verify_model


class WhisperSTT(SpeechToText):
    def __init__(
        self, model: str, models_dir: Path, *, cpu_threads: int = 2, word_timestamps: bool = False
    ) -> None:
        self.name = f"local:{model}"
        self._spec = model_spec(model, "stt", provider=self.name)
        self._models_dir = models_dir
        self._cpu_threads = cpu_threads
        self._word_timestamps = word_timestamps
        self.capabilities = Capabilities(
            streaming=False,
            languages=frozenset(self._spec.languages),
            word_timestamps=word_timestamps,
        )

    async def transcribe(self, audio: AudioInput, language: str | None = None) -> Transcript:
        self.capabilities.check_language(language, provider=self.name)
        try:
            return await asyncio.to_thread(self._transcribe, audio, language)
        except ProviderError:
            raise
        except Exception as exc:  # CTranslate2 and PyAV raise plain runtime errors
            raise ProviderError(
                ProviderErrorCode.ENGINE_FAILED, str(exc), provider=self.name
            ) from exc

    async def warm_up(self) -> None:
        await asyncio.to_thread(self._model)

    def _model(self) -> Any:
        directory = self._spec.directory(self._models_dir)

        def load() -> Any:
            from faster_whisper import WhisperModel  # type: ignore[import-untyped]

            verify_model(self._spec, self._models_dir, provider=self.name)
            return WhisperModel(
                str(directory), device="cpu", compute_type="int8", cpu_threads=self._cpu_threads
            )

        return load_once(("whisper", directory, self._cpu_threads), load)

    def _transcribe(self, audio: AudioInput, language: str | None) -> Transcript:
        samples: FloatAudio = to_float16k(audio, provider=self.name)
        segments, info = self._model().transcribe(
            samples,
            language=language,
            beam_size=1,
            vad_filter=True,
            word_timestamps=self._word_timestamps,
        )
        found = tuple(
            Segment(
                text=s.text.strip(),
                start=s.start,
                end=s.end,
                words=tuple(
                    Word(w.word.strip(), w.start, w.end, w.probability) for w in s.words or ()
                ),
            )
            for s in segments  # a lazy generator: decoding happens while iterating
        )
        text = " ".join(s.text for s in found if s.text)
        return Transcript(text=text, language=info.language, segments=found)
