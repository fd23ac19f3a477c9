"""money: 64-bit amounts (a wallet overflowed PostgreSQL's integer at 2^31 kopecks)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY_COLUMNS = {
    "billing_package": ("price_kopecks",),
    "wallet": ("balance_kopecks",),
    "wallet_transaction": ("amount_kopecks", "balance_after_kopecks"),
    "usage_session": ("amount_kopecks",),
    "payment": ("amount_kopecks", "credit_kopecks"),
}


def _retype(new: sa.types.TypeEngine[int], old: sa.types.TypeEngine[int]) -> None:
    # SQLite's INTEGER holds 64 bits already (the models keep it there): nothing to rebuild.
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, columns in MONEY_COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=new, existing_type=old, existing_nullable=False)


def upgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())


def downgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())
