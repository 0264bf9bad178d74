"""One JSON object per line on stderr, with the request id on every line logged in a request.

Configured by the app factory, so it holds under `gutbrain serve` and `uvicorn app.main:app`
alike: uvicorn configures its loggers before it imports the app, and this then routes them
through the same handler. Uvicorn's access log is switched off; `app.access` replaces it.
"""

import logging
import sys
from typing import Literal, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from app.core.middleware import current_request_id

LogFormat = Literal["json", "text"]
ACCESS_LOGGER = "app.access"
# Uvicorn's own loggers: they keep their levels, but write through the root's handler.
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.asgi")
# Uvicorn's copy of each message with terminal colour codes.
_LEFT_OUT = ("color_message",)
# Alembic says which dialect it found each time the schema is checked, as /readyz does on every
# probe: a line per probe is noise.
_QUIETER = ("alembic.runtime.migration",)
_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request it was logged in (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stderr` is at the time, as test runners replace it."""

    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestIdFilter())

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        ["levelname", "name", "message"],
        rename_fields={"levelname": "level", "name": "logger", "exc_info": "traceback"},
        timestamp=True,
        reserved_attrs=[*RESERVED_ATTRS, *_LEFT_OUT],
    )


def configure_logging(level: str = "INFO", log_format: LogFormat = "json") -> None:
    """Idempotent: replaces the handler it installed before, and no one else's."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _StderrHandler):
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(
        json_formatter() if log_format == "json" else logging.Formatter(_TEXT_FORMAT)
    )
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in _QUIETER:
        logging.getLogger(name).setLevel(max(root.level, logging.WARNING))
    for name in _UVICORN_LOGGERS:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # No handler and no propagation: uvicorn checks `hasHandlers()` and logs no access line.
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers.clear()
    uvicorn_access.propagate = False
