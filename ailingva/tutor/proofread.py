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


def is_question(sentence: str) -> bool:
    return sentence.rstrip("\"'”» )").endswith("?")


class ReplyShape:
    """At most `limit` sentences, ending at the question: the first sentences pass at once; a
    question after them ends the reply; a later statement waits, in case a question follows
    (then it is left out for it)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._passed = 0
        self._waiting: str | None = None
        self.done = False

    def add(self, sentence: str) -> list[str]:
        if self.done:
            return []
        if self._passed < self._limit - 1:
            self._passed += 1
            self.done = self._passed > 1 and is_question(sentence)
            return [sentence]
        if is_question(sentence):
            self.done = True
            return [sentence]
        self._waiting = self._waiting or sentence
        return []

    def flush(self) -> list[str]:
        """The reply ended without a question in its last place: the statement that waited."""
        waiting, self._waiting = self._waiting, None
        return [] if self.done or waiting is None else [waiting]
