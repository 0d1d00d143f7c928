"""The real server's logs: at DEBUG with its access log on, a key in a query string or a header is never
written; with LOG_FORMAT=json, one object a line and one line a request."""

import json

import httpx2
import pytest

from mcp_gateway.keys.services import mcp_key_create
from tests.e2e.conftest import start_server, stop_server

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_key_in_the_query_string_stays_out_of_the_log(workspace, tmp_path):
    key = mcp_key_create(workspace=workspace, name="leaky client").key
    log_path = tmp_path / "uvicorn.log"
    process, base_url = start_server(log_path, workers=1, LOG_LEVEL="DEBUG")
    try:
        headers = {"X-MCP-API-Key": key, "accept": "application/json"}
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        assert httpx2.post(f"{base_url}/mcp?api_key={key}", json=body, headers=headers).status_code == 200
        httpx2.get(f"{base_url}/login/?next=/&key={key}")
    finally:
        stop_server(process)
    log = log_path.read_text()
    assert '"POST /mcp HTTP/1.1" 200' in log  # the access log is on, and names the request
    assert key[18:] not in log


def test_json_logs_write_one_object_a_request_for_a_log_pipeline(workspace, prototype, tmp_path):
    key = mcp_key_create(workspace=workspace, name="pipeline").key
    log_path = tmp_path / "uvicorn.log"
    process, base_url = start_server(log_path, workers=1, LOG_FORMAT="json")
    try:
        headers = {"X-MCP-API-Key": key, "accept": "application/json", "mcp-protocol-version": "2025-11-25"}
        for number, arguments in enumerate([{"session": prototype.public_id}, {"session": "not-a-session-id"}]):
            body = {"jsonrpc": "2.0", "id": number, "method": "tools/call"}
            body["params"] = {"name": "get_chat_history", "arguments": arguments}
            assert httpx2.post(f"{base_url}/mcp", json=body, headers=headers).status_code == 200
    finally:
        stop_server(process)
    ours = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in ours if line["logger"] == "alloy.requests"]
    assert [(line["request_id"], line["tool"], line["outcome"]) for line in requests] == [
        (0, "get_chat_history", "ok"),
        (1, "get_chat_history", "error"),
    ]
    assert all(line["workspace"] == "acme" and line["duration_ms"] > 0 for line in requests)
    assert key[18:] not in log_path.read_text()
