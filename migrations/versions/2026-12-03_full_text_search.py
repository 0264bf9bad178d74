"""full-text search index over published recommendations, mechanisms and studies

Revision ID: 7d2a9c4e1f60
Revises: 5c1e2f7a9b30
Create Date: 2026-12-03 16:00:00

The index is not a model: each database gets its own full-text machinery, written in its own
SQL. SQLite: an FTS5 virtual table (Porter stemming over unicode61 tokens). PostgreSQL: a table
whose `document` column, generated from the title (weight A) and the body (weight D) with the
`english` configuration, carries a GIN index. `app.search.index.reindex` fills it;
`migrations/env.py` keeps autogenerate from offering to drop it.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7d2a9c4e1f60"
down_revision: str | None = "5c1e2f7a9b30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "kind UNINDEXED, slug UNINDEXED, language UNINDEXED, title, body, "
            "tokenize='porter unicode61')"
        )
        return
    op.execute(
        """
        CREATE TABLE search_index (
            kind VARCHAR(20) NOT NULL,
            slug VARCHAR(100) NOT NULL,
            language VARCHAR(16) NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            document TSVECTOR GENERATED ALWAYS AS (
                setweight(to_tsvector('english'::regconfig, title), 'A')
                || setweight(to_tsvector('english'::regconfig, body), 'D')
            ) STORED,
            CONSTRAINT pk_search_index PRIMARY KEY (kind, slug)
        )
        """
    )
    op.execute("CREATE INDEX ix_search_index_document ON search_index USING gin (document)")


def downgrade() -> None:
    # On SQLite this drops the FTS5 shadow tables too; on PostgreSQL, the GIN index.
    op.execute("DROP TABLE search_index")
