"""At each short pause, the end-of-turn model's verdict: has the student finished speaking?

The model (Smart Turn, providers/local/smart_turn.py) hears the utterance in a worker thread
once speech-to-text has heard its words (not beside it: on two cores it slowed speech-to-text
down, on the critical path), while the model prepares the answer; its verdict reaches the turn
detector, which takes a
finished turn at once and waits longer on an unfinished one. Without the model (not pulled,
or LOCAL_TURN_MODEL=none) the silence timeouts alone decide, as they do until a verdict comes.
"""

from __future__ import annotations

import asyncio
import logging
import time

from ailingva.providers.audio import pcm16_to_float
from ailingva.providers.base import ProviderError
from ailingva.providers.local.smart_turn import SmartTurn
from ailingva.providers.settings import ProviderSettings
from ailingva.voice.turns import TurnDetector

log = logging.getLogger(__name__)

# Smart Turn's own threshold: a probability at or above it is a finished turn.
FINISHED_AT = 0.5


class EndOfTurn:
    def __init__(self, settings: ProviderSettings) -> None:
        name = settings.local_turn_model
        self.model = None if name == "none" else SmartTurn(name, settings.models_dir)
        self.task: asyncio.Task[None] | None = None

    async def warm_up(self) -> None:
        """Load the model before the first pause (the session starts this in the background)."""
        if self.model is not None:
            try:
                await asyncio.to_thread(self.model.load)
            except ProviderError as exc:
                log.warning("no end-of-turn model, silence alone decides: %s", exc)
                self.model = None

    def judge(self, detector: TurnDetector, audio: bytes, timings: dict[str, float]) -> None:
        """The utterance paused and its words are known: ask the model, in the background,
        about this pause."""
        if self.task is not None:
            self.task.cancel()
        if self.model is not None:
            self.task = asyncio.create_task(self._judge(detector, audio, timings))

    async def _judge(self, detector: TurnDetector, audio: bytes, timings: dict[str, float]) -> None:
        assert self.model is not None
        pause = detector.pauses
        start = time.perf_counter()
        try:
            probability = await asyncio.to_thread(self.model.finished, pcm16_to_float(audio))
        except ProviderError as exc:
            log.warning("no end-of-turn model, silence alone decides: %s", exc)
            self.model = None
            return
        timings["turn_model"] = round((time.perf_counter() - start) * 1000, 1)
        if detector.pauses == pause and detector.paused:
            detector.finished = probability >= FINISHED_AT
