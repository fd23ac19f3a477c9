"""lesson turns: the providers (speech-to-text, language model, speech) that served them; an
index of the students' live turns by time for the admin's analytics

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


STUDENT_LIVE_TURN = "pipeline = 'streaming' AND role = 'student'"


def upgrade() -> None:
    with op.batch_alter_table("lesson_turn", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "providers",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=False,
                server_default=sa.text("'{}'"),
            )
        )
    # The admin's analytics of what students said, by day (an index-only scan on PostgreSQL).
    op.create_index(
        "ix_lesson_turn_student_created",
        "lesson_turn",
        ["created_at"],
        postgresql_include=["lesson_id", "corrections"],
        postgresql_where=sa.text(STUDENT_LIVE_TURN),
        sqlite_where=sa.text(STUDENT_LIVE_TURN),
    )


def downgrade() -> None:
    op.drop_index("ix_lesson_turn_student_created", table_name="lesson_turn")
    with op.batch_alter_table("lesson_turn", schema=None) as batch_op:
        batch_op.drop_column("providers")
