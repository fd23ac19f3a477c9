"""One tutor turn as a stream of events: what was heard, corrections, reply text deltas, reply
audio.

The same stream serves the text chat and the voice session; it starts at the student's text or
at their speech (speech-to-text runs here, the one place it does). The model's reply is cut
into sentences as it streams; each finished sentence goes to speech at once, so the first audio
is ready while the model is still writing the rest.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing, suppress
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ailingva.grammar.checker import get_checker
from ailingva.grammar.findings import Finding, mark_unsure
from ailingva.providers.base import AudioChunk, ProviderError
from ailingva.providers.registry import Providers
from ailingva.tutor.guard import ReplyGuard, guard_reply, stop_sequences
from ailingva.tutor.prompt import (
    MAX_SENTENCES,
    REPLY_MAX_TOKENS,
    REWRITE_MAX_TOKENS,
    PromptInput,
    build_messages,
    follow_up_messages,
    rewrite_messages,
)
from ailingva.tutor.proofread import Proofreader, ReplyShape, is_question
from ailingva.tutor.schemas import MAX_MESSAGE_CHARS

# A sentence ends at . ! ? (or …) followed by a space; "Mr. Smith" splitting early costs nothing
# but a slightly earlier first sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")
# The reply's first words up to a comma, when they are few ("Oh,", "Oh no,", "That is great,"),
# once the next word has begun: spoken before the sentence is complete.
_LEAD_CLAUSE = re.compile(r"^\s*((?:[^\s,.!?…]+\s+){0,3}[^\s,.!?…]+,)\s+\S")
# Said when nothing of the model's reply could be kept (it was all another turn or bad English).
FALLBACK_REPLY = "Can you tell me more about it?"
# What the model may write but must not be read aloud.
_NOT_SPOKEN = re.compile(r"[*_#`~>|]+")


@dataclass(frozen=True)
class Transcribed:
    """What speech-to-text heard ("" when it heard no words) and how long it took (ms)."""

    text: str
    ms: float
    uncertain: tuple[str, ...] = ()  # what it heard without confidence (Transcript.uncertain_text)


@dataclass(frozen=True)
class Speech:
    """What the student said, as audio: 16 kHz mono samples. `heard`: its first samples as
    they were transcribed at a pause the student went on after; only the rest is decoded."""

    samples: npt.NDArray[np.float32]
    heard: tuple[int, Transcribed] | None = None


@dataclass(frozen=True)
class CorrectionsFound:
    findings: tuple[Finding, ...]
    prompt_text: str  # the student's message as the model is given it (notes included)


@dataclass(frozen=True)
class ReplyDelta:
    text: str


@dataclass(frozen=True)
class ReplyAudio:
    """A piece of the spoken reply; `sentence` counts from 0 and `text` is that sentence."""

    sentence: int
    text: str
    chunk: AudioChunk


@dataclass(frozen=True)
class SpeechFailed:
    """Speech synthesis failed; the reply text still arrives."""

    error: ProviderError


@dataclass(frozen=True)
class ReplyDone:
    reply: str
    timings: dict[str, float] = field(default_factory=dict)


TurnEvent = Transcribed | CorrectionsFound | ReplyDelta | ReplyAudio | SpeechFailed | ReplyDone


class SentenceSplitter:
    """Feeds on text deltas; hands out each sentence as soon as it is complete."""

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, delta: str) -> list[str]:
        self._buffer += delta
        parts = _SENTENCE_END.split(self._buffer)
        self._buffer = parts.pop()
        return [p.strip() for p in parts if p.strip()]

    def flush(self) -> list[str]:
        rest, self._buffer = self._buffer.strip(), ""
        return [rest] if rest else []

    def lead_clause(self) -> str | None:
        """The unfinished sentence's short first clause, if it has one (see _LEAD_CLAUSE)."""
        match = _LEAD_CLAUSE.match(self._buffer)
        return match.group(1) if match else None


def sentences_of(text: str) -> list[str]:
    splitter = SentenceSplitter()
    return splitter.feed(text) + splitter.flush()


def speakable(sentence: str) -> str:
    return " ".join(_NOT_SPOKEN.sub(" ", sentence).split())


async def find_errors(text: str) -> tuple[Finding, ...]:
    """The grammar engine's findings (it blocks: run off the event loop)."""
    return tuple(await asyncio.to_thread(get_checker().check, text))


def _ms_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


async def transcribe(
    providers: Providers, speech: Speech, *, language: str | None = "en"
) -> Transcribed:
    """The student's words (English; `language` None: as detected, e.g. an admin's dictated
    rule), cut to the length of a typed message."""
    start = time.perf_counter()
    before, head = speech.heard or (0, Transcribed("", 0.0))
    heard = await providers.stt.transcribe(speech.samples[before:], language)
    text = joined(head.text, heard.text.strip())[:MAX_MESSAGE_CHARS]
    return Transcribed(text, _ms_since(start), (*head.uncertain, *heard.uncertain_text()))


def joined(head: str, tail: str) -> str:
    """An utterance transcribed in two parts, cut at a pause. The first part decoded alone may
    end in "..." or "," (it trailed off: the sentence goes on, lower case) or in a full stop
    (two sentences, as said)."""
    if not head or not tail:
        return head or tail
    if head.endswith(("...", "…", ",")) or head[-1].isalnum():
        first, _, rest = tail.partition(" ")
        if first[:1].isupper() and first.lower() not in ("i", "i'm", "i've", "i'll", "i'd"):
            first = first[0].lower() + first[1:]
        return f"{head.rstrip('.…,')} {first} {rest}".strip()
    return f"{head} {tail}"


# The prompt, or how to read it once the words are heard: a voice turn's history may change
# while speech-to-text runs (the turn before it is stored).
PromptSource = PromptInput | Callable[[], Awaitable[PromptInput]]


async def tutor_turn(
    providers: Providers,
    prompt: PromptSource,
    said: str | Speech,
    *,
    speak: bool,
) -> AsyncIterator[TurnEvent]:
    """Answer one student utterance; speech first yields Transcribed (and no more when no
    words were heard). Raises ProviderError when speech-to-text or the model fails; a failure of
    speech synthesis only costs the audio (SpeechFailed). Closing the iterator early (barge-in)
    cancels the model and the speech at once. A short clause that opens the reply ("Oh,") is
    spoken as soon as it is written (SPEAK_FIRST_CLAUSE), as a piece of its own (ReplyAudio
    counts spoken pieces); the rest of its sentence follows once the sentence is complete."""
    timings: dict[str, float] = {}
    unsure: tuple[str, ...] = ()
    if isinstance(said, Speech):
        heard = await transcribe(providers, said)
        timings["stt"] = heard.ms
        yield heard
        if not heard.text:
            return
        said, unsure = heard.text, heard.uncertain
    text = said
    if not isinstance(prompt, PromptInput):
        prompt = await prompt()
    start = time.perf_counter()
    findings = mark_unsure(await find_errors(text), text, unsure)
    timings["grammar"] = _ms_since(start)
    messages = build_messages(prompt, text, findings)
    yield CorrectionsFound(findings, messages[-1].content)
    events: asyncio.Queue[TurnEvent | Exception | None] = asyncio.Queue()
    sentences: asyncio.Queue[str | None] = asyncio.Queue()
    reply_parts: list[str] = []
    name = prompt.profile.name
    lead: list[str] = []  # the first clause once it was queued for speech ("": not spoken)
    first_clause = speak and providers.settings.speak_first_clause

    async def out(sentence: str) -> None:
        """A sentence of the reply, checked: shown and queued for speech."""
        if "first_sentence" not in timings:
            timings["first_sentence"] = _ms_since(start)
        reply_parts.append(sentence)
        await events.put(ReplyDelta(sentence if len(reply_parts) == 1 else f" {sentence}"))
        if len(reply_parts) == 1 and lead and sentence.startswith(lead[0]):
            sentence = sentence[len(lead[0]) :].strip()  # its start is being spoken already
        if sentence:
            await sentences.put(sentence)

    async def speak_lead(splitter: SentenceSplitter) -> None:
        """Before the first sentence is complete: its short first clause, if clean, to speech."""
        clause = splitter.lead_clause()
        if clause is None:
            return
        if await find_errors(clause):
            lead.append("")  # said with its sentence, once that is checked
            return
        lead.append(clause)
        timings["first_clause"] = _ms_since(start)
        await sentences.put(clause)

    async def rewrite(draft: str, sentence: str, found: Sequence[Finding]) -> str | None:
        fixes = [(f.original, f.correction) for f in found]
        request = rewrite_messages(messages, draft, sentence, fixes)
        try:
            text = await providers.llm.complete(
                request, max_tokens=REWRITE_MAX_TOKENS, temperature=0.2, stop=stop_sequences(name)
            )
        except ProviderError:
            return None  # the sentence is dropped; the rest of the reply stands
        written = sentences_of(guard_reply(text, name).strip("\"'“”«» "))
        return written[0] if written else None

    async def follow_up() -> None:
        """The reply ended without a question: the model is asked for one."""
        request = follow_up_messages(messages, " ".join(reply_parts))
        with suppress(ProviderError):  # the reply stands without it
            text = await providers.llm.complete(
                request, max_tokens=REWRITE_MAX_TOKENS, temperature=0.5, stop=stop_sequences(name)
            )
            question = next(
                (s for s in sentences_of(guard_reply(text, name)) if is_question(s)), ""
            )
            if question and not await find_errors(question):
                await out(question)

    async def write() -> None:
        llm_start = time.perf_counter()
        guard = ReplyGuard(name)
        splitter = SentenceSplitter()
        shape = ReplyShape(MAX_SENTENCES)
        proofreader = Proofreader(find_errors, rewrite, out)
        written = False
        try:
            stream = providers.llm.stream_chat(
                messages, max_tokens=REPLY_MAX_TOKENS, stop=stop_sequences(name)
            )
            async with aclosing(stream) as deltas:
                async for delta in deltas:
                    if not written:
                        timings["llm_first_token"] = _ms_since(llm_start)
                        written = True
                    for sentence in splitter.feed(guard.feed(delta)):
                        for kept in shape.add(sentence):
                            await proofreader.add(kept)
                    if first_clause and not lead and not reply_parts:
                        await speak_lead(splitter)
                    # Another turn began, or the reply has its question: the model may stop.
                    if guard.cut or shape.done:
                        break
            for sentence in splitter.feed(guard.flush()) + splitter.flush():
                for kept in shape.add(sentence):
                    await proofreader.add(kept)
            for kept in shape.flush():
                await proofreader.add(kept)
            timings["llm_total"] = _ms_since(llm_start)
            await proofreader.finish()
            if (
                reply_parts
                and not is_question(reply_parts[-1])
                and len(reply_parts) < MAX_SENTENCES
            ):
                await follow_up()
            if not reply_parts:  # all cut or dropped: the student still gets an answer
                await out(FALLBACK_REPLY)
        finally:
            await sentences.put(None)

    async def say() -> None:
        index = 0
        failed = False
        while (sentence := await sentences.get()) is not None:
            words = speakable(sentence)
            if not speak or failed or not words:
                index += 1
                continue
            try:
                async for chunk in providers.tts.synthesize_stream(words):
                    if "first_audio" not in timings:
                        timings["first_audio"] = _ms_since(start)
                    await events.put(ReplyAudio(index, sentence, chunk))
            except ProviderError as exc:
                failed = True  # keep the text flowing; no more audio this turn
                await events.put(SpeechFailed(exc))
            index += 1

    async def run() -> None:
        try:
            await asyncio.gather(write(), say())
        except Exception as exc:  # handed to the consumer, which re-raises it
            await events.put(exc)
        finally:
            await events.put(None)

    worker = asyncio.create_task(run())
    try:
        while (event := await events.get()) is not None:
            if isinstance(event, Exception):
                raise event
            yield event
        timings["total"] = _ms_since(start)
        yield ReplyDone(" ".join(reply_parts), timings)
    finally:
        if not worker.done():
            worker.cancel()
            with suppress(asyncio.CancelledError):
                await worker
