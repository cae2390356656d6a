"""Logs as one JSON object per line (or plain text), carrying the batch id, tenant and bundle index in scope.

Privacy: only what the code passes as the log message and the context fields below reach a line. Nothing here
reads a manifest; log calls across the service name ids and exception types, never names, dates of birth,
document numbers or file contents. An exception's message may quote document content, so a JSON line carries
the exception's type and stack, never its message.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

# The fields a line may carry besides its message: ids, never personal data.
CONTEXT_FIELDS = ("batch_id", "tenant", "bundle_index")
_context: ContextVar[dict[str, object]] = ContextVar("kyc_log_context")


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Within this block (this thread or task), every log line carries `fields` (names from CONTEXT_FIELDS)."""
    unknown = set(fields) - set(CONTEXT_FIELDS)
    if unknown:
        raise ValueError(f"not a log context field: {sorted(unknown)}")
    token = _context.set({**_context.get({}), **fields})
    try:
        yield
    finally:
        _context.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, the context fields known, and for an
    exception its type and stack."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(_context.get({}))
        line.update({name: getattr(record, name) for name in CONTEXT_FIELDS if hasattr(record, name)})
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, stack = record.exc_info
            line["exc_type"] = kind.__name__
            # Where, not what: file, line and function of each frame (no source lines, no locals, no message).
            line["stack"] = [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_tb(stack)]
        return json.dumps(line, default=str)


class _TextFormatter(logging.Formatter):
    """Plain text with the context fields appended as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = {**_context.get({}), **{n: getattr(record, n) for n in CONTEXT_FIELDS if hasattr(record, n)}}
        return text + "".join(f" {k}={v}" for k, v in fields.items())


# Loggers that libraries give handlers of their own (uvicorn's): made to go through the root handler instead.
# (uvicorn.access is left as `--no-access-log` set it: off.)
_OWN_HANDLER_LOGGERS = ("uvicorn", "uvicorn.error", "celery", "celery.task")


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """One handler on the root logger, to stderr, in `log_format` ("json" or "text")."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _OWN_HANDLER_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
