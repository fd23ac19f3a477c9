"""tutor rules: a scope (all students, a level, one student), a trigger, an admin's switch

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:40:00

The brain's rules keep their user; their `pattern` (the error category that gave rise to them)
becomes the `trigger`. An admin's rules for all students or a level have no user.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPE_TARGET = (
    "(scope = 'student' AND user_id IS NOT NULL AND level IS NULL)"
    " OR (scope = 'level' AND user_id IS NULL AND level IS NOT NULL)"
    " OR (scope = 'all' AND user_id IS NULL AND level IS NULL)"
)


# The enums' CHECKs are made and dropped by name, the same on SQLite and PostgreSQL.
ENUMS = {"rulescope": ("all", "level", "student"), "rulesource": ("brain", "admin")}


def _enum(name: str) -> sa.Enum:
    return sa.Enum(*ENUMS[name], name=name, native_enum=False, create_constraint=False, length=32)


def _one_of(column: str, name: str) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in ENUMS[name])})"


def upgrade() -> None:
    with op.batch_alter_table("tutor_rule", schema=None) as batch_op:
        batch_op.alter_column(
            "pattern", new_column_name="trigger", existing_type=sa.String(length=64)
        )
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(
            sa.Column(
                "scope",
                _enum("rulescope"),
                nullable=False,
                server_default="student",
            )
        )
        batch_op.add_column(sa.Column("level", sa.String(length=2), nullable=True))
        batch_op.add_column(
            sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column(
                "source",
                _enum("rulesource"),
                nullable=False,
                server_default="brain",
            )
        )
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tutor_rule_created_by_id_user_account"),
            "user_account",
            ["created_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(batch_op.f("ck_tutor_rule_scope_target"), SCOPE_TARGET)
        batch_op.create_check_constraint(
            batch_op.f("ck_tutor_rule_rulescope"), _one_of("scope", "rulescope")
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_tutor_rule_rulesource"), _one_of("source", "rulesource")
        )
        batch_op.create_index("ix_tutor_rule_scope_level", ["scope", "level"], unique=False)


def downgrade() -> None:
    # Rules without a user (an admin's, for all students or a level) have no place in the old
    # table.
    op.execute("DELETE FROM tutor_rule WHERE user_id IS NULL")
    with op.batch_alter_table("tutor_rule", schema=None) as batch_op:
        batch_op.drop_index("ix_tutor_rule_scope_level")
        for name in ("scope_target", "rulescope", "rulesource"):
            batch_op.drop_constraint(batch_op.f(f"ck_tutor_rule_{name}"), type_="check")
    with op.batch_alter_table("tutor_rule", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tutor_rule_created_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("source")
        batch_op.drop_column("enabled")
        batch_op.drop_column("level")
        batch_op.drop_column("scope")
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column(
            "trigger", new_column_name="pattern", existing_type=sa.String(length=64)
        )
