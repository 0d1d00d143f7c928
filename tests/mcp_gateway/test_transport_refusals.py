"""What /mcp answers to requests it will not serve: each refusal is JSON a client can read, never a
hang, a plain-text body or a silent 202."""

import pytest

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

JSON = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
LEGACY = {**JSON, "mcp-protocol-version": "2025-06-18"}


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT", "PATCH"])
async def test_methods_other_than_post_get_405_with_allow(http, key, method):
    # A stateless server has nothing to send on a GET event stream; it used to stay open forever.
    async with http(**LEGACY, **{"X-MCP-API-Key": key}) as client:
        response = await client.request(method, "/mcp", timeout=5)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["error"]["code"] == -32600
    assert "POST" in response.json()["error"]["message"]


async def test_a_get_without_credentials_still_gets_405_not_an_oauth_challenge(http):
    async with http(accept="text/event-stream") as client:
        response = await client.get("/mcp", timeout=5)
    assert response.status_code == 405


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_a_body_that_is_not_json_gets_a_json_415(http, key, content_type):
    headers = {"accept": JSON["accept"], "mcp-protocol-version": "2025-06-18", "X-MCP-API-Key": key}
    if content_type:
        headers["content-type"] = content_type
    async with http(**headers) as client:
        response = await client.post("/mcp", content=b'{"jsonrpc":"2.0","id":1,"method":"tools/list"}')
    assert response.status_code == 415
    assert "application/json" in response.json()["error"]["message"]


async def test_a_chunked_body_over_the_limit_gets_a_json_413(http, key, settings):
    settings.ALLOY_MCP_MAX_REQUEST_BYTES = 1000

    async def chunks():
        for _ in range(20):
            yield b" " * 100

    async with http(**LEGACY, **{"X-MCP-API-Key": key}) as client:
        response = await client.post("/mcp", content=chunks())
    assert response.status_code == 413
    assert "1,000-byte limit" in response.json()["error"]["message"]


@pytest.mark.parametrize("request_id", [{"a": 1}, 1.5, [1], True])
async def test_a_request_id_that_is_not_a_string_or_integer_is_an_invalid_request(http, key, request_id):
    async with http(**LEGACY, **{"X-MCP-API-Key": key}) as client:
        response = await client.post("/mcp", json={"jsonrpc": "2.0", "id": request_id, "method": "tools/list"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == -32600
    assert "id" in error["message"]
    assert response.json()["id"] is None


async def test_mcp_over_plain_http_is_refused_with_the_https_url(http, key, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    headers = {"content-type": "application/json", "accept": "application/json", "X-MCP-API-Key": key}
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    async with http(**headers) as client:
        plain = await client.post("/mcp", json=body)
        through_proxy = await client.post("/mcp", json=body, headers={"x-forwarded-proto": "https"})
    assert plain.status_code == 403
    assert settings.ALLOY_MCP_RESOURCE in plain.json()["error"]["message"]
    assert through_proxy.status_code == 200


@pytest.mark.parametrize("version", ["2099-01-01", "1.0", "", "2025-11-25x"])
async def test_an_unknown_protocol_version_gets_a_400_naming_the_versions_served(http, key, version):
    """It was answered with the SDK's 'params._meta must be an object carrying …', naming no version."""
    headers = {**JSON, "mcp-protocol-version": version, "X-MCP-API-Key": key}
    async with http(**headers) as client:
        response = await client.post("/mcp", json={"jsonrpc": "2.0", "id": 7, "method": "tools/list"})
    assert response.status_code == 400
    error = response.json()
    assert error["id"] == 7
    assert error["error"]["message"] == (
        f"MCP-Protocol-Version {version!r} is not one this server speaks; it speaks "
        "2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28."
    )


@pytest.mark.parametrize("version", ["2099-01-01", "2025-11-25x"])
async def test_an_unknown_version_in_the_2026_era_is_32022_with_the_versions_it_accepts(http, key, version):
    """SEP-2575: a request carrying its version in params._meta is told, as data, which versions to retry
    with (it was -32600 and a sentence, which an auto-negotiating client cannot act on)."""
    headers = {**JSON, "mcp-protocol-version": version, "mcp-method": "tools/list", "X-MCP-API-Key": key}
    meta = {"io.modelcontextprotocol/protocolVersion": version, "io.modelcontextprotocol/clientCapabilities": {}}
    async with http(**headers) as client:
        response = await client.post(
            "/mcp", json={"jsonrpc": "2.0", "id": 8, "method": "tools/list", "params": {"_meta": meta}}
        )
    assert response.status_code == 400
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": 8,
        "error": {
            "code": -32022,
            "message": "Unsupported protocol version",
            "data": {"supported": ["2026-07-28"], "requested": version},
        },
    }


@pytest.mark.parametrize("version", ["2025-06-18", "2025-11-25"])
async def test_a_known_protocol_version_is_served(http, key, version):
    headers = {**JSON, "mcp-protocol-version": version, "X-MCP-API-Key": key}
    async with http(**headers) as client:
        response = await client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert response.status_code == 200
