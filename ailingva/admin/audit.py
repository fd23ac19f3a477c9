"""`/api/admin/audit`: the journal of admin actions, newest first, filtered."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlmodel import Session, col, func, select

from ailingva.admin.schemas import AuditEntryPublic, AuditPage
from ailingva.api.deps import InstantQuery, Limit, Offset, SessionDep
from ailingva.auth.deps import AdminUser
from ailingva.core.audit import AuditAction, AuditEntry
from ailingva.core.db import DbId
from ailingva.core.errors import ErrorResponse

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 422)
}
router = APIRouter(prefix="/api/admin/audit", tags=["admin"], responses=ERRORS)


def audit_page(
    db: Session,
    *,
    action: AuditAction | None,
    actor_id: int | None,
    target_user_id: int | None,
    since: Any,
    until: Any,
    limit: int,
    offset: int,
) -> AuditPage:
    query = select(AuditEntry)
    if action is not None:
        query = query.where(AuditEntry.action == action.value)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if target_user_id is not None:
        query = query.where(
            AuditEntry.target_type == "user", AuditEntry.target_id == target_user_id
        )
    if since is not None:
        query = query.where(col(AuditEntry.created_at) >= since)
    if until is not None:
        query = query.where(col(AuditEntry.created_at) < until)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    rows = db.exec(query.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)).all()
    return AuditPage(
        items=[AuditEntryPublic.model_validate(row) for row in rows],
        total=total,
        actions=[a.value for a in AuditAction],
    )


@router.get("")
def audit(
    db: SessionDep,
    _: AdminUser,
    action: AuditAction | None = None,
    actor_id: Annotated[DbId | None, Query()] = None,
    user_id: Annotated[DbId | None, Query(description="Actions on this account")] = None,
    since: InstantQuery | None = None,
    until: InstantQuery | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AuditPage:
    return audit_page(
        db,
        action=action,
        actor_id=actor_id,
        target_user_id=user_id,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
