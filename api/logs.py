"""Logs as JSON lines, each carrying the request id and the calling user's id when there is a request.

What a log line may hold: the service's own words, ids (request, user, household), methods, route
templates, statuses and durations — never a name, an ID number, an address, a query string, a
header or a body, where personal data travels. Exceptions are logged by type; their messages can
quote the values that were refused.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

#: The current request's id and the caller's user id, set by the request middlewares.
request_id_var: ContextVar[str | None] = ContextVar("jiuzhu_request_id", default=None)
user_id_var: ContextVar[str | None] = ContextVar("jiuzhu_user_id", default=None)

#: Extra fields a log call may pass (``extra={...}``) that the JSON line carries.
FIELDS = ("method", "route", "status", "duration_ms", "event", "position", "lag", "holder", "count")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request and user ids, and the known extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id_var.get()
        uid = getattr(record, "user_id", None) or user_id_var.get()
        if rid:
            line["request_id"] = rid
        if uid:
            line["user_id"] = uid
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__  # the type only: a message may quote personal data
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config(fmt: str = "json", level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the service and uvicorn (given to uvicorn so each worker uses it)."""
    formatter: dict[str, Any] = (
        {"()": "api.logs.JsonFormatter"}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": level},
    }


def configure(fmt: str = "json", level: str = "INFO") -> None:
    """Set up logging for a command (serve, project, migrate…)."""
    import logging.config

    logging.config.dictConfig(log_config(fmt, level))
