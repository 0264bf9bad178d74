from alembic import context
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table on the metadata)
from app.core.config import get_settings
from app.core.db import create_db_engine

target_metadata = SQLModel.metadata


def _url() -> str:
    return context.config.attributes.get("database_url") or get_settings().database_url


# The full-text search index is created by raw SQL in its own migration, per database, and is
# not on the models' metadata: leave it (and, on SQLite, the shadow tables FTS5 keeps for it)
# out of autogenerate, which would otherwise offer to drop them.
SEARCH_TABLES = {"search_index"} | {
    f"search_index_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config")
}


def _include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    return not (type_ == "table" and name in SEARCH_TABLES)


def _refuse_empty_revisions(context_: object, revision: object, directives: list) -> None:
    script = directives[0]
    if getattr(context.config.cmd_opts, "autogenerate", False) and script.upgrade_ops.is_empty():
        directives[:] = []


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
        render_as_batch=_url().startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        engine = create_db_engine(_url())
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
        process_revision_directives=_refuse_empty_revisions,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
