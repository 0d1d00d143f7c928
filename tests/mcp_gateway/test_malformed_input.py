"""Seeded random probes of every entry point with malformed input: none may answer 500, show a
stack trace or log an error, and no answer may carry another workspace's data. A failing probe names its
input; the seed makes the run repeatable.

Areas: JSON-RPC envelopes on /mcp, tool arguments and cursors, session page query strings, and the
OAuth endpoints (/token, /register, /authorize), and sign-in."""

import base64
import json
import logging
import os
import random
from urllib.parse import urlsplit

import pytest

from tests.factories import OAuthApplicationFactory, signed_in

# 150 in CI; set ALLOY_PROBES_PER_AREA higher for a longer hunt (the seed keeps any run repeatable).
PROBES_PER_AREA = int(os.environ.get("ALLOY_PROBES_PER_AREA", "150"))
SEED = 20261130
HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-11-25"}
TOOLS = {
    "get_session": ["session"],
    "list_sessions": ["query", "kind", "status", "cursor", "limit"],
    "get_chat_history": ["session", "cursor", "limit"],
    "list_session_files": ["session", "path_prefix", "cursor", "limit"],
    "get_file_content": ["session", "path", "start_line", "end_line", "version"],
    "get_file_diff": ["session", "path", "context_lines", "cursor"],
}
NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "²",
    "١٢",
    "../../etc/passwd",
    "%00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\u202e\u200b",
    "😀" * 50,
    "x" * 5000,
    "\\",
    "null",
    "-1",
    "1e309",
    "9" * 40,
]


def nasty_value(rng: random.Random, known: list[str]):
    """One value of a random kind: hostile text, extreme numbers, wrong types, near-miss ids, forged cursors."""
    kind = rng.randrange(9)
    if kind == 0:
        return rng.choice(NASTY_TEXT)
    if kind == 1:
        return rng.choice([-(2**63), -1, 0, 2**31, 2**64, 10**30])
    if kind == 2:
        return rng.choice([1.5, 1e300, True, False, None])
    if kind == 3:
        return rng.choice([[], {}, [1, "a"], {"a": {"b": [None]}}])
    if kind == 4:
        return "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(1, 40)))
    if kind == 5 and known:
        return rng.choice(known) + rng.choice(["", "/", "?x=1", ">", ".", ")", "\x00"])
    if kind == 6:
        inner = json.dumps(rng.choice([["files", "\x00"], ["messages", -1, 2**70], "x", [[[[]]]], ["diffs", 1, 2]]))
        return base64.urlsafe_b64encode(inner.encode()).decode().rstrip("=")
    if kind == 7 and known:
        return rng.choice(known)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz/._-") for _ in range(rng.randrange(1, 30)))


def assert_clean(response, caplog, probe) -> None:
    assert response.status_code < 500, probe
    assert "Traceback (most recent call last)" not in response.content.decode(errors="replace"), probe
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors, (probe, errors[0].getMessage() if errors else None)


@pytest.fixture
def session_ids(prototype, dev, foreign) -> list[str]:
    return [prototype.public_id, dev.public_id, foreign.public_id, prototype.link(), foreign.link()]


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_json_rpc_envelopes(http, key, caplog, settings):
    settings.ALLOY_MCP_CALLS_PER_MINUTE = 0
    rng = random.Random(SEED)
    methods = ["tools/call", "tools/list", "initialize", "prompts/get", "resources/read", "ping"]
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        for _ in range(PROBES_PER_AREA):
            body = {"jsonrpc": rng.choice(["2.0", "1.0", 2, None])}
            for field in ("id", "method", "params"):
                if rng.random() < 0.8:
                    body[field] = rng.choice([nasty_value(rng, []), *methods])
            payload = json.dumps(body).encode()
            with caplog.at_level(logging.WARNING):
                response = await client.post("/mcp", content=payload)
            assert_clean(response, caplog, payload[:300])


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_tool_arguments_and_cursors(http, key, session_ids, caplog, settings):
    settings.ALLOY_MCP_CALLS_PER_MINUTE = 0
    rng = random.Random(SEED + 1)
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        for number in range(PROBES_PER_AREA * 2):
            tool = rng.choice(list(TOOLS))
            arguments = {name: nasty_value(rng, session_ids) for name in TOOLS[tool] if rng.random() < 0.7}
            call = {"jsonrpc": "2.0", "id": number, "method": "tools/call"}
            call["params"] = {"name": tool, "arguments": arguments}
            with caplog.at_level(logging.WARNING):
                response = await client.post("/mcp", json=call)
            assert_clean(response, caplog, (tool, arguments))
            # Nothing of the other workspace (globex, its session) in any answer.
            assert "globex" not in response.text.lower(), (tool, arguments)


@pytest.mark.django_db
def test_session_page_query_strings(member, prototype, dev, caplog):
    rng = random.Random(SEED + 2)
    client = signed_in(member)
    for _ in range(PROBES_PER_AREA):
        session = rng.choice([prototype, dev])
        names = ("from", "file", "files_from", "diffs_from", "version", "lines_from", "w", "pane")
        query = {name: str(nasty_value(rng, ["api/views.py", "src/App.jsx", "before", "files", "1"]))
                 for name in names if rng.random() < 0.5}  # fmt: skip
        with caplog.at_level(logging.WARNING):
            response = client.get(urlsplit(session.link()).path, query)
        assert_clean(response, caplog, query)


@pytest.mark.django_db
def test_home_page_filters(member, prototype, caplog):
    rng = random.Random(SEED + 5)
    client = signed_in(member)
    for _ in range(PROBES_PER_AREA):
        names = ("workspace", "q", "kind", "status", "after")
        query = {name: str(nasty_value(rng, ["acme", "dev", "active", "2026-01-01T00:00:00+00:00_1"]))
                 for name in names if rng.random() < 0.5}  # fmt: skip
        with caplog.at_level(logging.WARNING):
            response = client.get("/", query)
        assert_clean(response, caplog, query)


@pytest.mark.django_db
def test_diff_view_preference(member, caplog):
    rng = random.Random(SEED + 6)
    client = signed_in(member)
    for _ in range(PROBES_PER_AREA):
        values = {name: str(nasty_value(rng, ["split", "unified", "/"])) for name in ("diff_view", "next")}
        with caplog.at_level(logging.WARNING):
            response = client.post("/account/diff-view/", values)
        assert_clean(response, caplog, values)
        assert response.status_code in (302, 400)
        assert response.status_code == 400 or urlsplit(response["Location"]).netloc in ("", "testserver")


@pytest.mark.django_db
def test_sign_in(client, owner, caplog):
    rng = random.Random(SEED + 4)
    for _ in range(PROBES_PER_AREA):
        values = {name: str(nasty_value(rng, [owner.email])) for name in ("username", "password", "next")}
        with caplog.at_level(logging.WARNING):
            response = client.post("/login/", values)
        assert_clean(response, caplog, values)


@pytest.mark.django_db
def test_oauth_endpoints(client, owner, workspace, caplog):
    client.force_login(owner)
    application = OAuthApplicationFactory(
        redirect_uris="http://127.0.0.1:4321/callback",
    )
    rng = random.Random(SEED + 3)
    fields = ["grant_type", "code", "client_id", "redirect_uri", "code_verifier", "refresh_token", "resource"]
    for _ in range(PROBES_PER_AREA):
        endpoint = rng.choice(["/token", "/register", "/authorize"])
        values = {name: str(nasty_value(rng, [application.client_id])) for name in fields if rng.random() < 0.6}
        if rng.random() < 0.5:
            values["client_id"] = application.client_id
        with caplog.at_level(logging.WARNING):
            if endpoint == "/register":
                response = client.post(endpoint, json.dumps(values), content_type="application/json")
            elif endpoint == "/token":
                response = client.post(endpoint, values)
            else:
                response = client.get(endpoint, values)
        assert_clean(response, caplog, (endpoint, values))
