"""How log lines are written: text (the default) or, with ``WANGQIAN_LOG_FORMAT=json``, one
JSON object per line for a log shipper. Either way every line carries its request id
(``backend.request_ids``), ``-`` for lines no request caused."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from backend.request_ids import RequestIdFilter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# What the access log adds to its records (``backend.access_log``), written as fields of their own.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "request_id", …}`` on one line: the message's
    own newlines and control characters are escaped by JSON, so no line is forged."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in ACCESS_FIELDS:
            if (value := getattr(record, name, None)) is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_handler(log_format: str) -> logging.Handler:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(level: str, log_format: str) -> None:
    """The root logger's one handler (what ``logging.basicConfig`` would set up)."""
    logging.basicConfig(level=level, handlers=[log_handler(log_format)])
