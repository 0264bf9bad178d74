"""see a professional if

Revision ID: c1a7e5b90d11
Revises: c4d0b8c23a44
Create Date: 2026-12-04 12:40:00.000000

Existing recommendations start with no conditions; the next `gutbrain seed` writes them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c1a7e5b90d11"
down_revision: str | None = "c4d0b8c23a44"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("see_a_professional_if", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_column("see_a_professional_if")
