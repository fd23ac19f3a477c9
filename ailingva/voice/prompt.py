"""The tutor's prompt during a voice session, read ahead so that no turn waits on it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import partial

from sqlalchemy import Engine

from ailingva.core.db import in_session
from ailingva.providers.base import ProviderError
from ailingva.providers.compute import LOCAL_COMPUTE
from ailingva.providers.registry import ProviderRegistry
from ailingva.tutor.conversation import Student, read_prompt
from ailingva.tutor.prompt import PromptInput, build_messages

log = logging.getLogger(__name__)


class LessonPrompt:
    """What the prompt needs (profile, memory, the lesson so far), read again when the student
    starts speaking and after each stored turn; and the model's reading of it in advance."""

    def __init__(
        self,
        engine: Engine,
        registry: ProviderRegistry,
        student: Student,
        lesson_id: int,
        first: PromptInput,
    ) -> None:
        self.engine = engine
        self.registry = registry
        self.student = student
        self.lesson_id = lesson_id
        self.reading: asyncio.Future[PromptInput] = asyncio.get_running_loop().create_future()
        self.reading.set_result(first)

    async def latest(self) -> PromptInput:
        """As last read. Shared by the answer, the partial transcripts and the prefill: one of
        them being dropped must not cancel the read."""
        return await asyncio.shield(self.reading)

    def read_again(self) -> None:
        read = partial(read_prompt, student=self.student, lesson_id=self.lesson_id)
        self.reading = asyncio.ensure_future(in_session(self.engine, read))

    async def prefill(self, text: str = "Hello!") -> None:
        """Have the model read the prompt up to the student's `text` (by default, its start: the
        lesson's fixed part and its history). Raises ProviderError. Not while the machine's
        model answers other students' turns: it would only make them wait (and read over the
        cache of their prompts)."""
        if LOCAL_COMPUTE.waiting:
            return
        messages = build_messages(await self.latest(), text, ())
        await self.registry.current.llm.prefill(messages)

    async def prefill_start(self) -> None:
        try:
            await self.prefill()
        except ProviderError as exc:  # the first turn will say so, if it persists
            log.info("prefill failed: %s", exc)

    async def stop(self) -> None:
        if not self.reading.done():
            self.reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.reading
