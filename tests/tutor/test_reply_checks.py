"""A tutor turn with a scripted model: the reply is guarded against invented turns and the
tutor's own English is checked sentence by sentence (the real grammar engine)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence

from ailingva.providers.base import Capabilities, ChatMessage, LanguageModelEngine
from ailingva.providers.fake import FakeSTT, FakeTTS
from ailingva.providers.registry import Providers
from ailingva.providers.settings import ProviderSettings
from ailingva.tutor.pipeline import (
    FALLBACK_REPLY,
    ReplyAudio,
    ReplyDelta,
    ReplyDone,
    TurnEvent,
    tutor_turn,
)
from ailingva.tutor.prompt import PromptInput, StudentProfile

PROFILE = StudentProfile("Аня")


class ScriptedLLM(LanguageModelEngine):
    """Answers each call with the next script (a list of tokens), remembering what it was
    asked; a script may wait on an event before a token (the model still writing)."""

    capabilities = Capabilities(streaming=True)

    def __init__(self, *scripts: Sequence[str | asyncio.Event]) -> None:
        self.name = "scripted:llm"
        self._scripts = list(scripts)
        self.calls: list[tuple[list[ChatMessage], tuple[str, ...]]] = []

    async def _generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        temperature: float,
        stop: tuple[str, ...],
    ) -> AsyncGenerator[str, None]:
        self.calls.append((list(messages), stop))
        for token in self._scripts.pop(0):
            if isinstance(token, asyncio.Event):
                await token.wait()
            else:
                await asyncio.sleep(0)
                yield token


def providers(llm: ScriptedLLM) -> Providers:
    return Providers(ProviderSettings(_env_file=None), FakeSTT(), llm, FakeTTS())


async def turn(llm: ScriptedLLM, said: str = "I played football.") -> list[TurnEvent]:
    return [e async for e in tutor_turn(providers(llm), PromptInput(PROFILE), said, speak=True)]


def reply_of(events: list[TurnEvent]) -> str:
    done = events[-1]
    assert isinstance(done, ReplyDone)
    shown = "".join(e.text for e in events if isinstance(e, ReplyDelta))
    spoken = {e.sentence: e.text for e in events if isinstance(e, ReplyAudio)}
    assert shown == done.reply == " ".join(spoken[i] for i in sorted(spoken))
    return done.reply


def tokens(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


async def test_an_invented_turn_is_neither_shown_spoken_nor_stored() -> None:
    said = "Oh, nice! What did you do there? "
    for size in (1, 3, 4, 7):
        script = tokens(said + "Stu" + "dent: I played. Lingva: Great! What then?", size)
        llm = ScriptedLLM(script)
        assert reply_of(await turn(llm)) == said.strip()
        # The model was told where to stop, and the student's name is among the stops.
        stops = llm.calls[0][1]
        assert "Student:" in stops and "Lingva:" in stops and "Аня:" in stops


async def test_a_reply_that_is_all_another_turn_gets_a_fallback_question() -> None:
    llm = ScriptedLLM(["Stud", "ent:", " I like it."])
    assert reply_of(await turn(llm)) == FALLBACK_REPLY


async def test_a_bad_sentence_is_written_again_once() -> None:
    llm = ScriptedLLM(
        tokens("Great! My brother have a dog too. What is its name?", 4),
        ['"My brother', " has a dog too.", '"'],
    )
    assert reply_of(await turn(llm)) == "Great! My brother has a dog too. What is its name?"
    rewrite, stops = llm.calls[1]
    # The lesson's prompt first, unchanged: the model's cached prefix serves the rewrite.
    assert rewrite[: len(llm.calls[0][0])] == llm.calls[0][0]
    assert "My brother have a dog too." in rewrite[-1].content
    assert '"have" -> "has"' in rewrite[-1].content
    assert "Student:" in stops


async def test_a_sentence_still_bad_when_written_again_is_dropped() -> None:
    llm = ScriptedLLM(
        tokens("Great! My brother have a dog too. What is its name?", 5),
        ["My brother have a dog.", " Student: hi"],
    )
    assert reply_of(await turn(llm)) == "Great! What is its name?"


async def test_a_clean_first_sentence_is_spoken_while_the_model_still_writes() -> None:
    writing = asyncio.Event()
    llm = ScriptedLLM(["Great", " job!", " Wh", writing, "at next?"])
    events = tutor_turn(providers(llm), PromptInput(PROFILE), "I played.", speak=True)
    seen: list[TurnEvent] = []
    async for event in events:
        seen.append(event)
        if isinstance(event, ReplyAudio):
            break
    # The first sentence was checked and spoken before the model wrote the second one.
    assert [e.text for e in seen if isinstance(e, ReplyDelta)] == ["Great job!"]
    writing.set()
    seen += [e async for e in events]
    assert reply_of(seen) == "Great job! What next?"


async def test_a_reply_ends_at_its_question_and_has_at_most_three_sentences() -> None:
    long = "Great! You went there. It was far. It was long. Was it fun? And then? More."
    llm = ScriptedLLM(tokens(long, 6))
    # The statements between the second sentence and the question are left out for it.
    assert reply_of(await turn(llm)) == "Great! You went there. Was it fun?"
    llm = ScriptedLLM(tokens("Great! Was it fun? Student: yes. And then?", 3))
    assert reply_of(await turn(llm)) == "Great! Was it fun?"


async def test_a_reply_without_a_question_gets_one_from_the_model() -> None:
    llm = ScriptedLLM(tokens("Paris is the capital of France.", 5), ["What city do you like?"])
    assert reply_of(await turn(llm)) == "Paris is the capital of France. What city do you like?"
    asked = llm.calls[1][0]
    assert asked[-2] == ChatMessage("assistant", "Paris is the capital of France.")
    # A follow-up that is no question, or not clean English, is not added.
    llm = ScriptedLLM(tokens("Paris is the capital.", 5), ["Why you like it?"])
    assert reply_of(await turn(llm)) == "Paris is the capital."
