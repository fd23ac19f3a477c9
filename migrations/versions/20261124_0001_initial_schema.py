"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 05:20:18.191101
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "billing_package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("discount_percent", sa.Integer(), nullable=False),
        sa.Column("price_kopecks", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "discount_percent >= 0 AND discount_percent < 100",
            name=op.f("ck_billing_package_discount_range"),
        ),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_billing_package_minutes_positive")),
        sa.CheckConstraint(
            "price_kopecks >= 0", name=op.f("ck_billing_package_price_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_package")),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "student",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_email"), ["email"], unique=True)
        batch_op.create_index(batch_op.f("ix_user_account_role"), ["role"], unique=False)

    op.create_table(
        "app_setting",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column(
            "value", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("is_secret", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_app_setting_updated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_setting")),
    )
    op.create_table(
        "auth_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "cookie",
                "bearer",
                name="authsessionkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_auth_session_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_session")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_auth_session_secret_hash")),
    )
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_auth_session_user_active", ["user_id", "revoked_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_auth_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "learning_state",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("xp", sa.Integer(), nullable=False),
        sa.Column("streak_days", sa.Integer(), nullable=False),
        sa.Column("longest_streak_days", sa.Integer(), nullable=False),
        sa.Column("last_active_on", sa.Date(), nullable=True),
        sa.Column("lessons_completed", sa.Integer(), nullable=False),
        sa.Column("speaking_seconds", sa.Integer(), nullable=False),
        sa.Column("level_estimate", sa.String(length=2), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_learning_state_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_learning_state")),
    )
    op.create_table(
        "lesson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "ended",
                name="lessonstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "summary", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("xp_earned", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_lesson_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson")),
        sa.UniqueConstraint("user_id", "number", name="uq_lesson_user_number"),
    )
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_user_id"), ["user_id"], unique=False)

    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("provider_payment_id", sa.String(length=64), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "succeeded",
                "failed",
                name="paymentstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("amount_kopecks", sa.Integer(), nullable=False),
        sa.Column("credit_kopecks", sa.Integer(), nullable=False),
        sa.Column("confirmation_url", sa.String(length=2048), nullable=True),
        sa.Column("idempotency_key", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_kopecks > 0", name=op.f("ck_payment_amount_positive")),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["billing_package.id"],
            name=op.f("fk_payment_package_id_billing_package"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_payment_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint(
            "provider", "provider_payment_id", name="uq_payment_provider_payment_id"
        ),
        sa.UniqueConstraint("user_id", "idempotency_key", name="uq_payment_user_idempotency_key"),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_user_id"), ["user_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("referred_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rewarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("referrer_id <> referred_id", name=op.f("ck_referral_not_self")),
        sa.ForeignKeyConstraint(
            ["referred_id"],
            ["user_account.id"],
            name=op.f("fk_referral_referred_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["user_account.id"],
            name=op.f("fk_referral_referrer_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("referred_id", name=op.f("uq_referral_referred_id")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_referrer_id"), ["referrer_id"], unique=False)

    op.create_table(
        "referral_code",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_referral_code_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_referral_code")),
        sa.UniqueConstraint("code", name=op.f("uq_referral_code_code")),
    )
    op.create_table(
        "student_word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "weak",
                "known",
                name="wordstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("times_used", sa.Integer(), nullable=False),
        sa.Column("times_correct", sa.Integer(), nullable=False),
        sa.Column("times_wrong", sa.Integer(), nullable=False),
        sa.Column(
            "review_card", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_student_word_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_word")),
        sa.UniqueConstraint("user_id", "word", name="uq_student_word_user_word"),
    )
    with op.batch_alter_table("student_word", schema=None) as batch_op:
        batch_op.create_index(
            "ix_student_word_user_due", ["user_id", "status", "due_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_student_word_user_id"), ["user_id"], unique=False)

    op.create_table(
        "tutor_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(length=64), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "retired",
                name="rulestatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("evidence_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_tutor_rule_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tutor_rule")),
    )
    with op.batch_alter_table("tutor_rule", schema=None) as batch_op:
        batch_op.create_index("ix_tutor_rule_user_status", ["user_id", "status"], unique=False)

    op.create_table(
        "user_profile",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "A1",
                "A2",
                "B1",
                "B2",
                "C1",
                "C2",
                name="cefrlevel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("native_language", sa.String(length=8), nullable=False),
        sa.Column(
            "goals", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "interests", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("tts_voice", sa.String(length=64), nullable=True),
        sa.Column("speech_rate", sa.Float(), nullable=False),
        sa.Column("explain_in_russian", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_profile_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_profile")),
    )
    op.create_table(
        "wallet",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("balance_kopecks", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("balance_kopecks >= 0", name=op.f("ck_wallet_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_wallet_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_wallet")),
    )
    op.create_table(
        "knowledge_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=2), nullable=False),
        sa.Column("vocabulary_size", sa.Integer(), nullable=False),
        sa.Column("error_rate", sa.Float(), nullable=False),
        sa.Column("mean_utterance_words", sa.Float(), nullable=False),
        sa.Column(
            "metrics", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lesson.id"],
            name=op.f("fk_knowledge_snapshot_lesson_id_lesson"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_knowledge_snapshot_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_snapshot")),
    )
    with op.batch_alter_table("knowledge_snapshot", schema=None) as batch_op:
        batch_op.create_index(
            "ix_knowledge_snapshot_user_created", ["user_id", "created_at"], unique=False
        )

    op.create_table(
        "lesson_turn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "student",
                "tutor",
                "brain",
                name="turnrole",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "pipeline",
            sa.Enum(
                "streaming",
                "analysis",
                name="pipeline",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("source_turn_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "corrections", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "timings", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("audio_ms", sa.Integer(), nullable=True),
        sa.Column("interrupted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lesson.id"],
            name=op.f("fk_lesson_turn_lesson_id_lesson"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_turn_id"],
            ["lesson_turn.id"],
            name=op.f("fk_lesson_turn_source_turn_id_lesson_turn"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_turn")),
        sa.UniqueConstraint("lesson_id", "seq", name="uq_lesson_turn_lesson_seq"),
    )
    with op.batch_alter_table("lesson_turn", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_turn_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(
            "ix_lesson_turn_pipeline_created", ["pipeline", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lesson_turn_source_turn_id"), ["source_turn_id"], unique=False
        )

    op.create_table(
        "usage_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "closed",
                name="usagestatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("price_per_minute_kopecks", sa.Integer(), nullable=False),
        sa.Column("minutes_charged", sa.Integer(), nullable=False),
        sa.Column("amount_kopecks", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lesson.id"],
            name=op.f("fk_usage_session_lesson_id_lesson"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_usage_session_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_session")),
    )
    with op.batch_alter_table("usage_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_usage_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "brain_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column("turn_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "error_detected",
                "weak_word",
                "word_mastered",
                "grammar_pattern",
                "rule_created",
                "rule_retired",
                "level_estimate",
                name="braineventkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lesson.id"],
            name=op.f("fk_brain_event_lesson_id_lesson"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["turn_id"],
            ["lesson_turn.id"],
            name=op.f("fk_brain_event_turn_id_lesson_turn"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_brain_event_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brain_event")),
    )
    with op.batch_alter_table("brain_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_brain_event_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_brain_event_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_brain_event_turn_id"), ["turn_id"], unique=False)
        batch_op.create_index(
            "ix_brain_event_user_created", ["user_id", "created_at"], unique=False
        )

    op.create_table(
        "wallet_transaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "trial_bonus",
                "purchase",
                "usage_charge",
                "referral_bonus",
                "admin_adjustment",
                "refund",
                name="transactionkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("amount_kopecks", sa.Integer(), nullable=False),
        sa.Column("balance_after_kopecks", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("usage_session_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_wallet_transaction_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payment.id"],
            name=op.f("fk_wallet_transaction_payment_id_payment"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["usage_session_id"],
            ["usage_session.id"],
            name=op.f("fk_wallet_transaction_usage_session_id_usage_session"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_wallet_transaction_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_transaction")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_wallet_transaction_idempotency_key")),
    )
    with op.batch_alter_table("wallet_transaction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wallet_transaction_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_wallet_transaction_payment_id"), ["payment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_wallet_transaction_usage_session_id"), ["usage_session_id"], unique=False
        )
        batch_op.create_index(
            "ix_wallet_transaction_user_created", ["user_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("wallet_transaction", schema=None) as batch_op:
        batch_op.drop_index("ix_wallet_transaction_user_created")
        batch_op.drop_index(batch_op.f("ix_wallet_transaction_usage_session_id"))
        batch_op.drop_index(batch_op.f("ix_wallet_transaction_payment_id"))
        batch_op.drop_index(batch_op.f("ix_wallet_transaction_kind"))

    op.drop_table("wallet_transaction")
    with op.batch_alter_table("brain_event", schema=None) as batch_op:
        batch_op.drop_index("ix_brain_event_user_created")
        batch_op.drop_index(batch_op.f("ix_brain_event_turn_id"))
        batch_op.drop_index(batch_op.f("ix_brain_event_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_brain_event_kind"))

    op.drop_table("brain_event")
    with op.batch_alter_table("usage_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_session_user_id"))

    op.drop_table("usage_session")
    with op.batch_alter_table("lesson_turn", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_turn_source_turn_id"))
        batch_op.drop_index("ix_lesson_turn_pipeline_created")
        batch_op.drop_index(batch_op.f("ix_lesson_turn_lesson_id"))

    op.drop_table("lesson_turn")
    with op.batch_alter_table("knowledge_snapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_knowledge_snapshot_user_created")

    op.drop_table("knowledge_snapshot")
    op.drop_table("wallet")
    op.drop_table("user_profile")
    with op.batch_alter_table("tutor_rule", schema=None) as batch_op:
        batch_op.drop_index("ix_tutor_rule_user_status")

    op.drop_table("tutor_rule")
    with op.batch_alter_table("student_word", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_word_user_id"))
        batch_op.drop_index("ix_student_word_user_due")

    op.drop_table("student_word")
    op.drop_table("referral_code")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_referrer_id"))

    op.drop_table("referral")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_user_id"))

    op.drop_table("payment")
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_user_id"))

    op.drop_table("lesson")
    op.drop_table("learning_state")
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_session_user_id"))
        batch_op.drop_index("ix_auth_session_user_active")

    op.drop_table("auth_session")
    op.drop_table("app_setting")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_role"))
        batch_op.drop_index(batch_op.f("ix_user_account_email"))

    op.drop_table("user_account")
    op.drop_table("billing_package")
