"""lesson turns: what speech-to-text was unsure of; speaking time is the billed voice time

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lesson_turn", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "uncertain_text",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=False,
                server_default=sa.text("'[]'"),
            )
        )
    # The Progress page's minutes are the voice minutes billed (usage_session), not a sum of
    # the student's utterances kept here.
    with op.batch_alter_table("learning_state", schema=None) as batch_op:
        batch_op.drop_column("speaking_seconds")


def downgrade() -> None:
    with op.batch_alter_table("learning_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("speaking_seconds", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("lesson_turn", schema=None) as batch_op:
        batch_op.drop_column("uncertain_text")
