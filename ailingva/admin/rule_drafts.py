"""A rule drafted from an admin's words (typed, or spoken and heard by speech-to-text): the
language model fills a JSON schema (decoding constrained to it where the engine can), the
draft is checked, and the admin reviews it. Nothing is saved here."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, col, func, or_, select

from ailingva.admin.rule_book import CYRILLIC
from ailingva.admin.rule_schemas import PRIORITY_DEFAULT, RuleDraft, Trigger
from ailingva.auth.models import Role, UserAccount
from ailingva.brain.models import RuleScope
from ailingva.core.errors import AppError, ErrorCode
from ailingva.grammar.findings import Category
from ailingva.providers.base import ChatMessage, LanguageModel, ProviderError, ProviderErrorCode
from ailingva.users.models import CefrLevel, UserProfile

DRAFT_MAX_TOKENS = 400
MAX_EXPIRY_DAYS = 365

CATEGORY_HINTS: dict[Category, str] = {
    Category.ARTICLES: "a/an/the",
    Category.TENSE: "tenses, e.g. Present Perfect vs Past Simple",
    Category.VERB_FORM: "irregular past, participles, infinitive or gerund",
    Category.AGREEMENT: "subject-verb agreement: he works, she has",
    Category.PREPOSITIONS: "prepositions",
    Category.WORD_ORDER: "word order, questions",
    Category.PLURAL: "plurals, countable and uncountable nouns",
    Category.PRONOUNS: "pronouns",
    Category.CALQUE: "word-for-word translation from Russian: I am agree, explain me",
    Category.SPELLING: "spelling",
    Category.WORD_CHOICE: "wrong word, false friends",
}


class DraftOutput(BaseModel):
    """What the model fills in (its JSON schema is the grammar of its answer)."""

    scope: RuleScope = Field(
        description="all: every student; level: one CEFR level; student: one student",
        examples=["all"],
    )
    level: CefrLevel | None = Field(description="The level, for scope level", examples=[None])
    student: str | None = Field(
        max_length=100,
        description="The student's name or email, for scope student",
        examples=[None],
    )
    trigger: Trigger = Field(
        description="The error category the rule is about, or always", examples=["tense"]
    )
    instruction: str = Field(
        min_length=10,
        max_length=300,
        description="The rule for the tutor, in English, one or two sentences",
        examples=[
            "When the student mixes up Present Perfect and Past Simple, ask them when the "
            "action happened."
        ],
    )
    priority: int = Field(description="1 to 100; 50 is normal", examples=[PRIORITY_DEFAULT])
    expires_in_days: int | None = Field(
        description="How long the rule holds, if the teacher says", examples=[None]
    )


DRAFT_SCHEMA = DraftOutput.model_json_schema()

SYSTEM = (
    "You turn a teacher's instruction (in Russian or English) into a rule for an AI English "
    "tutor of Russian-speaking students. Answer with JSON only.\n"
    'scope: "all" unless the teacher names a CEFR level or a person. "The student" (ученик, '
    'ученица) in general means every student: "all". "level" only when a level (A1, A2, B1, B2, '
    'C1, C2) is named, given in "level"; "student" only when one student is named by name or '
    'email, given in "student". Otherwise level and student are null.\n'
    'trigger: the kind of error the rule is about, or "always" when it is about every turn. '
    "Kinds: " + "; ".join(f"{c.value} ({hint})" for c, hint in CATEGORY_HINTS.items()) + ".\n"
    "instruction: what the tutor should do, in English, addressed to the tutor.\n"
    "priority: 50 is normal; 80 when the teacher says it is important.\n"
    "expires_in_days: the number of days when the teacher gives a period, else null."
)
# Two worked examples, unlike each other, so that a small model copies the form, not the values.
EXAMPLES = (
    (
        "Если ученик говорит «I am agree», объясни, что правильно «I agree».",
        DraftOutput(
            scope=RuleScope.ALL,
            level=None,
            student=None,
            trigger=Category.CALQUE,
            instruction="When the student says 'I am agree', recast it as 'I agree'.",
            priority=PRIORITY_DEFAULT,
            expires_in_days=None,
        ),
    ),
    (
        "For A2 students, for two weeks, always end with a question about their day. Important!",
        DraftOutput(
            scope=RuleScope.LEVEL,
            level=CefrLevel.A2,
            student=None,
            trigger="always",
            instruction="End every answer with a simple question about the student's day.",
            priority=80,
            expires_in_days=14,
        ),
    ),
)

DRAFT_INVALID = AppError(
    ErrorCode.RULE_DRAFT_INVALID,
    "Модель не смогла составить черновик правила. Сформулируйте иначе или заполните форму вручную.",
    502,
)


def draft_unavailable(what: str, error: ProviderError) -> AppError:
    return AppError(
        ErrorCode.RULE_DRAFT_UNAVAILABLE,
        f"{what} сейчас недоступна ({error.code}). Попробуйте позже или заполните форму вручную.",
        503,
    )


def messages_for(text: str) -> list[ChatMessage]:
    messages = [ChatMessage("system", SYSTEM)]
    for said, answer in EXAMPLES:
        messages += [ChatMessage("user", said), ChatMessage("assistant", answer.model_dump_json())]
    return [*messages, ChatMessage("user", text)]


async def read_draft(llm: LanguageModel, text: str) -> DraftOutput:
    """The model's reading of `text`, checked against the schema."""
    try:
        value = await llm.complete_json(
            messages_for(text), DRAFT_SCHEMA, max_tokens=DRAFT_MAX_TOKENS
        )
    except ProviderError as exc:
        if exc.code == ProviderErrorCode.BAD_OUTPUT:
            raise DRAFT_INVALID from exc
        raise draft_unavailable("Языковая модель", exc) from exc
    try:
        return DraftOutput.model_validate(value)
    except ValidationError as exc:
        raise DRAFT_INVALID from exc


def _find_student(db: Session, said: str) -> list[tuple[int, str]]:
    """Students whose email or name is `said` (any case)."""
    name = func.lower(func.coalesce(UserProfile.display_name, ""))
    wanted = said.strip().lower()
    rows = db.exec(
        select(UserAccount.id, UserAccount.email, UserProfile.display_name)
        .outerjoin(UserProfile, col(UserProfile.user_id) == col(UserAccount.id))
        .where(
            UserAccount.role == Role.STUDENT,
            or_(func.lower(UserAccount.email) == wanted, name == wanted),
        )
        .limit(2)
    ).all()
    return [(i, f"{n} ({e})" if n else e) for i, e, n in rows if i is not None]


def to_draft(db: Session, output: DraftOutput, *, heard: str, now: datetime) -> RuleDraft:
    """The form's contents: the student named is looked up, numbers are kept in range, and
    what the admin must still settle is said in `notes`."""
    notes: list[str] = []
    level = output.level if output.scope == RuleScope.LEVEL else None
    if output.scope == RuleScope.LEVEL and level is None:
        notes.append("Уровень не назван: выберите его.")
    student_id = label = None
    if output.scope == RuleScope.STUDENT:
        found = _find_student(db, output.student) if output.student else []
        if len(found) == 1:
            student_id, label = found[0]
        else:
            named = f"«{output.student}»" if output.student else "не назван"
            notes.append(f"Ученик {named}: выберите его в форме.")
    if CYRILLIC.search(output.instruction):
        notes.append("Инструкция не на английском: переведите её перед сохранением.")
    days = output.expires_in_days
    days = min(max(days, 1), MAX_EXPIRY_DAYS) if days is not None else None
    return RuleDraft(
        scope=output.scope,
        level=level,
        student_id=student_id,
        student_label=label,
        trigger=str(output.trigger),
        instruction=output.instruction.strip(),
        priority=min(max(output.priority, 0), 100),
        expires_in_days=days,
        expires_at=now + timedelta(days=days) if days is not None else None,
        heard=heard,
        notes=notes,
    )
