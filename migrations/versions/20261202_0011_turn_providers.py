"""lesson turns: the providers (speech-to-text, language model, speech) that served them

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


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


def downgrade() -> None:
    with op.batch_alter_table("lesson_turn", schema=None) as batch_op:
        batch_op.drop_column("providers")
