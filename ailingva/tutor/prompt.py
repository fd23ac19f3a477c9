"""The tutor's prompt: who the student is, the rules in force, recent history, and this
utterance's grammar findings.

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


# Shown to the model once, in the lesson's fixed prefix: a small model follows examples far
# better than rules. The short reaction first also makes the first spoken sentence quick.
EXAMPLES = (
    'Student: My sister have a big dog. (Correct: "have" -> "has")\n'
    "Lingva: Oh, nice! Your sister has a big dog. What is its name?\n"
    "Student: I like reading books.\n"
    "Lingva: Me too! What book are you reading now?\n"
    'Student: Yesterday I buyed new shoes. (Correct: "buyed" -> "bought")\n'
    "Lingva: Cool! You bought new shoes yesterday. What color are they?"
)


def system_prompt(profile: StudentProfile) -> str:
    """Fixed for the student's whole lesson: a local model keeps it evaluated (its cached
    prefix), so only the new turn is read before the first word of the answer."""
    lines = [
        "You are Lingva, a warm, patient English tutor talking by voice with a Russian-speaking "
        f"student named {profile.name} (level {profile.level}).",
        LEVEL_STYLE.get(profile.level, LEVEL_STYLE["A2"]),
        "Answer in 2 or 3 short sentences, like a spoken conversation: no lists, no markdown, "
        "no emoji.",
        'First react in a few words (like "Oh, nice!" or "Really?"). Then, if the app corrected '
        "the student, say their idea again with the correct form. End with one simple question "
        "about what the student said.",
        "Never explain grammar and never invent corrections: the app shows them to the student.",
    ]
    if profile.goals:
        lines.append(f"The student's goals: {', '.join(profile.goals)}.")
    if profile.interests:
        lines.append(f"The student is interested in: {', '.join(profile.interests)}.")
    lines += ["", "Examples:", EXAMPLES]
    return "\n".join(lines)


def user_message(text: str, findings: Sequence[Finding], memory: TutorMemory) -> str:
    """The student's words, then what changes from turn to turn: this turn's corrections and
    the brain's current advice (after the words, so the cached prefix stays as long as can be).
    The next turns' prompts repeat this message exactly (LessonTurn.prompt_text)."""
    notes = []
    if findings:
        fixes = "; ".join(f'"{f.original}" -> "{f.correction}"' for f in findings)
        notes.append(f"Correct: {fixes}")
    if memory.rules:
        notes.append("For this student: " + " ".join(memory.rules))
    if memory.review_words:
        notes.append("Use one of the words they are learning: " + ", ".join(memory.review_words))
    if memory.mention:
        notes.append(f"Once, briefly, by the way: their last turn had {memory.mention}")
    return text if not notes else f"{text} ({'. '.join(n.rstrip('.') for n in notes)})"


def history_start(total: int) -> int:
    """Of a lesson's `total` conversation turns, the first the model sees. The window is cut
    in steps, not slid a turn at a time: a cut changes the prompt's prefix (the model then reads
    it all anew), so it happens once every HISTORY_STEP turns."""
    if total <= HISTORY_MAX_TURNS:
        return 0
    return total - (HISTORY_MIN_TURNS + (total - HISTORY_MIN_TURNS) % HISTORY_STEP)


def build_messages(data: PromptInput, text: str, findings: Sequence[Finding]) -> list[ChatMessage]:
    messages = [ChatMessage("system", system_prompt(data.profile))]
    for role, content in data.history:
        messages.append(ChatMessage("user" if role == "student" else "assistant", content))
    messages.append(ChatMessage("user", user_message(text, findings, data.memory)))
    return messages
