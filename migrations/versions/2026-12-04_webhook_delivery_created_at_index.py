"""webhook delivery created_at index

Revision ID: d2e9a4c61f08
Revises: c1a7e5b90d11
Create Date: 2026-12-04 18:15:00

Delivery workers delete the attempts older than `WEBHOOK_HISTORY_DAYS` every hour; an index on
the time each was made finds them without reading the whole history.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d2e9a4c61f08"
down_revision: str | None = "c1a7e5b90d11"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_delivery_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_delivery_created_at"))
