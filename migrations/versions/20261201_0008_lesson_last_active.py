"""lessons: when the student last used one (an unused lesson ends after 30 minutes)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=True))
    # A lesson was last used at its last turn, or when it started.
    op.execute(
        "UPDATE lesson SET last_active_at = COALESCE("
        "(SELECT MAX(lesson_turn.created_at) FROM lesson_turn"
        " WHERE lesson_turn.lesson_id = lesson.id), lesson.started_at)"
    )
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.alter_column(
            "last_active_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_index(
            "ix_lesson_status_last_active_at", ["status", "last_active_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.drop_index("ix_lesson_status_last_active_at")
        batch_op.drop_column("last_active_at")
