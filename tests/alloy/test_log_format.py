"""LOG_FORMAT=json: every line one JSON object, secrets redacted as in plain lines (the request lines:
tests/mcp_gateway/test_request_log.py)."""

import json
import logging
import os
import subprocess
import sys

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


def test_a_log_format_that_is_none_of_them_says_what_is_accepted():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "alloy.settings", "DEBUG": "true", "LOG_FORMAT": "xml"}
    environment["ALLOY_ENV_FILE"] = ""
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=environment, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "LOG_FORMAT must be plain or json, not 'xml'." in done.stderr
