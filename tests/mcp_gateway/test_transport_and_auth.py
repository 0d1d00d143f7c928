"""/mcp over HTTP: both paths, credentials in every accepted header, clear 401/403/413/421, no 500."""

import pytest

from ingest.keys import ingest_key_create
from mcp_gateway.keys.services import mcp_key_create, mcp_key_revoke
from mcp_gateway.models import McpKey
from mcp_gateway.protocol.workers import run_in_worker

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
JSON = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
LEGACY = {**JSON, "mcp-protocol-version": "2025-06-18"}


@pytest.mark.parametrize("path", ["/mcp", "/mcp/"])
async def test_both_paths_answer_a_post_without_redirect(http, key, path):
    async with http(**LEGACY, **{"X-MCP-API-Key": key}) as client:
        response = await client.post(path, json=LIST_TOOLS)
    assert response.status_code == 200
    assert len(response.json()["result"]["tools"]) == 7


@pytest.mark.parametrize(
    "headers",
    [
        {"X-MCP-API-Key": "{key}"},
        {"Authorization": "Bearer {key}"},
        {"X-API-Key": "{key}"},
        {"authorization": "bearer   {key}  "},
    ],
)
async def test_the_key_is_accepted_in_each_header(http, key, headers):
    async with http(**LEGACY, **{name: value.format(key=key) for name, value in headers.items()}) as client:
        response = await client.post("/mcp", json=LIST_TOOLS)
    assert response.status_code == 200


async def test_missing_credential_says_what_to_send(http, settings):
    async with http(**LEGACY) as client:
        response = await client.post("/mcp", json=LIST_TOOLS)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == (
        f'Bearer resource_metadata="{settings.ALLOY_PUBLIC_URL}/.well-known/oauth-protected-resource/mcp", scope="mcp"'
    )
    body = response.json()
    assert body["error"] == "missing_credential"
    assert "X-MCP-API-Key" in body["error_description"]


@pytest.mark.parametrize(
    ("credential", "says"),
    [
        ("alloy_mcp_" + "a" * 44, "not a valid Alloy MCP key"),  # wrong checksum
        ("alloy_mcp_short", "not a valid Alloy MCP key"),
        ("sk-something-else", "access token is invalid, expired or revoked"),
    ],
)
async def test_malformed_credentials_are_refused_clearly(http, credential, says):
    async with http(**LEGACY, **{"X-MCP-API-Key": credential}) as client:
        response = await client.post("/mcp", json=LIST_TOOLS)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert says in response.json()["error_description"]


@pytest.fixture
def ingest_key(workspace, owner) -> str:
    return ingest_key_create(workspace=workspace, name="builder-api", created_by=owner).key


@pytest.mark.parametrize("header", ["X-MCP-API-Key", "Authorization"])
async def test_an_ingestion_key_reads_nothing(http, ingest_key, header):
    value = f"Bearer {ingest_key}" if header == "Authorization" else ingest_key
    async with http(**LEGACY, **{header: value}) as client:
        response = await client.post("/mcp", json=LIST_TOOLS)
    assert response.status_code == 401
    assert response.json()["error_description"] == (
        "That is an ingestion key: it writes sessions through Alloy's API and cannot read them. Connect with an MCP "
        "key (alloy_mcp_…) or with OAuth."
    )


@pytest.fixture
def deleted_key(workspace) -> str:
    created = mcp_key_create(workspace=workspace, name="deleted soon")
    created.record.delete()
    return created.key


def revoke(name: str) -> None:
    mcp_key_revoke(key=McpKey.objects.get(name=name), by=None)


async def test_unknown_and_revoked_keys_get_the_same_answer(http, key, deleted_key):
    async with http(**LEGACY, **{"X-MCP-API-Key": key}) as client:
        assert (await client.post("/mcp", json=LIST_TOOLS)).status_code == 200
        await run_in_worker(revoke, "Claude Desktop")
        revoked = await client.post("/mcp", json=LIST_TOOLS)
    async with http(**LEGACY, **{"X-MCP-API-Key": deleted_key}) as client:
        deleted = await client.post("/mcp", json=LIST_TOOLS)
    assert revoked.status_code == deleted.status_code == 401
    assert revoked.json() == deleted.json()
    assert "invalid or was revoked" in revoked.json()["error_description"]


async def test_a_foreign_origin_is_forbidden(http, key):
    async with http(**LEGACY, **{"X-MCP-API-Key": key, "Origin": "https://evil.example"}) as client:
        response = await client.post("/mcp", json=LIST_TOOLS)
    assert response.status_code == 403
    assert "https://evil.example" in response.json()["error"]["message"]


async def test_our_own_origin_is_allowed(http, key, settings):
    async with http(**LEGACY, **{"X-MCP-API-Key": key, "Origin": settings.ALLOY_PUBLIC_URL}) as client:
        assert (await client.post("/mcp", json=LIST_TOOLS)).status_code == 200


async def test_an_unknown_host_is_refused(http, key):
    async with http(**LEGACY, **{"X-MCP-API-Key": key, "Host": "attacker.example"}) as client:
        response = await client.post("/mcp", json=LIST_TOOLS)
    assert response.status_code == 421
    assert "attacker.example" in response.json()["error"]["message"]


async def test_an_oversized_body_gets_413(http, key, settings):
    async with http(**LEGACY, **{"X-MCP-API-Key": key}) as client:
        response = await client.post("/mcp", content=b"{" + b" " * settings.ALLOY_MCP_MAX_REQUEST_BYTES + b"}")
    assert response.status_code == 413
    assert "limit" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", -32700),
        (b"[]", None),
        (b'{"jsonrpc": "2.0", "id": 1}', None),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "no/such/method"}', -32601),
        ("\ud800".encode("utf-8", "surrogatepass"), None),
    ],
)
async def test_malformed_requests_get_json_rpc_errors_not_500(http, key, body, code):
    async with http(**LEGACY, **{"X-MCP-API-Key": key}) as client:
        response = await client.post("/mcp", content=body)
    assert 400 <= response.status_code < 500 or response.status_code == 200
    assert "Traceback" not in response.text
    if code is not None:
        assert response.json()["error"]["code"] == code


async def test_other_paths_still_reach_django(http):
    async with http() as client:
        response = await client.get("/admin/login/")
    assert response.status_code == 200
    assert "Django" in response.text or "Log in" in response.text


@pytest.mark.parametrize("version", ["2025-11-25", "2025-06-18", "2025-03-26"])
async def test_each_initialize_revision_is_spoken(http, key, version):
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
    }
    async with http(**JSON, **{"X-MCP-API-Key": key}) as client:
        response = await client.post("/mcp", json=initialize)
    result = response.json()["result"]
    assert result["protocolVersion"] == version
    assert result["serverInfo"]["name"] == "Alloy"
    assert "get_session" in result["instructions"]
    assert "mcp-session-id" not in response.headers  # stateless: any worker can take the next request


async def test_a_client_that_goes_away_mid_request_is_not_an_error(front_door, key, caplog):
    """Load generators and impatient clients hang up mid-body: no answer is owed, no traceback logged."""
    sent = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/mcp",
        "raw_path": b"/mcp",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"accept", b"application/json, text/event-stream"),
            (b"mcp-protocol-version", b"2026-07-28"),
            (b"x-mcp-api-key", key.encode()),
        ],
    }
    await front_door(scope, receive, send)
    assert [record for record in caplog.records if record.name.startswith("mcp_gateway")] == []
