"""The tutor's answer to one student utterance.

While the turn may still be the student's (the answer was started at a short pause), its output
is held back; once the turn is the tutor's it goes out in order and the rest streams. At a
barge-in the reply is cut to what the student heard.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from pydantic import BaseModel

from ailingva.grammar.findings import Finding
from ailingva.lessons.schemas import Correction
from ailingva.providers.audio import pcm16_to_float
from ailingva.tutor.pipeline import (
    CorrectionsFound,
    ReplyAudio,
    ReplyDelta,
    ReplyDone,
    Speech,
    SpeechFailed,
    Transcribed,
    TurnEvent,
)
from ailingva.tutor.service import Exchange
from ailingva.tutor.waiting import Waiting
from ailingva.voice import events
from ailingva.voice.transport import Transport
from ailingva.voice.turns import SAMPLE_RATE

# A client that does not report playback is taken to have heard the reply once its length
# (plus this) has passed since the first audio went out.
PLAYBACK_GRACE_SECONDS = 0.5
PLAYBACK_SLACK_MS = 60

Outgoing = BaseModel | bytes


@dataclass(eq=False)
class Answer:
    """One student utterance (spoken or typed) and the tutor's answer to it."""

    transport: Transport
    audio: bytes | None  # None for a typed turn
    end_of_speech: float  # perf_counter of the last voiced frame (or of the typed message)
    text: str | None = None  # the typed text, or what speech-to-text heard
    # The utterance's start as transcribed at an earlier pause: (bytes of `audio`, the words).
    heard: tuple[int, Transcribed] | None = None
    uncertain: tuple[str, ...] = ()  # what speech-to-text heard without confidence
    number: int = 0  # given when the turn is the tutor's
    committed: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    held: list[Outgoing] = field(default_factory=list)
    findings: tuple[Finding, ...] = ()
    prompt_text: str | None = None
    reply_parts: list[str] = field(default_factory=list)
    sentences: list[tuple[str, float]] = field(default_factory=list)  # (text, audio ms)
    played_ms: int | None = None
    playback: asyncio.Event = field(default_factory=asyncio.Event)
    first_audio_at: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    providers: dict[str, str] = field(default_factory=dict)  # tutor.service.used_providers
    finished: bool = False

    @property
    def student_audio_ms(self) -> int | None:
        return None if self.audio is None else len(self.audio) // 2 * 1000 // SAMPLE_RATE

    @property
    def reply_audio_ms(self) -> int | None:
        return round(sum(ms for _, ms in self.sentences)) or None

    def exchange(self, reply: str, *, interrupted: bool) -> Exchange:
        """The turn as it is stored: what the student said and what of the reply they got."""
        assert self.text is not None
        return Exchange(
            student_text=self.text,
            uncertain=self.uncertain,
            findings=self.findings,
            reply=reply,
            timings=self.timings,
            prompt_text=self.prompt_text,
            student_audio_ms=self.student_audio_ms,
            reply_audio_ms=self.reply_audio_ms,
            interrupted=interrupted,
            providers=self.providers,
        )

    def said(self) -> str | Speech:
        """What the tutor answers: the typed text, or the speech (then the time the turn took
        to detect is counted)."""
        if self.text is not None:
            return self.text
        assert self.audio is not None
        self.timings["turn_detect"] = round((time.perf_counter() - self.end_of_speech) * 1000, 1)
        heard = None if self.heard is None else (self.heard[0] // 2, self.heard[1])
        return Speech(pcm16_to_float(self.audio), heard)

    def played_text(self) -> str:
        """What the student got: with speech, the whole sentences heard and the heard share of
        the one cut; without speech, the text shown so far."""
        if not self.sentences:
            return "".join(self.reply_parts).strip()
        if self.played_ms is None:
            return ""
        heard: list[str] = []
        left = float(self.played_ms)
        for text, ms in self.sentences:
            if left >= ms:
                heard.append(text)
                left -= ms
                continue
            words = text.split()
            share = int(len(words) * left / ms) if ms else 0
            if share:
                heard.append(" ".join(words[:share]) + "…")
            break
        return " ".join(heard)

    def heard_until(self, played_ms: int) -> None:
        self.played_ms = played_ms
        self.playback.set()

    async def follow(self, event: TurnEvent | Waiting) -> None:
        """Keep what the pipeline made and send (or hold) its events for the client."""
        if isinstance(event, Waiting):
            await self.emit(events.TurnWaiting(ahead=event.ahead))
        elif isinstance(event, Transcribed):
            self.text, self.uncertain = event.text, event.uncertain
            self.timings["stt"] = event.ms
            await self.emit(events.TurnTranscript(text=event.text))
        elif isinstance(event, CorrectionsFound):
            self.findings, self.prompt_text = event.findings, event.prompt_text
            corrections = [Correction.model_validate(f) for f in event.findings]
            await self.emit(events.TurnCorrections(corrections=corrections))
        elif isinstance(event, ReplyDelta):
            self.reply_parts.append(event.text)
            await self.emit(events.ReplyText(text=event.text))
        elif isinstance(event, ReplyAudio):
            if event.sentence >= len(self.sentences):
                self.sentences.append((event.text, 0.0))
                sample_rate = event.chunk.sample_rate
                await self.emit(
                    events.ReplySentence(
                        sentence=event.sentence, text=event.text, sample_rate=sample_rate
                    )
                )
            text, ms = self.sentences[-1]
            self.sentences[-1] = (text, ms + event.chunk.duration * 1000)
            await self.emit(event.chunk.pcm)
        elif isinstance(event, SpeechFailed):
            message = "Не удалось озвучить ответ."
            await self.emit(
                events.SessionError(code=str(event.error.code), message=message, fatal=False)
            )
        elif isinstance(event, ReplyDone):
            self.timings.update(event.timings)
            await self.emit(events.ReplyFinished())

    async def emit(self, item: Outgoing) -> None:
        """Send now if the turn is the tutor's, else hold until it is."""
        if not self.committed.is_set():
            self.held.append(item)
            return
        await self._deliver(item)

    async def release(self) -> None:
        """The turn is the tutor's: what was prepared goes out now, the rest as it comes.
        What the answer makes while the held part is being sent joins the queue, so the order
        holds (no audio before its sentence); the turn is committed once the queue is empty."""
        self.timings["commit"] = round((time.perf_counter() - self.end_of_speech) * 1000, 1)
        while self.held:
            held, self.held = self.held, []
            for item in held:
                await self._deliver(item)
        self.committed.set()

    async def _deliver(self, item: Outgoing) -> None:
        if isinstance(item, bytes):
            if self.first_audio_at is None:
                self.first_audio_at = time.perf_counter()
                self.timings["end_to_first_audio"] = round(
                    (time.perf_counter() - self.end_of_speech) * 1000, 1
                )
            await self.transport.send_audio(item)
            return
        if isinstance(item, events.NumberedEvent):
            item = item.model_copy(update={"turn": self.number})
        await self.transport.send(item)

    async def until_played(self) -> None:
        """The reply counts as heard when the client says it played it all, or (a client that
        does not report playback) once its length has passed. Until then, speech interrupts."""
        total_ms = sum(ms for _, ms in self.sentences)
        if not total_ms or self.first_audio_at is None:
            return
        deadline = self.first_audio_at + total_ms / 1000 + PLAYBACK_GRACE_SECONDS
        while (self.played_ms or 0) < total_ms - PLAYBACK_SLACK_MS:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return
            self.playback.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.playback.wait(), remaining)
