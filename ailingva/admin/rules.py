"""`/api/admin/rules`: every tutor rule in force (the brain's for one student, the admins' for
all students, a level or one student): list, write, change, switch on and off, delete; and a
draft of a rule from the admin's words, typed or spoken."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile

from ailingva.admin import rule_book, rule_drafts
from ailingva.admin.rule_schemas import (
    MAX_DRAFT_TEXT,
    DraftRequest,
    RuleCreate,
    RuleDraft,
    RulePage,
    RulePublic,
    RuleStatusFilter,
    RuleUpdate,
)
from ailingva.api.deps import IdPath, Limit, Offset, ProvidersDep, SessionDep
from ailingva.auth.deps import AdminUser
from ailingva.auth.repository import get_user
from ailingva.brain.models import RuleScope, RuleSource
from ailingva.core.db import DbId, utcnow
from ailingva.core.errors import AppError, ErrorCode, ErrorResponse
from ailingva.providers.base import ProviderError
from ailingva.tutor.pipeline import Speech, transcribe
from ailingva.tutor.uploads import decode_recording, read_upload

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
DRAFT_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (413, 415, 502, 503)
}
router = APIRouter(prefix="/api/admin/rules", tags=["admin"], responses=ERRORS)


@router.get("")
def list_rules(
    db: SessionDep,
    _: AdminUser,
    scope: RuleScope | None = None,
    source: RuleSource | None = None,
    status: RuleStatusFilter | None = None,
    student_id: Annotated[
        DbId | None, Query(description="The rules that reach this student")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RulePage:
    """The rules in force (active, unexpired), highest priority first."""
    if student_id is not None:
        get_user(db, student_id)
    return rule_book.list_rules(
        db,
        now=utcnow(),
        scope=scope,
        source=source,
        status=status,
        student_id=student_id,
        limit=limit,
        offset=offset,
    )


@router.post("", status_code=201)
def create_rule(body: RuleCreate, db: SessionDep, admin: AdminUser) -> RulePublic:
    """Saved rules reach the matching students' prompts from their next turn."""
    rule = rule_book.create_rule(db, admin, body, now=utcnow())
    return rule_book.rule_public(db, rule)


@router.patch("/{rule_id:int}")
def update_rule(rule_id: IdPath, body: RuleUpdate, db: SessionDep, admin: AdminUser) -> RulePublic:
    rule = rule_book.update_rule(db, admin, rule_id, body, now=utcnow())
    return rule_book.rule_public(db, rule)


@router.post("/{rule_id:int}/enable")
def enable_rule(rule_id: IdPath, db: SessionDep, admin: AdminUser) -> RulePublic:
    return rule_book.rule_public(db, rule_book.set_enabled(db, admin, rule_id, enabled=True))


@router.post("/{rule_id:int}/disable")
def disable_rule(rule_id: IdPath, db: SessionDep, admin: AdminUser) -> RulePublic:
    return rule_book.rule_public(db, rule_book.set_enabled(db, admin, rule_id, enabled=False))


@router.delete("/{rule_id:int}", status_code=204)
def delete_rule(rule_id: IdPath, db: SessionDep, admin: AdminUser) -> None:
    rule_book.delete_rule(db, admin, rule_id)


@router.post("/draft", responses=DRAFT_ERRORS)
async def draft_rule(
    body: DraftRequest, db: SessionDep, _: AdminUser, providers: ProvidersDep
) -> RuleDraft:
    """A draft of a rule from a teaching instruction; the admin reviews and saves it."""
    output = await rule_drafts.read_draft(providers.current.llm, body.text)
    return rule_drafts.to_draft(db, output, heard=body.text, now=utcnow())


@router.post("/draft/audio", responses=DRAFT_ERRORS)
async def draft_rule_from_audio(
    audio: Annotated[UploadFile, File(description="The spoken instruction: WAV, OGG, WebM, MP3")],
    db: SessionDep,
    _: AdminUser,
    providers: ProvidersDep,
) -> RuleDraft:
    """As `/draft`, from a recording: speech-to-text (the language detected) first."""
    samples = await decode_recording(await read_upload(audio))
    current = providers.current
    try:
        heard = await transcribe(current, Speech(samples), language=None)
    except ProviderError as exc:
        raise rule_drafts.draft_unavailable("Распознавание речи", exc) from exc
    if not heard.text:
        raise AppError(ErrorCode.NO_SPEECH, "В записи не слышно речи. Попробуйте ещё раз.", 422)
    text = heard.text[:MAX_DRAFT_TEXT]
    output = await rule_drafts.read_draft(current.llm, text)
    return rule_drafts.to_draft(db, output, heard=text, now=utcnow())
