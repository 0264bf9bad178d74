"""review due indexes

Revision ID: c4d0b8c23a44
Revises: c2b8f6a01e22
Create Date: 2026-12-04 12:45:00

Every public response's validators count the published items whose review is overdue
(`next_review_due < today`), and the change feed lists those that fell due since; an index on
the date of each content table makes that a range lookup instead of a scan of every item.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c4d0b8c23a44"
down_revision: str | None = "c2b8f6a01e22"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("recommendation", "mechanism", "study", "source_document")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f(f"ix_{table}_next_review_due"), ["next_review_due"], unique=False
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_next_review_due"))
