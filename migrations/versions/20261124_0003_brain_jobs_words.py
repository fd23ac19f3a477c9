"""brain: failed jobs, word use, one analysis per turn

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 05:59:57.355294
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "failed_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("args", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_job")),
    )
    with op.batch_alter_table("failed_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_failed_job_failed_at"), ["failed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_failed_job_name"), ["name"], unique=False)

    op.create_table(
        "word_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lesson.id"],
            name=op.f("fk_word_use_lesson_id_lesson"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_word_use_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_word_use")),
        sa.UniqueConstraint("user_id", "word", "lesson_id", name="uq_word_use_user_word_lesson"),
    )
    with op.batch_alter_table("word_use", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_word_use_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_word_use_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("lesson_turn", schema=None) as batch_op:
        batch_op.create_index(
            "uq_lesson_turn_analysis_source",
            ["source_turn_id"],
            unique=True,
            sqlite_where=sa.text("pipeline = 'analysis'"),
            postgresql_where=sa.text("pipeline = 'analysis'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("lesson_turn", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_lesson_turn_analysis_source",
            sqlite_where=sa.text("pipeline = 'analysis'"),
            postgresql_where=sa.text("pipeline = 'analysis'"),
        )

    with op.batch_alter_table("word_use", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_word_use_user_id"))
        batch_op.drop_index(batch_op.f("ix_word_use_lesson_id"))

    op.drop_table("word_use")
    with op.batch_alter_table("failed_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_failed_job_name"))
        batch_op.drop_index(batch_op.f("ix_failed_job_failed_at"))

    op.drop_table("failed_job")
