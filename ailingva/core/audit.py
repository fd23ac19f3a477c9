"""The admins' journal: who did what to whom, when, and what changed.

It lives in `core/` because its writers sit on every layer: billing's admin routes (packages,
adjustments, refunds, rules) are below `admin/`, which records roles, blocks and provider
settings. Each writer records in the transaction of its change, so an action and its entry
are committed together or not at all. A secret (an API key) is recorded only as changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel

from ailingva.core.db import JSONType, created_at_field

# How a secret's change is written: never its value, not even masked.
SECRET_CHANGED = "changed"  # noqa: S105 (a word, not a secret)
SECRET_REMOVED = "removed"  # noqa: S105


class AuditAction(StrEnum):
    ROLE_CHANGED = "user.role_changed"
    USER_BLOCKED = "user.blocked"
    USER_UNBLOCKED = "user.unblocked"
    SESSIONS_REVOKED = "user.sessions_revoked"
    BALANCE_ADJUSTED = "wallet.adjusted"
    PAYMENT_REFUNDED = "payment.refunded"
    PACKAGE_CREATED = "package.created"
    PACKAGE_UPDATED = "package.updated"
    PACKAGE_RETIRED = "package.retired"
    BILLING_RULES_CHANGED = "billing.rules_changed"
    PROVIDER_SETTINGS_CHANGED = "providers.settings_changed"
    TUTOR_RULE_CHANGED = "tutor_rule.changed"
    JOB_RETRIED = "job.retried"
    TUTOR_RULE_CREATED = "tutor_rule.created"
    TUTOR_RULE_DELETED = "tutor_rule.deleted"


class AuditEntry(SQLModel, table=True):
    """One admin action. Never updated or deleted."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        sa.Index("ix_audit_entry_created", "created_at"),
        sa.Index("ix_audit_entry_target", "target_type", "target_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = created_at_field()
    # The admin's address is kept with the id, so the entry still says who after the account
    # is gone.
    actor_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL", index=True
    )
    actor_email: str = Field(max_length=254)
    # An AuditAction's value; a plain string column, so a new action needs no migration.
    action: str = Field(max_length=64, index=True)
    target_type: str = Field(max_length=32)  # "user", "package", "payment", "settings", ...
    target_id: int | None = Field(default=None)
    target_label: str = Field(default="", max_length=254)  # e.g. the student's email
    # {field: {"from": old, "to": new}}; a secret's "to" is SECRET_CHANGED or SECRET_REMOVED.
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    reason: str | None = Field(default=None, max_length=255)


def change(before: Any, after: Any) -> dict[str, Any]:
    return {"from": before, "to": after}


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose values differ, each from and to (for records without secrets)."""
    return {
        name: change(before.get(name), after.get(name))
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def record(
    db: Session,
    *,
    actor_id: int | None,
    actor_email: str,
    action: AuditAction,
    target_type: str,
    target_id: int | None = None,
    target_label: str = "",
    changes: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Add the entry to the caller's transaction."""
    entry = AuditEntry(
        actor_id=actor_id,
        actor_email=actor_email,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label[:254],
        changes=dict(changes or {}),
        reason=reason,
    )
    db.add(entry)
    db.flush()
    return entry
