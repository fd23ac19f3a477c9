"""The tutor speaks only as the tutor: its reply is cut at the first role marker.

A small model that has seen a conversation may go on writing it: "What did your brother do
there? Student: He played with the dogs. Lingva: That's great!". Whatever follows a role label
("Student:", "Lingva:", "User:", the student's name and a colon, in any case) is a turn the model
invented, so it is neither spoken nor stored. The model is also given stop sequences; the guard
covers what they miss (other spellings, cases, a label split across tokens).

`ReplyGuard` works on the token stream: it hands out text as soon as it cannot be the start of
a marker and holds back only a possibly-starting one ("Stu", "Lingva ", "**Tutor").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# The roles a model writes in a transcript, English and Russian (the tutor's name among them).
ROLE_WORDS = (
    "student",
    "lingva",
    "tutor",
    "teacher",
    "user",
    "assistant",
    "learner",
    "system",
    "ai",
    "студент",
    "ученик",
    "ученица",
    "учитель",
    "преподаватель",
    "репетитор",
    "пользователь",
    "ассистент",
    "лингва",
)
# The tutor's own labels: one at the very start of the reply is dropped, not cut at.
SELF_WORDS = frozenset({"lingva", "tutor", "teacher", "assistant", "ai", "лингва", "репетитор"})
# Between the word and the colon: markdown emphasis or a little space ("**Student:**",
# "Student :"); the colon may be a full-width one.
_GAP = r"[ \t]{0,2}(?:\*{1,2}|_{1,2})?[ \t]{0,2}"
_OPEN = r"(?:\*{1,2}|_{1,2}|\[)?"
_COLON = "[:：]"
_LABEL_END = " \t\n*_"
# Asked of the model: what it would write first when it starts an invented turn. OpenAI
# accepts four stop sequences, so the likeliest come first.
STOP_PREFIX = ("Student:", "Lingva:")
STOP_SUFFIX = ("User:", "Tutor:", "\nStudent", "\nLingva", "student:", "Assistant:")


def role_words(student_name: str) -> tuple[str, ...]:
    """The role words, with the student's name (and its first word) when it has one."""
    names = []
    name = " ".join(student_name.split()).lower()
    if name:
        names.append(name)
        first = name.split(" ")[0]
        if first != name:
            names.append(first)
    return (*ROLE_WORDS, *names)


def stop_sequences(student_name: str) -> tuple[str, ...]:
    """What the model's generation stops at (the guard cuts the rest)."""
    name = " ".join(student_name.split())
    named = (f"{name}:",) if name else ()
    return (*STOP_PREFIX, *named, *STOP_SUFFIX)


def _marker_re(words: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<!\w){_OPEN}(?P<word>{alternatives}){_GAP}{_COLON}", re.IGNORECASE)


class ReplyGuard:
    """Feed it the reply's deltas; it returns what may be shown and spoken. Once a marker of
    another turn appears, `cut` is set and everything from it on is dropped."""

    def __init__(self, student_name: str = "") -> None:
        self._words = role_words(student_name)
        self._marker = _marker_re(self._words)
        self._pending = ""
        self._before = ""  # the last character handed out: does a marker start a word?
        self._started = False  # some of the reply was handed out
        self._labelled = False  # the tutor's own label was dropped from the start
        self.cut = False

    def feed(self, delta: str) -> str:
        if self.cut:
            return ""
        self._pending += delta
        if self._labelled and not self._started:  # the rest of "**Lingva:** "
            self._pending = self._pending.lstrip(_LABEL_END)
        while match := self._marker.search(self._before + self._pending):
            start = max(match.start() - len(self._before), 0)
            end = match.end() - len(self._before)
            if self._is_self_label(match, start):
                self._pending = self._pending[end:].lstrip(_LABEL_END)
                self._labelled = True
                continue
            self.cut = True
            return self._release(self._pending[:start].rstrip(), keep="")
        hold = self._hold_from()
        return self._release(self._pending[:hold], keep=self._pending[hold:])

    def flush(self) -> str:
        """The end of the reply: what was held back is text after all."""
        return "" if self.cut else self._release(self._pending, keep="")

    def _is_self_label(self, match: re.Match[str], start: int) -> bool:
        """The tutor's own label before anything else of the reply ("Lingva: Great!")."""
        first = not self._started and not self._pending[:start].strip()
        return first and match.group("word").lower() in SELF_WORDS

    def _hold_from(self) -> int:
        """The first position of the pending text where a marker may be starting."""
        before = self._before
        for index, char in enumerate(self._pending):
            previous = self._pending[index - 1] if index else before
            if (previous.isalnum() or previous == "_") or not (char.isalpha() or char in "*_["):
                continue
            if self._could_start(self._pending[index:]):
                return index
        return len(self._pending)

    def _could_start(self, tail: str) -> bool:
        """Whether `tail` may grow into a marker (it is the beginning of one, colon missing)."""
        rest = re.sub(r"^(?:\*{1,2}|_{1,2}|\[)", "", tail).lower()
        if not rest:
            return True
        for word in self._words:
            if word.startswith(rest):
                return True
            if rest.startswith(word) and re.fullmatch(_GAP, rest[len(word) :]):
                return True
        return False

    def _release(self, text: str, *, keep: str) -> str:
        self._pending = keep
        if text:
            self._before = text[-1]
            self._started = self._started or bool(text.strip())
        return text


def role_marker_at(text: str, student_name: str = "") -> int | None:
    """Where the first role marker of `text` starts, or None when it has none."""
    match = _marker_re(role_words(student_name)).search(text)
    return match.start() if match else None


def guard_reply(text: str, student_name: str = "") -> str:
    """The whole reply, cut at its first role marker."""
    guard = ReplyGuard(student_name)
    return (guard.feed(text) + guard.flush()).strip()
