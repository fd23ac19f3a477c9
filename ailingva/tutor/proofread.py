"""The tutor's own English is checked: the grammar engine reads each sentence of the reply
before it is spoken. A clean sentence goes on at once (a check takes milliseconds); one with a
finding is held, with every sentence after it (the order of speech must hold), until the model
has finished writing. Then it is written again once (the model is busy with the reply until
then) and kept if the engine finds the new one clean, else dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from ailingva.grammar.findings import Finding

Check = Callable[[str], Awaitable[Sequence[Finding]]]
# The sentence written again (given the draft of the whole reply and the findings), or None.
Rewrite = Callable[[str, str, Sequence[Finding]], Awaitable[str | None]]
Say = Callable[[str], Awaitable[None]]


class Proofreader:
    def __init__(self, check: Check, rewrite: Rewrite, say: Say) -> None:
        self._check = check
        self._rewrite = rewrite
        self._say = say
        self._draft: list[str] = []  # every sentence the model wrote, as written
        self._held: list[tuple[str, Sequence[Finding]]] = []
        self.rewritten = 0
        self.dropped = 0

    async def add(self, sentence: str) -> None:
        """A sentence the model has finished: said now if clean and nothing is held before it."""
        self._draft.append(sentence)
        findings = await self._check(sentence)
        if findings or self._held:
            self._held.append((sentence, findings))
        else:
            await self._say(sentence)

    async def finish(self) -> None:
        """The model has written its reply: the held sentences, each fixed or dropped."""
        draft = " ".join(self._draft)
        for sentence, findings in self._held:
            if not findings:
                await self._say(sentence)
                continue
            fixed = await self._rewrite(draft, sentence, findings)
            if fixed and fixed != sentence and not await self._check(fixed):
                self.rewritten += 1
                await self._say(fixed)
            else:
                self.dropped += 1
        self._held = []
