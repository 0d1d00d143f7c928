"""Session files as resources, and the session view's resource, through the whole stack in both eras:
templates, the list a host's attach menu shows, reads walled like the tools, completion of the templates'
arguments, the resource links the file tools return, and the activity log."""

import base64
import re

import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import ResourceTemplateReference

from mcp_gateway.activity.log import activity_log
from mcp_gateway.keys.services import mcp_key_revoke
from mcp_gateway.models import McpCall, McpKey
from mcp_gateway.protocol.file_uris import file_uri, parse_file_uri
from mcp_gateway.protocol.session_view import VIEW_MIME_TYPE, VIEW_URI
from mcp_gateway.protocol.workers import run_in_worker
from sessions_app.models import Blob, SessionFile
from tests.factories import SessionFactory, add_file
from tests.mcp_gateway.conftest import MISSING_ID

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

ERAS = pytest.mark.parametrize("mode", ["legacy", "auto"])  # initialize; server/discover (2026-07-28)


async def read(mcp, key: str, uri: str, mode: str = "legacy"):
    async with mcp(key, mode=mode) as client:
        return await client.read_resource(uri)


async def read_error(mcp, key: str, uri: str) -> MCPError:
    async with mcp(key) as client:
        with pytest.raises(MCPError) as raised:
            await client.read_resource(uri)
    return raised.value


def test_uris_round_trip_paths_with_characters_that_end_a_uri():
    path = "docs/a b#c?d%e/ünïcode.md"
    uri = file_uri("abc123", path)
    assert uri == "alloy://sessions/abc123/files/docs/a%20b%23c%3Fd%25e/%C3%BCn%C3%AFcode.md"
    address = parse_file_uri(uri)
    assert (address.session, address.path, address.version) == ("abc123", path, None)
    assert parse_file_uri(file_uri("abc123", "x.py", before=True)).version == "before"
    for malformed in ("alloy://sessions/", "alloy://sessions/abc/", "alloy://sessions/abc/other/x", "file:///x"):
        assert parse_file_uri(malformed) is None


@ERAS
async def test_templates_and_capabilities_tell_the_truth(mcp, key, mode):
    async with mcp(key, mode=mode) as client:
        templates = await client.list_resource_templates()
        capabilities = client.server_capabilities.model_dump(by_alias=True, exclude_none=True)
    assert [template.uri_template for template in templates.resource_templates] == [
        "alloy://sessions/{session}/files/{+path}",
        "alloy://sessions/{session}/before/{+path}",
    ]
    assert capabilities["resources"] == {"subscribe": False, "listChanged": False}


@ERAS
async def test_the_list_offers_the_view_then_the_workspace_files_never_another_workspaces(
    mcp, key, prototype, dev, foreign, mode
):
    async with mcp(key, mode=mode) as client:
        listed = await client.list_resources()
    uris = [resource.uri for resource in listed.resources]
    assert uris[0] == VIEW_URI
    assert listed.resources[0].mime_type == VIEW_MIME_TYPE
    assert set(uris[1:]) == {
        file_uri(prototype.public_id, "src/App.jsx"),
        file_uri(prototype.public_id, "src/main.jsx"),
        file_uri(prototype.public_id, "package.json"),
        file_uri(dev.public_id, "api/limits.py"),
        file_uri(dev.public_id, "api/views.py"),
        file_uri(dev.public_id, "old.txt", before=True),  # deleted: only its before is left
    }
    assert not any(foreign.public_id in uri for uri in uris)
    assert listed.next_cursor is None
    titled = {resource.uri: resource for resource in listed.resources}
    assert titled[file_uri(prototype.public_id, "src/App.jsx")].title == "src/App.jsx (Todo app)"
    assert titled[file_uri(prototype.public_id, "src/App.jsx")].mime_type == "text/javascript"


@pytest.fixture
def many_files(workspace, owner):
    session = SessionFactory(workspace=workspace, created_by=owner)
    for number in range(130):
        add_file(session, f"src/file_{number:03}.txt", after=f"{number}\n")
    return session


async def test_the_list_pages_through_a_big_workspace(mcp, key, many_files):
    async with mcp(key) as client:
        first = await client.list_resources()
        second = await client.list_resources(cursor=first.next_cursor)
        with pytest.raises(MCPError) as raised:
            await client.list_resources(cursor="not-a-cursor")
    assert len(first.resources) == 101  # the view and 100 files
    assert len(second.resources) == 30
    assert second.next_cursor is None
    assert raised.value.error.code == -32602
    assert "not one this tool issued" in raised.value.error.message


@ERAS
async def test_the_view_is_a_self_contained_mcp_app(mcp, key, mode):
    result = await read(mcp, key, VIEW_URI, mode)
    (contents,) = result.contents
    assert contents.uri == VIEW_URI
    assert contents.mime_type == "text/html;profile=mcp-app"
    assert contents.meta["ui"]["csp"] == {"connectDomains": [], "resourceDomains": [], "frameDomains": []}
    html = contents.text
    assert html.startswith("<!doctype html>")
    # Nothing is loaded from anywhere: no src/href to an address, no CSS import or url() of one. (The SDK's
    # code names JSON Schema dialects by their http(s) identifiers; those are strings, never fetched.)
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert not re.search(r"""@import|url\(\s*["']?(?:https?:)?//""", html)


@ERAS
async def test_reading_files_of_each_kind(mcp, key, prototype, dev, mode):
    app = await read(mcp, key, file_uri(prototype.public_id, "src/App.jsx"), mode)
    assert [(item.mime_type, item.text) for item in app.contents] == [
        ("text/javascript", "export default function App() {}\n")
    ]
    assert app.contents[0].uri == file_uri(prototype.public_id, "src/App.jsx")
    after = await read(mcp, key, file_uri(dev.public_id, "api/views.py"), mode)
    before = await read(mcp, key, file_uri(dev.public_id, "api/views.py", before=True), mode)
    deleted = await read(mcp, key, file_uri(dev.public_id, "old.txt"), mode)
    assert after.contents[0].text == "def view():\n    check()\n"
    assert before.contents[0].text == "def view():\n    pass\n"
    assert deleted.contents[0].text == "gone\n"  # a deleted file's files/ URI reads what it was


LOGO = bytes(range(256))


@pytest.fixture
def logo(prototype):
    blob = Blob.objects.create(
        workspace=prototype.workspace, digest="b" * 64, size=len(LOGO), is_binary=True, text="", data=LOGO
    )
    return SessionFile.objects.create(session=prototype, path="logo.png", media_type="image/png", after=blob)


async def test_a_binary_file_is_a_blob(mcp, key, prototype, logo):
    result = await read(mcp, key, file_uri(prototype.public_id, "logo.png"))
    (contents,) = result.contents
    assert contents.mime_type == "image/png"
    assert base64.b64decode(contents.blob) == LOGO


@pytest.fixture
def days(prototype):
    return add_file(prototype, "data/days.txt", after="".join(f"day {n}\n" for n in range(1, 2001)))


async def test_a_file_longer_than_a_read_is_cut_at_a_line_and_says_how_to_get_the_rest(
    mcp, key, prototype, days, settings
):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 1_667  # 4000 bytes
    result = await read(mcp, key, file_uri(prototype.public_id, "data/days.txt"))
    content, note = result.contents
    shown = content.text.count("\n")
    assert content.text.endswith(f"day {shown}\n")
    assert len(content.text) <= 4000
    assert note.mime_type == "text/plain"
    assert f"lines 1-{shown} of the 2,000 lines of data/days.txt" in note.text
    assert (
        f'get_file_content with {{"session":"{prototype.public_id}","path":"data/days.txt","start_line":{shown + 1}}}'
        in note.text
    )
    assert result.meta["app.alloy/truncated"] == {
        "remaining_lines": 2000 - shown,
        "fetch_rest_with": {"session": prototype.public_id, "path": "data/days.txt", "start_line": shown + 1},
    }


async def test_another_workspaces_file_reads_exactly_like_a_missing_one(mcp, key, foreign):
    theirs = await read_error(mcp, key, file_uri(foreign.public_id, "secret.py"))
    nobodys = await read_error(mcp, key, file_uri(MISSING_ID, "secret.py"))
    assert theirs.error.code == nobodys.error.code == -32602
    assert theirs.error.message == nobodys.error.message.replace(MISSING_ID, foreign.public_id)
    assert "No session with id" in theirs.error.message
    assert theirs.error.data == {"uri": file_uri(foreign.public_id, "secret.py")}


async def test_refusals_are_clear_errors(mcp, key, prototype):
    unknown = await read_error(mcp, key, "https://example.com/x")
    assert unknown.error.code == -32602
    assert "Alloy has no resource at 'https://example.com/x'" in unknown.error.message
    assert "alloy://sessions/<session id>/files/<path>" in unknown.error.message
    missing_file = await read_error(mcp, key, file_uri(prototype.public_id, "src/Ap.jsx"))
    assert missing_file.error.message.startswith("No file at src/Ap.jsx in this session; did you mean src/App.jsx")
    prototype_before = await read_error(mcp, key, file_uri(prototype.public_id, "src/App.jsx", before=True))
    assert "Prototype files have only their current content" in prototype_before.error.message
    nul = await read_error(mcp, key, "alloy://sessions/abc/files/a%00b")
    assert nul.error.code == -32602


async def test_a_revoked_key_cannot_read(http, key, prototype):
    await run_in_worker(lambda: mcp_key_revoke(key=McpKey.objects.get(), by=None))
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "resources/read",
        "params": {"uri": file_uri(prototype.public_id, "src/App.jsx")},
    }
    headers = {"accept": "application/json, text/event-stream", "X-MCP-API-Key": key}
    async with http() as client:
        response = await client.post("/mcp", json=body, headers=headers)
    assert response.status_code == 401
    assert "export default" not in response.text


async def test_completion_of_the_templates_arguments_comes_from_the_callers_workspace(
    mcp, key, prototype, dev, foreign
):
    template = ResourceTemplateReference(uri="alloy://sessions/{session}/files/{+path}")
    async with mcp(key) as client:
        sessions = await client.complete(template, {"name": "session", "value": "todo"})
        theirs = await client.complete(template, {"name": "session", "value": "secret"})
        paths = await client.complete(
            template, {"name": "path", "value": "src/"}, context_arguments={"session": prototype.public_id}
        )
        foreign_paths = await client.complete(
            template, {"name": "path", "value": ""}, context_arguments={"session": foreign.public_id}
        )
        no_session = await client.complete(template, {"name": "path", "value": "src"})
        other_template = await client.complete(
            ResourceTemplateReference(uri="alloy://elsewhere/{x}"), {"name": "session", "value": "todo"}
        )
    assert sessions.completion.values == [prototype.public_id]
    assert theirs.completion.values == []
    assert paths.completion.values == ["src/App.jsx", "src/main.jsx"]
    assert foreign_paths.completion.values == []
    assert no_session.completion.values == []
    assert other_template.completion.values == []


async def test_the_file_tools_link_each_file_they_name(call, key, prototype, dev):
    files = await call(key, "list_session_files", {"session": prototype.public_id})
    diffs = await call(key, "get_file_diff", {"session": dev.public_id})
    hits = await call(key, "search_session", {"session": prototype.public_id, "query": "App"})
    chat = await call(key, "get_chat_history", {"session": prototype.public_id})

    def links(result) -> list[str]:
        assert result.content[0].type == "text"  # the JSON comes first, as ever
        return [item.uri for item in result.content[1:] if item.type == "resource_link"]

    assert links(files) == [
        file_uri(prototype.public_id, path) for path in ("package.json", "src/App.jsx", "src/main.jsx")
    ]
    assert (files.content[1].name, files.content[1].mime_type) == ("package.json", "application/json")
    assert links(diffs) == [  # in the order a reviewer reads them
        file_uri(dev.public_id, "api/views.py"),
        file_uri(dev.public_id, "api/views.py", before=True),
        file_uri(dev.public_id, "api/limits.py"),
        file_uri(dev.public_id, "old.txt", before=True),
    ]
    assert file_uri(prototype.public_id, "src/App.jsx") in links(hits)
    assert len(set(links(hits))) == len(links(hits))
    assert links(chat) == []


async def test_links_add_at_most_a_sixth_to_a_long_listing_and_repeat_nothing(call, key, workspace):
    """40 links added 7,164 characters to a 5,488-character listing (each repeating the path and size)."""
    session = await run_in_worker(SessionFactory, workspace=workspace)
    for n in range(40):
        await run_in_worker(add_file, session, f"src/components/feature_{n:02}/Component{n:02}.jsx", after="x\n")
    result = await call(key, "list_session_files", {"session": session.public_id})
    text, links = result.content[0].text, result.content[1:]
    cost = sum(len(link.model_dump_json(by_alias=True, exclude_none=True)) for link in links)
    assert 0 < len(links) < 40
    assert cost <= 0.15 * len(text)
    assert [link.name for link in links[:2]] == ["Component00.jsx", "Component01.jsx"]
    assert all(link.size is None for link in links)  # the listing says each size


async def test_session_tools_point_hosts_at_the_view_and_others_do_not(mcp, key):
    async with mcp(key) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    shown = {name for name, tool in tools.items() if (tool.meta or {}).get("ui", {}).get("resourceUri") == VIEW_URI}
    assert shown == {"get_session", "get_chat_history", "list_session_files", "get_file_content", "get_file_diff"}
    assert all(tools[name].meta["ui/resourceUri"] == VIEW_URI for name in shown)
    # No tool is for the view alone: every client, with the extension or without, sees the same tools.
    assert not any("visibility" in (tool.meta or {}).get("ui", {}) for tool in tools.values())


async def test_reads_are_recorded_in_the_activity_log(mcp, key, prototype, foreign):
    async with mcp(key) as client:
        await client.read_resource(file_uri(prototype.public_id, "src/App.jsx"))
        await client.read_resource(VIEW_URI)
        with pytest.raises(MCPError):
            await client.read_resource(file_uri(foreign.public_id, "secret.py"))
        with pytest.raises(MCPError):
            await client.read_resource("nonsense")
    await run_in_worker(activity_log.flush)
    calls = await run_in_worker(
        lambda: list(McpCall.objects.order_by("id").values_list("tool", "session_id", "outcome", "workspace_id"))
    )
    assert calls == [
        ("resources/read", prototype.public_id, "ok", prototype.workspace_id),
        ("resources/read", "", "ok", prototype.workspace_id),
        ("resources/read", foreign.public_id, "error", prototype.workspace_id),
        ("resources/read", "", "invalid", prototype.workspace_id),
    ]


async def test_a_read_costs_what_a_file_content_call_costs(mcp, key, prototype, query_log):
    async with mcp(key) as client:
        with query_log() as log:
            await client.read_resource(file_uri(prototype.public_id, "src/App.jsx"))
    assert log.count() <= 3
