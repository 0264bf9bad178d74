"""`gutbrain`: migrate the database, load and report on the seed content, serve the API."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import sqlalchemy as sa
import typer
import uvicorn
from alembic import command
from sqlmodel import Session

from app.core.config import get_settings
from app.core.db import get_engine
from app.core.errors import database_reason, is_database_unavailable
from app.core.migrations import alembic_config
from app.evidence.report import content_report
from app.health.service import Readiness, database_status
from app.main import app
from app.seeding.loader import SeedError, load_seed

cli = typer.Typer(
    help=__doc__, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False
)


@contextmanager
def _migrated_database() -> Iterator[Session]:
    """A session on a reachable database at the latest revision; otherwise one line on what is
    wrong (the URL without its password) and exit status 1, not a traceback."""
    engine = get_engine()
    url = engine.url.render_as_string(hide_password=True)
    with Session(engine) as session:
        status = database_status(session)
        if status.readiness is Readiness.unreachable:
            _fail(f"cannot reach the database {url}: {status.reason}")
        if status.readiness is Readiness.not_migrated:
            _fail(f"the database {url} is not ready: {status.reason}")
        try:
            yield session
        except sa.exc.SQLAlchemyError as error:
            if not is_database_unavailable(error):
                raise
            _fail(f"lost the database {url}: {database_reason(error)}")


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)


@cli.command()
def migrate() -> None:
    """Upgrade the database schema to the latest revision."""
    command.upgrade(alembic_config(), "head")


@cli.command()
def seed() -> None:
    """Load the seed content; a second run changes nothing."""
    with _migrated_database() as session:
        try:
            report = load_seed(session, get_settings().seed_dir)
        except SeedError as error:
            session.rollback()
            typer.echo(f"seed refused, nothing loaded: {error}", err=True)
            raise typer.Exit(1) from error
        session.commit()
    typer.echo(report.summary())


@cli.command()
def report() -> None:
    """Print counts per kind, certainty and caveat kind, and every content rule broken."""
    with _migrated_database() as session:
        content = content_report(session)
    typer.echo("\n".join(content.lines()))
    if content.problems:
        raise typer.Exit(1)


@cli.command()
def openapi() -> None:
    """Print the OpenAPI document (the committed copy is `openapi.json`)."""
    typer.echo(json.dumps(app.openapi(), indent=2, ensure_ascii=False))


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the API with uvicorn."""
    uvicorn.run("app.main:app", host=host, port=port, workers=workers, proxy_headers=True)


def main() -> None:
    cli()
