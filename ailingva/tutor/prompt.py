"""The tutor's prompt: who the student is, the rules in force (those of every turn and those
this utterance's errors trigger), recent history, and this utterance's grammar findings.

Corrections come from the grammar engine, not the model: a small local model explains grammar
wrongly, so it is told what was wrong and only converses (acknowledge, recast, ask a question).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ailingva.brain.memory import TutorMemory
from ailingva.grammar.findings import Finding
from ailingva.providers.base import ChatMessage

# How much of the lesson the model sees: enough for context, small enough to stay fast.
HISTORY_MIN_TURNS = 4
HISTORY_STEP = 12
HISTORY_MAX_TURNS = HISTORY_MIN_TURNS + HISTORY_STEP - 1
REPLY_MAX_TOKENS = 120
MAX_SENTENCES = 3  # of a reply, its question included
REWRITE_MAX_TOKENS = 48  # one sentence of a reply, written again

LEVEL_STYLE = {
    "A1": "Use very short sentences and only the most common words.",
    "A2": "Use short, simple sentences and common words.",
    "B1": "Use clear everyday English; avoid idioms.",
    "B2": "Speak naturally; explain an idiom if you use one.",
    "C1": "Speak naturally, as to a fluent speaker.",
    "C2": "Speak naturally, as to a fluent speaker.",
}


@dataclass(frozen=True)
class StudentProfile:
    name: str
    level: str = "A2"
    goals: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()


@dataclass(frozen=True)
class PromptInput:
    profile: StudentProfile
    memory: TutorMemory = field(default_factory=TutorMemory)
    # Earlier turns of this lesson the model sees (history_start), oldest first:
    # ("student" | "tutor", text).
    history: Sequence[tuple[str, str]] = field(default_factory=tuple)


# Earlier turns of every lesson, before its real ones: a small model follows examples far better
# than rules, and as chat turns (not a transcript with role labels) they give it no pattern of
# writing the student's side. Each is (the student's words, their corrections, the answer); the
# short reaction first also makes the first spoken sentence quick.
EXAMPLES: tuple[tuple[str, tuple[tuple[str, str], ...], str], ...] = (
    (
        "My sister have a big dog.",
        (("have", "has"),),
        "Oh, a big dog! Your sister has a big dog. What is its name?",
    ),
    ("I like cooking.", (), "Cooking is a great hobby! What do you like to cook?"),
    (
        "How you feel today?",
        (("you feel", "do you feel"),),
        'Good question: "How do you feel today?" I feel great, thank you. And how do you feel?',
    ),
    (
        "My car broke down.",
        (),
        "Oh no, that is bad luck. I hope it is easy to fix. How do you get to work now?",
    ),
    (
        "My father don't like cats.",
        (("do", "does"),),
        "I see. Your father doesn't like cats. Does he like dogs?",
    ),
    (
        'как сказать "кошка"?',
        (),
        'We say "a cat". For example, "My cat sleeps all day." Do you have a cat?',
    ),
    (
        "Я сегодня очень устал.",
        (),
        'You can say it in English: "I am very tired today." Can you try to say it in English?',
    ),
    (
        "Yesterday I buyed new shoes.",
        (("buyed", "bought"),),
        "Cool! You bought new shoes yesterday. What color are they?",
    ),
)


def system_prompt(profile: StudentProfile) -> str:
    """Fixed for the student's whole lesson: a local model keeps it evaluated (its cached
    prefix), so only the new turn is read before the first word of the answer."""
    lines = [
        "You are Lingva, a warm, patient English tutor talking by voice with a Russian-speaking "
        f"student named {profile.name} (level {profile.level}).",
        LEVEL_STYLE.get(profile.level, LEVEL_STYLE["A2"]),
        "Answer in English, in 2 or 3 short sentences, like a spoken conversation: no lists, "
        "no markdown, no emoji. Write only your own answer, never the student's words.",
        "First react in a few words that fit what was said (glad for good news, sorry for bad "
        "news, never the same words every time). Then, if the app corrected the student, say "
        'their sentence again with the correct form, to them ("You went ...", not "I went '
        '..."). End with one simple question about what the student said.',
        "If the student asks you something, first say their question again with the correct "
        "form, then answer in one short sentence and ask them back. You are their English tutor "
        "and have no hobbies, family or city of your own: never make them up.",
        "If the student asks how to say a word in English, give the English word, one short "
        "example sentence and a question. If the student writes in Russian, answer in simple "
        "English and ask them to try in English.",
        "Never explain grammar and never invent corrections: the app shows them to the student.",
    ]
    if profile.goals:
        lines.append(f"The student's goals: {', '.join(profile.goals)}.")
    if profile.interests:
        lines.append(f"The student is interested in: {', '.join(profile.interests)}.")
    lines.append("The first exchanges are examples; the lesson starts after them.")
    return "\n".join(lines)


def correction_note(fixes: Sequence[tuple[str, str]]) -> str:
    """What the app corrected, as the model reads it: '"have" -> "has"; ...'."""
    return "; ".join(f'"{original}" -> "{correction}"' for original, correction in fixes)


def user_message(text: str, findings: Sequence[Finding], memory: TutorMemory) -> str:
    """The student's words, then what changes from turn to turn: this turn's corrections and
    the brain's current advice (after the words, so the cached prefix stays as long as can be).
    The next turns' prompts repeat this message exactly (LessonTurn.prompt_text). A finding on
    words speech-to-text was unsure of is not the model's to correct: it is asked on the page."""
    sure = [f for f in findings if not f.uncertain]
    fixes = [(f.original, f.correction) for f in sure]
    return _with_notes(text, fixes, memory, {str(f.category) for f in sure})


def _with_notes(
    text: str, fixes: Sequence[tuple[str, str]], memory: TutorMemory, categories: set[str]
) -> str:
    notes = []
    if fixes:
        notes.append(f"Correct: {correction_note(fixes)}")
    tips = memory.tips(categories)
    if tips:
        notes.append("Tips: " + " ".join(tips))
    if memory.review_words:
        notes.append("Use one of the words they are learning: " + ", ".join(memory.review_words))
    if memory.mention:
        notes.append(f"Once, briefly, by the way: their last turn had {memory.mention}")
    return text if not notes else f"{text} ({'. '.join(n.rstrip('.') for n in notes)})"


def example_messages() -> list[ChatMessage]:
    """The examples as the lesson's first turns, each student message as a real one looks."""
    messages = []
    for said, fixes, answer in EXAMPLES:
        messages.append(ChatMessage("user", _with_notes(said, fixes, TutorMemory(), set())))
        messages.append(ChatMessage("assistant", answer))
    return messages


def history_start(total: int) -> int:
    """Of a lesson's `total` conversation turns, the first the model sees. The window is cut
    in steps, not slid a turn at a time: a cut changes the prompt's prefix (the model then reads
    it all anew), so it happens once every HISTORY_STEP turns."""
    if total <= HISTORY_MAX_TURNS:
        return 0
    return total - (HISTORY_MIN_TURNS + (total - HISTORY_MIN_TURNS) % HISTORY_STEP)


def build_messages(data: PromptInput, text: str, findings: Sequence[Finding]) -> list[ChatMessage]:
    messages = [ChatMessage("system", system_prompt(data.profile)), *example_messages()]
    for role, content in data.history:
        messages.append(ChatMessage("user" if role == "student" else "assistant", content))
    messages.append(ChatMessage("user", user_message(text, findings, data.memory)))
    return messages


def rewrite_messages(
    messages: Sequence[ChatMessage], draft: str, sentence: str, fixes: Sequence[tuple[str, str]]
) -> list[ChatMessage]:
    """Ask for one sentence of the tutor's reply again, in correct English. The lesson's
    messages come first unchanged, so the model's cached prefix still serves."""
    request = (
        f'Say this sentence of your answer again in correct English: "{sentence}" '
        f"(Correct: {correction_note(fixes)}). Write only the new sentence."
    )
    return [*messages, ChatMessage("assistant", draft), ChatMessage("user", request)]


def follow_up_messages(messages: Sequence[ChatMessage], reply: str) -> list[ChatMessage]:
    """Ask for the question a reply lacks (the lesson's messages first, as for a rewrite)."""
    request = "Now ask me one short, simple question about what I said. Write only the question."
    return [*messages, ChatMessage("assistant", reply), ChatMessage("user", request)]
