"""The tutor's rules as an admin keeps them: every rule in force (the brain's and the admins'),
and an admin's own: written, changed, switched on and off, deleted, each in the journal in the
same transaction. The brain's rules may be switched off or deleted, never rewritten (the brain
renews them). Never commits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, or_, select

from ailingva.admin.rule_schemas import (
    RuleCreate,
    RulePage,
    RulePublic,
    RuleStatusFilter,
    RuleUpdate,
)
from ailingva.auth.models import Role, UserAccount
from ailingva.brain import memory
from ailingva.brain.models import RuleScope, RuleSource, RuleStatus, TutorRule
from ailingva.core.audit import AuditAction, change, differences, record
from ailingva.core.errors import AppError, ErrorCode
from ailingva.users.models import CefrLevel, UserProfile

CYRILLIC = re.compile("[А-Яа-яЁё]")
EDITABLE = ("scope", "level", "student_id", "trigger", "instruction", "priority", "expires_at")
NULLABLE = ("level", "student_id", "expires_at")

RULE_NOT_FOUND = AppError(ErrorCode.RULE_NOT_FOUND, "Правило не найдено.", 404)
BRAIN_READ_ONLY = AppError(
    ErrorCode.RULE_BRAIN_READ_ONLY,
    "Правила, выведенные из ошибок ученика, не редактируются: их можно выключить или удалить.",
    409,
)


def _in_force(now: datetime) -> tuple[Any, ...]:
    return (
        TutorRule.status == RuleStatus.ACTIVE,
        or_(col(TutorRule.expires_at).is_(None), col(TutorRule.expires_at) > now),
    )


def list_rules(
    db: Session,
    *,
    now: datetime,
    scope: RuleScope | None = None,
    source: RuleSource | None = None,
    status: RuleStatusFilter | None = None,
    student_id: int | None = None,
    limit: int,
    offset: int,
) -> RulePage:
    """The rules in force, highest priority first; for one student: those that reach them
    (their own, their level's, every student's), as their prompt reads them."""
    if student_id is not None:
        rules = memory.rules_in_force(db, student_id, now=now, enabled_only=False)
        rules = [
            r
            for r in rules
            if (scope is None or r.scope == scope)
            and (source is None or r.source == source)
            and (status is None or r.enabled == (status == RuleStatusFilter.ENABLED))
        ]
        return RulePage(items=_public(db, rules[offset : offset + limit]), total=len(rules))
    query = select(TutorRule).where(*_in_force(now))
    if scope is not None:
        query = query.where(TutorRule.scope == scope)
    if source is not None:
        query = query.where(TutorRule.source == source)
    if status is not None:
        query = query.where(col(TutorRule.enabled).is_(status == RuleStatusFilter.ENABLED))
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    page = db.exec(
        query.order_by(col(TutorRule.priority).desc(), col(TutorRule.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return RulePage(items=_public(db, page), total=total)


def rules_for_student(db: Session, user_id: int, *, now: datetime) -> list[RulePublic]:
    """A student's page: the rules that reach them; `in_prompt` marks those every turn's prompt
    takes now (a rule of a category they are not weak in joins when a turn has that error)."""
    rules = memory.rules_in_force(db, user_id, now=now, enabled_only=False)
    every_turn = set(memory.TutorMemory(rules=memory.prompt_rules(db, user_id, now=now)).tips())
    return [
        rule.model_copy(update={"in_prompt": rule.enabled and rule.instruction in every_turn})
        for rule in _public(db, rules)
    ]


def _public(db: Session, rules: Sequence[TutorRule]) -> list[RulePublic]:
    """With the names the screen shows: the student's, the author's."""
    people = {r.user_id for r in rules} | {r.created_by_id for r in rules}
    ids = [i for i in people if i is not None]
    rows = db.exec(
        select(UserAccount.id, UserAccount.email, UserProfile.display_name)
        .outerjoin(UserProfile, col(UserProfile.user_id) == col(UserAccount.id))
        .where(col(UserAccount.id).in_(ids))
    ).all()
    emails = {i: email for i, email, _ in rows}
    labels = {i: f"{name} ({email})" if name else email for i, email, name in rows}
    return [
        RulePublic(
            id=r.id or 0,
            scope=r.scope,
            level=CefrLevel(r.level) if r.level else None,
            student_id=r.user_id,
            student_label=labels.get(r.user_id) if r.user_id is not None else None,
            trigger=r.trigger,
            instruction=r.instruction,
            priority=r.priority,
            enabled=r.enabled,
            source=r.source,
            created_by=emails.get(r.created_by_id) if r.created_by_id is not None else None,
            evidence_count=r.evidence_count,
            created_at=r.created_at,
            expires_at=r.expires_at,
        )
        for r in rules
    ]


def _get(db: Session, rule_id: int) -> TutorRule:
    rule = db.get(TutorRule, rule_id)
    if rule is None:
        raise RULE_NOT_FOUND
    return rule


def _check(db: Session, fields: dict[str, Any], *, now: datetime) -> None:
    """A rule an admin writes: its scope names exactly its level or student, the student is
    one, the instruction is English (the tutor's prompt is), the expiry is ahead."""
    scope = fields["scope"]
    needs = {RuleScope.LEVEL: "level", RuleScope.STUDENT: "student_id"}.get(scope)
    for name in ("level", "student_id"):
        if (fields.get(name) is not None) != (name == needs):
            message = {
                RuleScope.ALL: "Правило для всех учеников не называет ни уровня, ни ученика.",
                RuleScope.LEVEL: "Правило для уровня называет уровень (A1…C2) и не ученика.",
                RuleScope.STUDENT: "Правило для одного ученика называет ученика и не уровень.",
            }[scope]
            raise AppError(ErrorCode.RULE_SCOPE_INVALID, message, 422)
    if scope == RuleScope.STUDENT:
        student = db.get(UserAccount, fields["student_id"])
        if student is None or student.role != Role.STUDENT:
            raise AppError(ErrorCode.RULE_STUDENT_NOT_FOUND, "Такого ученика нет.", 422)
    if CYRILLIC.search(fields["instruction"]):
        raise AppError(
            ErrorCode.RULE_NOT_ENGLISH,
            "Инструкцию репетитор читает по-английски: напишите её на английском.",
            422,
        )
    expires = fields.get("expires_at")
    if expires is not None and expires <= now:
        raise AppError(ErrorCode.RULE_EXPIRY_PAST, "Срок действия должен быть в будущем.", 422)


def _fields(rule: TutorRule) -> dict[str, Any]:
    return {
        "scope": rule.scope,
        "level": rule.level,
        "student_id": rule.user_id,
        "trigger": rule.trigger,
        "instruction": rule.instruction,
        "priority": rule.priority,
        "expires_at": rule.expires_at,
    }


def _apply(rule: TutorRule, fields: dict[str, Any]) -> None:
    rule.scope, rule.level, rule.user_id = fields["scope"], fields["level"], fields["student_id"]
    rule.trigger, rule.instruction = str(fields["trigger"]), fields["instruction"]
    rule.priority, rule.expires_at = fields["priority"], fields["expires_at"]


def _journal(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _record(
    db: Session,
    admin: UserAccount,
    rule: TutorRule,
    action: AuditAction,
    changes: dict[str, Any],
) -> None:
    record(
        db,
        actor_id=admin.id,
        actor_email=admin.email,
        action=action,
        target_type="tutor_rule",
        target_id=rule.id,
        target_label=rule.instruction,
        changes={name: {k: _journal(v) for k, v in diff.items()} for name, diff in changes.items()},
    )


def create_rule(db: Session, admin: UserAccount, body: RuleCreate, *, now: datetime) -> TutorRule:
    fields = body.model_dump(include=set(EDITABLE))
    _check(db, fields, now=now)
    rule = TutorRule(trigger="", instruction="", source=RuleSource.ADMIN, created_by_id=admin.id)
    _apply(rule, fields)
    rule.enabled, rule.created_at = body.enabled, now
    db.add(rule)
    db.flush()
    created = {**fields, "enabled": body.enabled}
    _record(
        db,
        admin,
        rule,
        AuditAction.TUTOR_RULE_CREATED,
        {k: change(None, v) for k, v in created.items() if v is not None},
    )
    return rule


def update_rule(
    db: Session, admin: UserAccount, rule_id: int, body: RuleUpdate, *, now: datetime
) -> TutorRule:
    rule = _get(db, rule_id)
    if rule.source == RuleSource.BRAIN:
        raise BRAIN_READ_ONLY
    before = _fields(rule)
    given = {
        name: value
        for name, value in body.model_dump(include=body.model_fields_set & set(EDITABLE)).items()
        if value is not None or name in NULLABLE  # a null scope or text changes nothing
    }
    after = {**before, **given}
    if "scope" in given:  # a new scope: the target is the one given with it, or none
        after |= {name: given.get(name) for name in ("level", "student_id")}
    _check(db, after, now=now)
    changes = differences(before, after)
    if changes:
        _apply(rule, after)
        db.add(rule)
        _record(db, admin, rule, AuditAction.TUTOR_RULE_CHANGED, changes)
    return rule


def set_enabled(db: Session, admin: UserAccount, rule_id: int, *, enabled: bool) -> TutorRule:
    rule = _get(db, rule_id)
    if rule.enabled != enabled:
        rule.enabled = enabled
        db.add(rule)
        _record(
            db,
            admin,
            rule,
            AuditAction.TUTOR_RULE_CHANGED,
            {"enabled": change(not enabled, enabled)},
        )
    return rule


def delete_rule(db: Session, admin: UserAccount, rule_id: int) -> None:
    rule = _get(db, rule_id)
    _record(db, admin, rule, AuditAction.TUTOR_RULE_DELETED, {"source": change(rule.source, None)})
    db.delete(rule)


def rule_public(db: Session, rule: TutorRule) -> RulePublic:
    return _public(db, [rule])[0]
