"""`gutbrain`: migrate the database, load and report on the seed content, serve the API."""

import json
from typing import Annotated

import typer
import uvicorn
from alembic import command
from alembic.config import Config
from sqlmodel import Session

from app.core.config import PROJECT_ROOT, get_settings
from app.core.db import get_engine
from app.evidence.report import content_report
from app.main import app
from app.seeding.loader import SeedError, load_seed

cli = typer.Typer(
    help=__doc__, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False
)


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url or get_settings().database_url
    return config


@cli.command()
def migrate() -> None:
    """Upgrade the database schema to the latest revision."""
    command.upgrade(alembic_config(), "head")


@cli.command()
def seed() -> None:
    """Load the seed content; a second run changes nothing."""
    with Session(get_engine()) as session:
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
    with Session(get_engine()) as session:
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
