"""Read replicas with a real streaming standby: the session reads go to it, a revoked key is refused on the
very next request, and a standby that stops costs the caller nothing but a moment."""

import time
from html import unescape

import httpx2
import pytest

from sessions_app.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conftest import start_server, stop_server
from tests.e2e.own_postgres import OwnPostgres, manage, own_directory, stopped_at_the_end
from tests.e2e.people import signed_in

HEADERS = {"accept": "application/json, text/event-stream"}
# The backends of the app's database whose last statement read the chat (pg_stat_activity keeps it).
CHAT_READERS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = 'alloy' AND backend_type = 'client backend'"
    " AND query LIKE '%sessions_app_message%' AND pid <> pg_backend_pid()"
)


@pytest.fixture
def primary_and_standby():
    """A primary with the demo's data, as the service's own (not superuser) role, and a hot standby of it."""
    with own_directory() as primary_directory, own_directory() as standby_directory:
        primary = OwnPostgres.new(primary_directory)
        primary.start()
        primary.sql("CREATE ROLE alloy LOGIN NOSUPERUSER; CREATE DATABASE alloy OWNER alloy;")
        manage(primary.url_for("alloy", "alloy"), "migrate", "--verbosity", "0")
        manage(primary.url_for("alloy", "alloy"), "seed_demo")
        standby = primary.standby(standby_directory)
        standby.start()
        yield primary, standby
        stopped_at_the_end(standby)
        stopped_at_the_end(primary)


def call(client: httpx2.Client, key: str, tool: str, **arguments: object) -> httpx2.Response:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    return client.post("/mcp", json=body, headers={**HEADERS, "X-MCP-API-Key": key})


def chat_of(client: httpx2.Client, key: str, link: str) -> list[dict]:
    response = call(client, key, "get_chat_history", session=link)
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert not result.get("isError"), result
    return result["structuredContent"]["messages"]


def test_session_reads_go_to_the_standby_keys_to_the_primary_and_a_stopped_standby_falls_back(
    primary_and_standby, tmp_path
):
    primary, standby = primary_and_standby
    app = primary.url_for("alloy", "alloy")
    key = manage(app, "create_mcp_key", "demo", "--name", "replica test")
    log_path = tmp_path / "uvicorn.log"
    process, base_url = start_server(
        log_path,
        workers=1,
        DATABASE_URL=app,
        DATABASE_REPLICA_URLS=standby.url_for("alloy", "alloy"),
        DATABASE_REPLICA_RETRY_SECONDS="1",
    )
    try:
        with httpx2.Client(base_url=base_url, timeout=30) as client:
            listed = call(client, key, "list_sessions").json()["result"]["structuredContent"]
            session = next(item for item in listed["sessions"] if item["kind"] == "dev")
            link, page_path = session["link"], httpx2.URL(session["link"]).path
            messages = chat_of(client, key, link)
            assert messages
            # The chat came from the standby; the primary's backends never read it.
            assert standby.sql(CHAT_READERS, "alloy") != "0"
            assert primary.sql(CHAT_READERS, "alloy") == "0"

            # A page reads there too.
            browser = signed_in(base_url, "owner@demo.alloy.app", password=DEMO_PASSWORD)
            page = browser.get(page_path)
            assert page.status_code == 200
            assert session["title"] in unescape(page.text)
            assert primary.sql(CHAT_READERS, "alloy") == "0"

            # A key revoked on the primary is refused on the very next request, however far the standby lags
            # (here: it has stopped replaying, so it still holds the key as live).
            second_key = manage(app, "create_mcp_key", "demo", "--name", "revoked at once")
            standby.sql("SELECT pg_wal_replay_pause()")
            assert chat_of(client, second_key, link) == messages
            manage(app, "revoke_mcp_key", second_key)
            assert call(client, second_key, "get_chat_history", session=link).status_code == 401
            assert call(client, key, "get_chat_history", session=link).status_code == 200
            standby.sql("SELECT pg_wal_replay_resume()")

            # The standby stops: the same reads answer, from the primary, with no error to the caller.
            standby.stop()
            assert chat_of(client, key, link) == messages
            assert primary.sql(CHAT_READERS, "alloy") != "0"
            assert browser.get(page_path).status_code == 200

            # Back after DATABASE_REPLICA_RETRY_SECONDS: reads go to it again.
            standby.start()
            deadline = time.monotonic() + 15
            while standby.sql(CHAT_READERS, "alloy") == "0" and time.monotonic() < deadline:
                assert chat_of(client, key, link) == messages
                time.sleep(0.2)
            assert standby.sql(CHAT_READERS, "alloy") != "0"
    finally:
        stop_server(process)
    log = log_path.read_text()
    assert "Replica replica_1 failed" in log
    assert "Traceback" not in log, log[-3000:]
