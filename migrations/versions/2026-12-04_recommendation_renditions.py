"""recommendation renditions: a push-notification tip and a card summary

Revision ID: c2b8f6a01e22
Revises: c3c9a7b12f33
Create Date: 2026-12-04 12:50:00.000000

Existing recommendations start with empty renditions, which the content rules refuse, so the
next `gutbrain seed` writes them (their seed documents change, so every one is rewritten).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c2b8f6a01e22"
down_revision: str | None = "c3c9a7b12f33"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        for column in ("push_tip", "card_summary"):
            # The default fills existing rows only; the model gives every new row its text.
            batch_op.add_column(sa.Column(column, sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        for column in ("push_tip", "card_summary"):
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_column("card_summary")
        batch_op.drop_column("push_tip")
