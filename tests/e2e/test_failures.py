"""What a client sees when the server's database is down: a clear 503, never a 500 or a trace."""

import httpx2
import pytest

from mcp_gateway.keys import generate_key
from tests.e2e.conftest import start_server, stop_server

LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


@pytest.fixture
def server_without_database(django_db_setup, tmp_path):
    # Port 9 (discard) has nothing listening: every connection attempt is refused.
    process, base_url = start_server(
        tmp_path / "uvicorn.log",
        workers=1,
        DATABASE_URL="postgres://postgres@127.0.0.1:9/alloy",
        DATABASE_POOL_MIN_SIZE="0",
        DATABASE_POOL_TIMEOUT="1",
    )
    yield base_url
    stop_server(process)


def test_an_unreachable_database_gets_503_with_a_plain_message(server_without_database):
    key = generate_key()  # well-formed, so the server must ask the database
    response = httpx2.post(
        f"{server_without_database}/mcp",
        json=LIST_TOOLS,
        headers={"X-MCP-API-Key": key, "accept": "application/json, text/event-stream"},
        timeout=30,
    )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "cannot reach its database" in response.json()["error"]["message"]
    assert "Traceback" not in response.text
