"""The reply's short first clause ("Oh,") is spoken while the model still writes its sentence."""

from __future__ import annotations

import asyncio

from ailingva.providers.fake import FakeSTT, FakeTTS
from ailingva.providers.registry import Providers
from ailingva.providers.settings import ProviderSettings
from ailingva.tutor.pipeline import ReplyAudio, ReplyDelta, SentenceSplitter, TurnEvent, tutor_turn
from ailingva.tutor.prompt import PromptInput
from tests.tutor.test_reply_checks import PROFILE, ScriptedLLM, reply_of, tokens


async def first_audio_while_writing(
    script: list[str | asyncio.Event], gate: asyncio.Event
) -> tuple[list[TurnEvent], list[TurnEvent]]:
    """The events until the first audio, while the model waits at `gate`; then all of them."""
    providers = Providers(
        ProviderSettings(_env_file=None), FakeSTT(), ScriptedLLM(script), FakeTTS()
    )
    seen: list[TurnEvent] = []
    audio = asyncio.Event()

    async def run() -> None:
        async for event in tutor_turn(providers, PromptInput(PROFILE), "I saw a film.", speak=True):
            seen.append(event)
            if isinstance(event, ReplyAudio):
                audio.set()

    task = asyncio.create_task(run())
    await asyncio.wait_for(audio.wait(), timeout=120)  # the grammar engine may be loading
    before = list(seen)
    gate.set()
    await task
    return before, seen


async def test_the_first_clause_is_spoken_before_its_sentence_is_written() -> None:
    gate = asyncio.Event()
    script: list[str | asyncio.Event] = ["Oh", ",", " that", gate, " sounds", " fun", ". "]
    script += tokens("What was it about?", 3)
    before, events = await first_audio_while_writing(script, gate)
    spoken = [e for e in before if isinstance(e, ReplyAudio)]
    assert spoken and spoken[0].text == "Oh,"
    assert not [e for e in before if isinstance(e, ReplyDelta)]  # the sentence is not written
    # Shown whole, spoken in pieces that add up to it.
    assert reply_of(events) == "Oh, that sounds fun. What was it about?"
    pieces = list(dict.fromkeys(e.text for e in events if isinstance(e, ReplyAudio)))
    assert pieces == ["Oh,", "that sounds fun.", "What was it about?"]


async def test_without_the_setting_the_first_audio_waits_for_the_sentence() -> None:
    settings = ProviderSettings(_env_file=None, speak_first_clause=False)
    llm = ScriptedLLM(["Oh", ",", " that", " sounds", " fun", ". "])
    providers = Providers(settings, FakeSTT(), llm, FakeTTS())
    events = [e async for e in tutor_turn(providers, PromptInput(PROFILE), "Hi.", speak=True)]
    kinds = [type(e) for e in events if isinstance(e, ReplyAudio | ReplyDelta)]
    assert kinds.index(ReplyDelta) < kinds.index(ReplyAudio)
    assert next(e for e in events if isinstance(e, ReplyAudio)).text == "Oh, that sounds fun."


def test_only_a_short_opening_clause_is_cut() -> None:
    def lead(text: str) -> str | None:
        splitter = SentenceSplitter()
        splitter.feed(text)
        return splitter.lead_clause()

    assert lead("Oh no, that") == "Oh no,"
    assert lead("That is great, you") == "That is great,"
    assert lead("Oh,") is None  # the next word has not begun: maybe "Oh, ..." or "Oh,no"
    assert lead("Yesterday you went to the park, and") is None  # a clause too long to lead
    assert lead("Well. Nice, the") == "Nice,"  # the pipeline asks only before a sentence is out
