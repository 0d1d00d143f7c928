"""Log lines as JSON objects, for log pipelines (`LOG_FORMAT=json`): one object a line, the same lines the
plain format writes (after RedactSecrets, like every line), plus one line per MCP request.

A request line (logger `alloy.requests`) says which request, whose, what and how it went — never what was
asked for or read:

    {"time": "2026-12-06T21:40:01.123Z", "level": "INFO", "logger": "alloy.requests", "message": "mcp request",
     "request_id": 7, "method": "tools/call", "tool": "get_chat_history", "outcome": "ok",
     "duration_ms": 3.1, "workspace": "demo", "credential": "mcp_key", "session_id": "dV3kR8pZq1MwT6yJc5xHbE"}

The why of a call not answered (the sentence its caller was told) is in the workspace's activity log, not
here: it may name a path the caller asked for.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson

# A record's structured fields travel in `extra={FIELDS: {...}}`.
FIELDS = "fields"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, FIELDS, None) or {})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()
