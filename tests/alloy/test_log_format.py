"""LOG_FORMAT=json: every line one JSON object, secrets redacted as in plain lines (the request lines:
tests/mcp_gateway/test_request_log.py)."""

import json
import logging

from alloy.log_filters import RedactSecrets
from alloy.log_format import FIELDS, JsonFormatter
from mcp_gateway.auth.key_format import generate_key


def formatted(logger: str, message: str, *args, **fields) -> dict:
    record = logging.LogRecord(logger, logging.WARNING, __file__, 1, message, args, None)
    if fields:
        setattr(record, FIELDS, fields)
    assert RedactSecrets().filter(record)  # what the handler does before formatting
    return json.loads(JsonFormatter().format(record))


def test_a_line_is_one_json_object_with_its_fields():
    line = formatted("alloy.requests", "mcp request", tool="get_session", duration_ms=1.5)
    assert line["level"] == "WARNING"
    assert line["logger"] == "alloy.requests"
    assert line["message"] == "mcp request"
    assert (line["tool"], line["duration_ms"]) == ("get_session", 1.5)
    assert line["time"].endswith("Z")


def test_a_secret_in_a_json_line_is_redacted_as_in_a_plain_one():
    key = generate_key()
    line = formatted("mcp_gateway", "refused %s", key)
    assert key[18:] not in json.dumps(line)
    assert "[redacted]" in line["message"]
