"""`/api/admin/users`: find accounts, change roles, block and unblock, end sign-ins, and read
a student's page (profile, wallet, lessons, words, rules, brain events). The ledger and
adjustments are billing's (`/api/admin/billing/transactions`, `/adjustments`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request

from ailingva.admin import accounts, rule_book, student
from ailingva.admin.rule_schemas import RulePublic
from ailingva.admin.schemas import (
    AccountStatus,
    AdminUserPage,
    AdminUserRow,
    BlockRequest,
    BrainEventPage,
    RoleChange,
    SessionsRevoked,
    StudentDetail,
    StudentWordPage,
)
from ailingva.api.deps import IdPath, Limit, Offset, SearchText, SessionDep
from ailingva.auth.deps import AdminUser
from ailingva.auth.models import Role
from ailingva.auth.repository import get_user
from ailingva.brain.models import BrainEventKind
from ailingva.core.db import utcnow
from ailingva.core.errors import ErrorResponse
from ailingva.learning.models import WordStatus
from ailingva.lessons import service as lessons
from ailingva.lessons.schemas import LessonDetail, LessonList
from ailingva.voice.live import EndReason, LiveSessions

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
router = APIRouter(prefix="/api/admin/users", tags=["admin"], responses=ERRORS)


def _live(request: Request) -> LiveSessions:
    live: LiveSessions = request.app.state.live_sessions
    return live


def _end_voice(
    request: Request, background: BackgroundTasks, user_id: int, reason: EndReason
) -> None:
    # After the commit (background tasks run once the endpoint's session has committed), so a
    # session that ends cannot be started again by a sign-in the block has not yet stopped.
    background.add_task(_live(request).end_sessions_of, user_id, reason)


@router.get("")
def list_users(
    db: SessionDep,
    _: AdminUser,
    q: SearchText = None,
    role: Role | None = None,
    status: AccountStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AdminUserPage:
    items, total = accounts.search_users(
        db, query=q, role=role, status=status, limit=limit, offset=offset
    )
    return AdminUserPage(items=items, total=total)


@router.get("/{user_id}")
def user_detail(user_id: IdPath, db: SessionDep, _: AdminUser, request: Request) -> StudentDetail:
    return student.student_detail(
        db, user_id, now=utcnow(), voice_here=_live(request).open_for(user_id)
    )


@router.put("/{user_id}/role")
def change_role(
    user_id: IdPath, body: RoleChange, db: SessionDep, admin: AdminUser
) -> AdminUserRow:
    accounts.change_role(db, admin, user_id, body.role)
    return accounts.user_row(db, user_id)


@router.post("/{user_id}/block")
def block(
    user_id: IdPath,
    db: SessionDep,
    admin: AdminUser,
    request: Request,
    background: BackgroundTasks,
    body: BlockRequest | None = None,
) -> AdminUserRow:
    """No sign-in from now on; every sign-in and token ends, and an open voice session is
    closed (code 4403), in whichever app process serves it."""
    reason = body.reason if body else None
    accounts.set_blocked(db, admin, user_id, blocked=True, reason=reason, now=utcnow())
    _end_voice(request, background, user_id, "account_blocked")
    return accounts.user_row(db, user_id)


@router.post("/{user_id}/unblock")
def unblock(user_id: IdPath, db: SessionDep, admin: AdminUser) -> AdminUserRow:
    accounts.set_blocked(db, admin, user_id, blocked=False, reason=None, now=utcnow())
    return accounts.user_row(db, user_id)


@router.delete("/{user_id}/sessions")
def revoke_sessions(
    user_id: IdPath,
    db: SessionDep,
    admin: AdminUser,
    request: Request,
    background: BackgroundTasks,
) -> SessionsRevoked:
    """Sign the account out everywhere; an open voice session is closed (code 4401)."""
    revoked = accounts.revoke_sessions(db, admin, user_id, now=utcnow())
    _end_voice(request, background, user_id, "signed_out")
    return SessionsRevoked(revoked=revoked)


@router.get("/{user_id}/lessons")
def user_lessons(
    user_id: IdPath, db: SessionDep, _: AdminUser, limit: Limit = 20, offset: Offset = 0
) -> LessonList:
    get_user(db, user_id)
    return lessons.lesson_list(db, user_id, limit=limit, offset=offset)


@router.get("/{user_id}/lessons/{lesson_id}")
def user_lesson(user_id: IdPath, lesson_id: IdPath, db: SessionDep, _: AdminUser) -> LessonDetail:
    """A lesson with its turns and each turn's stage timings."""
    return lessons.lesson_detail(db, user_id, lesson_id)


@router.get("/{user_id}/words")
def user_words(
    user_id: IdPath,
    db: SessionDep,
    _: AdminUser,
    status: WordStatus = WordStatus.WEAK,
    limit: Limit = 50,
    offset: Offset = 0,
) -> StudentWordPage:
    get_user(db, user_id)
    return student.student_words(db, user_id, status=status, limit=limit, offset=offset)


@router.get("/{user_id}/rules")
def user_rules(user_id: IdPath, db: SessionDep, _: AdminUser) -> list[RulePublic]:
    """The tutor's rules that reach the student (theirs, their level's, every student's), in
    the order the prompt takes them; `in_prompt` marks those every turn's prompt takes now."""
    get_user(db, user_id)
    return rule_book.rules_for_student(db, user_id, now=utcnow())


@router.get("/{user_id}/brain-events")
def user_brain_events(
    user_id: IdPath,
    db: SessionDep,
    _: AdminUser,
    kind: BrainEventKind | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> BrainEventPage:
    get_user(db, user_id)
    return student.brain_events(db, user_id, kind=kind, limit=limit, offset=offset)
