"""default billing packages (60, 300 and 1000 minutes at 0 %, 10 % and 20 % off)

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BASE_PRICE_KOPECKS = 500
PACKAGES = [("Старт", 60, 0, 1), ("Практика", 300, 10, 2), ("Марафон", 1000, 20, 3)]

package = sa.table(
    "billing_package",
    sa.column("name", sa.String),
    sa.column("minutes", sa.Integer),
    sa.column("discount_percent", sa.Integer),
    sa.column("price_kopecks", sa.Integer),
    sa.column("is_active", sa.Boolean),
    sa.column("sort_order", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    now = datetime.now(UTC)
    op.bulk_insert(
        package,
        [
            {
                "name": name,
                "minutes": minutes,
                "discount_percent": discount,
                "price_kopecks": minutes * BASE_PRICE_KOPECKS * (100 - discount) // 100,
                "is_active": True,
                "sort_order": order,
                "created_at": now,
                "updated_at": now,
            }
            for name, minutes, discount, order in PACKAGES
        ],
    )


def downgrade() -> None:
    op.execute(package.delete().where(package.c.name.in_([p[0] for p in PACKAGES])))
