"""The words so far, while the student speaks (`transcript_partial`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from ailingva.providers.audio import pcm16_to_float
from ailingva.providers.base import ProviderError
from ailingva.providers.compute import LOCAL_COMPUTE
from ailingva.providers.registry import ProviderRegistry
from ailingva.tutor.pipeline import Speech, transcribe
from ailingva.voice.events import PartialTranscript
from ailingva.voice.prompt import LessonPrompt
from ailingva.voice.transport import Transport

log = logging.getLogger(__name__)


class PartialTranscripts:
    """Every `every_ms` of speech, one at a time, with speech-to-text on this machine only (a
    cloud service bills each call): shown to the student and read by the model, so the final
    prompt starts with what it has read and only the rest is new to it."""

    def __init__(self, registry: ProviderRegistry, transport: Transport, *, every_ms: int) -> None:
        self.registry = registry
        self.transport = transport
        self.every_ms = every_ms  # 0: never
        self.task: asyncio.Task[None] | None = None
        self.heard_ms = 0  # how much of the utterance the last one heard

    def hear(self, prompt: LessonPrompt, utterance_ms: int, utterance: Callable[[], bytes]) -> None:
        """Called every voiced frame: `utterance` (a copy of the audio) only when one is due."""
        if not self.every_ms or (self.task is not None and not self.task.done()):
            return
        if not self.registry.current.stt.capabilities.local or LOCAL_COMPUTE.waiting:
            return  # a cloud service bills each call; the machine's models answer a turn now
        if utterance_ms >= self.heard_ms + self.every_ms:
            self.heard_ms = utterance_ms
            self.task = asyncio.create_task(self._show(prompt, utterance()))

    async def _show(self, prompt: LessonPrompt, audio: bytes) -> None:
        try:
            heard = await transcribe(self.registry.current, Speech(pcm16_to_float(audio)))
            if not heard.text:
                return
            await self.transport.send(PartialTranscript(text=heard.text))
            await prompt.prefill(heard.text)
        except ProviderError as exc:  # only a preview: the final transcription will say
            log.info("partial transcript failed: %s", exc)

    def drop(self) -> None:
        """The answer needs the engines now; one still running is dropped."""
        if self.task is not None:
            self.task.cancel()

    async def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
