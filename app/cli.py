"""`gutbrain`: migrate the database, load and report on the seed content, serve the API."""

import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, NoReturn

import sqlalchemy as sa
import typer
import uvicorn
from alembic import command
from pydantic import ValidationError
from sqlmodel import Session

from app.core.config import get_settings
from app.core.db import get_engine
from app.core.errors import AppError, database_reason, is_database_unavailable
from app.core.migrations import alembic_config
from app.evidence.report import content_report
from app.health.service import Readiness, database_status
from app.keys import service as keys
from app.keys.schemas import ApiKeyCreate
from app.keys.scopes import Scope
from app.observability.logging import configure_logging
from app.seeding.loader import SeedError, load_seed

# As the Dockerfile's CMD passes to uvicorn.
GRACEFUL_SHUTDOWN_SECONDS = 20


class ExportFormat(StrEnum):
    json = "json"
    ndjson = "ndjson"


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
    # Imported here: building the app configures the service's logging, which the other
    # commands, with their one-line messages, do without.
    from app.main import app

    typer.echo(json.dumps(app.openapi(), indent=2, ensure_ascii=False))


@cli.command()
def export(
    format: Annotated[
        ExportFormat, typer.Option("--format", help="One JSON document, or NDJSON.")
    ] = ExportFormat.json,
    output: Annotated[
        Path | None, typer.Option("--output", help="The file to write; stdout without it.")
    ] = None,
) -> None:
    """Write every published item, as `GET /v1/export` serves it."""
    from starlette.requests import Request

    from app.core.urls import Urls
    from app.export.service import FORMATS, open_snapshot, stream_export
    from app.main import app

    urls = Urls(Request({"type": "http", "app": app}))
    with _migrated_database() as session:
        chunks = stream_export(open_snapshot(get_engine()), urls, FORMATS[format.value])
        session.close()
        if output is None:
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        else:
            with output.open("wb") as file:
                file.writelines(chunks)


def _exit_after_shutdown(_signum: int, _frame: FrameType | None) -> NoReturn:
    raise SystemExit(0)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the API with uvicorn; on SIGTERM, requests in flight get 20 s to finish."""
    # Uvicorn shuts down gracefully, then raises the signal again with this handler restored:
    # a shutdown that went as planned exits 0, not killed by the signal.
    signal.signal(signal.SIGTERM, _exit_after_shutdown)
    # As the app does in each worker, for the lines of a supervising process; the app writes
    # its own access log.
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    uvicorn.run(
        "app.main:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        log_config=None,
        access_log=False,
    )


@cli.command()
def worker() -> None:
    """Deliver webhooks until SIGTERM or Ctrl-C, beside servers started with
    WEBHOOK_DELIVERY_ENABLED=false; any number of workers may run at once."""
    from app.main import app
    from app.webhooks.delivery import DeliveryWorker
    from app.webhooks.runner import item_urls

    with _migrated_database():
        pass
    stopping = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    DeliveryWorker(get_engine(), get_settings(), item_urls(app)).run(stopping)


keys_cli = typer.Typer(
    help="Create, list and revoke editor API keys.", no_args_is_help=True, add_completion=False
)
cli.add_typer(keys_cli, name="keys")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%dT%H:%MZ") if moment else "-"


@keys_cli.command("create")
def create_key(
    name: Annotated[str, typer.Option(help="Unique name: the client that holds the key.")],
    scope: Annotated[
        list[str] | None,
        typer.Option(help=f"What the key may do, repeatable: {', '.join(Scope)}."),
    ] = None,
    expires_in_days: Annotated[
        int | None, typer.Option(help="Days until the key stops working; never if omitted.")
    ] = None,
) -> None:
    """Issue a key and print it, this once: only a keyed hash of it is stored."""
    try:
        request = ApiKeyCreate(name=name, scopes=scope or [], expires_in_days=expires_in_days)
    except ValidationError as error:
        problems = "; ".join(_option_error(item) for item in error.errors())
        typer.echo(f"keys create refused: {problems}", err=True)
        raise typer.Exit(2) from None
    with _migrated_database() as session:
        try:
            issued = keys.create_key(session, request.name, request.scopes, request.expiry())
        except AppError as error:
            _fail(f"keys create refused: {error.detail}")
        row = issued.row
        summary = (
            f"Key '{row.name}' ({row.prefix}) with {', '.join(row.scopes)},"
            f" expires {_when(row.expires_at) if row.expires_at else 'never'}."
        )
        session.commit()
    typer.echo(issued.key)
    typer.echo(f"{summary} Store it now: it will not be shown again.", err=True)


def _option_error(error: Any) -> str:
    field = str(error["loc"][0]) if error["loc"] else ""
    if field == "scopes":
        if error["type"] == "enum":
            return f"unknown scope '{error['input']}'; choose from {', '.join(Scope)}"
        return f"give at least one --scope: {', '.join(Scope)}"
    if field == "name" and error["type"] == "string_pattern_mismatch":
        return "--name: use lowercase letters and digits, words joined by single hyphens"
    option = {"name": "--name", "expires_in_days": "--expires-in-days"}.get(field, field)
    return f"{option}: {error['msg']}" if option else error["msg"]


@keys_cli.command("list")
def list_keys() -> None:
    """Every key by name, with its prefix, scopes and dates; never a key itself."""
    with _migrated_database() as session:
        rows = keys.list_keys(session)
    columns = ("name", "prefix", "scopes", "created", "expires", "revoked", "last used")
    table = [columns] + [
        (
            row.name,
            row.prefix,
            ",".join(row.scopes),
            _when(row.created_at),
            _when(row.expires_at),
            _when(row.revoked_at),
            _when(row.last_used_at),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    for line in table:
        typer.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )


@keys_cli.command("revoke")
def revoke_key(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key: it stops working at once, and stays listed."""
    with _migrated_database() as session:
        try:
            row = keys.revoke_key(session, name)
        except AppError as error:
            _fail(f"keys revoke refused: {error.detail}")
        summary = f"Key '{row.name}' ({row.prefix}) revoked at {_when(row.revoked_at)}."
        session.commit()
    typer.echo(summary)


def main() -> None:
    cli()
