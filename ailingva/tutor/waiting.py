"""A tutor turn that waits its turn for the machine's models.

With a local language model one machine answers one turn at a time: when several students
speak (or type) at once, their turns line up in `LOCAL_COMPUTE`, are answered in the order they
came, and none is dropped. A turn that has to wait says so first (`Waiting`: the page shows
«Думаю…»). The place is given up as soon as the reply is all made (`ReplyDone`), not when it
has been played, so the next student's turn runs while this one's audio plays.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from typing import cast

from ailingva.providers.compute import LOCAL_COMPUTE, ComputeQueue
from ailingva.providers.registry import Providers
from ailingva.tutor.pipeline import (
    PromptSource,
    ReplyDone,
    Speech,
    Transcribed,
    TurnEvent,
    tutor_turn,
)


@dataclass(frozen=True)
class Waiting:
    """The turn waits behind `ahead` others for the models."""

    ahead: int


def shares_compute(providers: Providers) -> bool:
    """The language model runs on this machine: turns take it one at a time."""
    return providers.llm.capabilities.local


async def turn_in_line(
    providers: Providers,
    prompt: PromptSource,
    said: str | Speech,
    *,
    speak: bool,
    line: ComputeQueue = LOCAL_COMPUTE,
) -> AsyncGenerator[TurnEvent | Waiting, None]:
    """`tutor_turn`, after the turns in front of it (at once when the models are remote)."""
    # Closed here as soon as this turn is (a barge-in): that stops the model at once.
    turn = cast(AsyncGenerator[TurnEvent, None], tutor_turn(providers, prompt, said, speak=speak))
    if not shares_compute(providers):
        async with aclosing(turn) as events:
            async for event in events:
                yield event
        return
    place = line.join()
    try:
        if place.ahead:
            yield Waiting(place.ahead)
        await place.served()
        async with aclosing(turn) as events:
            async for event in events:
                if isinstance(event, ReplyDone) or (
                    isinstance(event, Transcribed) and not event.text
                ):
                    place.leave()  # the models are done with this turn
                yield event
    finally:
        place.leave()
