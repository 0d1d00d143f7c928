"""The MCP activity log: every tool call recorded off the request path — who, tool, session,
outcome, duration, never content — read by owners and admins on MCP → Activity and /api/v1, exported and
pruned by ops."""

import datetime as dt
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone
from mcp.shared.exceptions import MCPError

from mcp_gateway.activity import selectors
from mcp_gateway.activity.log import CallRecord, activity_log
from mcp_gateway.activity.selectors import ActivityFilters
from mcp_gateway.auth.key_format import generate_key
from mcp_gateway.auth.resolve import KEY_NOT_LIVE
from mcp_gateway.keys.services import mcp_key_create, mcp_key_revoke
from mcp_gateway.models import McpCall, McpKey, OAuthApplication
from mcp_gateway.protocol.workers import run_in_worker
from tests.factories import make_access_token, signed_in
from tests.mcp_gateway.conftest import MISSING_ID


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_each_call_is_recorded_with_its_outcome_and_no_content(call, key, prototype, foreign):
    await call(key, "get_chat_history", {"session": prototype.link()})
    await call(key, "get_session", {"session": MISSING_ID})
    await call(key, "get_session", {"session": foreign.public_id})  # another workspace's: not found
    await run_in_worker(activity_log.flush)
    calls = await run_in_worker(lambda: list(McpCall.objects.order_by("id").values()))
    assert [(c["tool"], c["session_id"], c["outcome"]) for c in calls] == [
        ("get_chat_history", prototype.public_id, "ok"),
        ("get_session", MISSING_ID, "error"),
        ("get_session", foreign.public_id, "error"),
    ]
    key_row = await run_in_worker(McpKey.objects.get)
    for recorded in calls:
        assert recorded["workspace_id"] == prototype.workspace_id  # the caller's, never the session's
        assert recorded["mcp_key_id"] == key_row.pk
        assert recorded["credential"] == f"Claude Desktop ({key_row.prefix}…)"
        assert recorded["duration_ms"] > 0
    assert set(calls[0]) == {f.attname for f in McpCall._meta.concrete_fields}  # no column for content


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_a_token_call_records_the_app_and_the_person(call, owner, workspace, prototype, settings):
    application = await run_in_worker(
        OAuthApplication.objects.create,
        name="Claude",
        client_type="public",
        authorization_grant_type="authorization-code",
        redirect_uris="http://127.0.0.1:4321/callback",
    )
    token = await run_in_worker(
        make_access_token, user=owner, application=application, workspace=workspace, settings=settings
    )
    await call(token, "list_sessions", {}, mode="legacy")
    await run_in_worker(activity_log.flush)
    recorded = await run_in_worker(McpCall.objects.get)
    assert (recorded.application_id, recorded.user_id, recorded.credential) == (application.pk, owner.pk, "Claude")
    assert recorded.session_id == ""


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_invalid_arguments_are_recorded_as_invalid(mcp, key, prototype):
    async with mcp(key) as client:
        result = await client.call_tool("get_session", {"session": prototype.public_id, "nope": 1})
    assert result.is_error
    assert result.content[0].text == "get_session has no argument nope; it takes: session."
    await run_in_worker(activity_log.flush)
    recorded = await run_in_worker(McpCall.objects.get)
    assert (recorded.outcome, recorded.reason) == ("invalid", "get_session has no argument nope; it takes: session.")


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_each_call_not_answered_records_why_as_the_caller_was_told(call, mcp, key, prototype, foreign):
    """The outcome alone ("error result (e.g. not found)") did not say which: the reason does."""
    await call(key, "get_session", {"session": prototype.link()})
    await call(key, "get_file_content", {"session": prototype.link(), "path": "src/missing.ts"})
    await call(key, "get_session", {"session": foreign.public_id})
    async with mcp(key) as client:
        with pytest.raises(MCPError):
            await client.call_tool("get_sesion", {})
    await run_in_worker(activity_log.flush)
    rows = await run_in_worker(lambda: list(McpCall.objects.order_by("id").values_list("tool", "outcome", "reason")))
    assert rows[0] == ("get_session", "ok", "")
    assert rows[1][:2] == ("get_file_content", "error")
    assert rows[1][2] == "No file at src/missing.ts in this session; did you mean src/main.jsx?"
    assert rows[2][:2] == ("get_session", "error")
    assert rows[2][2].startswith(f"No session with id {foreign.public_id} in workspace acme")
    assert rows[3][:2] == ("get_sesion", "invalid")
    assert rows[3][2].startswith("Unknown tool 'get_sesion'; the tools are:")


@pytest.fixture
def writer_held(monkeypatch):
    """The writer thread kept from writing while the test runs: a second after the first record it would flush
    them itself, racing the test's own `flush()` (a run of the whole suite lost that race once). The thread
    waits on the event it waits on now, which nothing sets until the test ends."""
    monkeypatch.setattr(activity_log, "_wake", threading.Event())
    monkeypatch.setattr(activity_log, "_start", lambda: None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("writer_held")
def test_records_are_written_in_one_statement_not_row_by_row(workspace, django_assert_max_num_queries):
    for _ in range(50):
        record(workspace)
    with django_assert_max_num_queries(1):
        assert activity_log.flush() == 50
    assert McpCall.objects.count() == 50


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("writer_held")
def test_a_record_whose_workspace_is_gone_is_skipped_alone(workspace, other_workspace):
    record(workspace)
    record(other_workspace)
    other_workspace.delete()
    assert activity_log.flush() == 1
    assert McpCall.objects.get().workspace == workspace


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("writer_held")
def test_a_record_the_database_refuses_for_its_data_is_skipped_alone_and_the_batch_written(workspace, other_workspace):
    record(workspace)
    record(other_workspace, tool="x\x00")  # as if it had come past the recording's own cleaning
    record(other_workspace)
    assert activity_log.flush() == 2
    assert sorted(McpCall.objects.values_list("workspace_id", flat=True)) == sorted([workspace.pk, other_workspace.pk])


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_a_call_whose_tool_name_holds_a_nul_is_recorded_made_storable(mcp, key, prototype):
    async with mcp(key) as client:
        await client.call_tool("get_session", {"session": prototype.public_id})
        with pytest.raises(MCPError, match="Unknown tool"):
            await client.call_tool("x\x00" + "y" * 100, {})
    await run_in_worker(activity_log.flush)  # what the writer thread has not written yet (it may have)
    tools = await run_in_worker(lambda: list(McpCall.objects.order_by("id").values_list("tool", "outcome")))
    assert tools == [("get_session", "ok"), ("x\ufffd" + "y" * 62, "invalid")]


def record(workspace, **fields):
    values = {
        "at": timezone.now(),
        "workspace_id": workspace.pk,
        "mcp_key_id": None,
        "application_id": None,
        "user_id": None,
        "credential": "a key (alloy_mcp_abc…)",
        "tool": "get_session",
        "session_id": "abcdefgh12345678",
        "outcome": "ok",
        "duration_ms": 1.5,
        "reason": "",
    } | fields
    activity_log.record(CallRecord(**values))


@pytest.fixture
def calls(workspace, other_workspace):
    """Ten calls in `workspace` (sessions s0…s9, the newest last) and one in `other_workspace`."""
    for index in range(10):
        record(workspace, session_id=f"session{index:04d}x", tool=f"tool{index}")
    record(other_workspace, session_id="theirsession0001", credential="their key")
    activity_log.flush()


@pytest.mark.django_db(transaction=True)
def test_owners_read_the_activity_page_newest_first_and_paged(owner, workspace, calls, settings):
    client = signed_in(owner)
    url = f"/{workspace.slug}/settings/mcp/activity/"
    page = client.get(url).content.decode()
    assert page.index("session0009x") < page.index("session0000x")
    assert "their key" not in page
    assert "theirsession0001" not in page
    older = client.get(url, {"session": "session0003x"}).content.decode()
    assert "session0003x" in older
    assert "session0004x" not in older


@pytest.mark.django_db(transaction=True)
def test_activity_rows_say_why_link_the_session_by_title_and_filter_by_their_key(owner, workspace, prototype, foreign):
    key = mcp_key_create(workspace=workspace, name="Laptop").record
    record(workspace, session_id=prototype.public_id, mcp_key_id=key.pk, credential=str(key))
    record(workspace, session_id="gonegonegone0000", outcome="error", reason="No session with id gonegonegone0000.")
    record(workspace, session_id=foreign.public_id)  # an id of another workspace's session: never its title
    activity_log.flush()
    page = signed_in(owner).get(f"/{workspace.slug}/settings/mcp/activity/").content.decode()
    assert f'href="{prototype.link()}" title="Todo app (Prototype)">Todo app</a>' in page
    reason = "No session with id gonegonegone0000."
    assert f'<small class="reason one-line" title="{reason}">{reason}</small>' in page
    assert '<code>gonegonegone0000</code> <small class="muted">no such session now</small>' in page
    assert "Secret" not in page  # the foreign session's title
    assert f'<a class="one-line" href="?key={key.pk}" title="Only the calls of {key}">' in page
    # The keys table links each key to its calls.
    keys_page = signed_in(owner).get(f"/{workspace.slug}/settings/mcp/").content.decode()
    assert f'href="/{workspace.slug}/settings/mcp/activity/?key={key.pk}">Its calls</a>' in keys_page


@pytest.mark.django_db(transaction=True)
def test_the_activity_page_reads_the_titles_in_one_query(owner, workspace, django_assert_max_num_queries):
    for n in range(30):
        record(workspace, session_id=f"session{n:04d}x")
    activity_log.flush()
    client = signed_in(owner)
    # Each of the three reads of walled rows (the calls, their sessions' titles, the apps' tokens for the filter)
    # sets its workspace first. Four name the signed-in person in the test's transaction (a savepoint, the
    # setting, the setting given back, the release; a page served for real names them with one statement:
    # alloy.middleware.person_behind_the_wall).
    with django_assert_max_num_queries(24):
        assert client.get(f"/{workspace.slug}/settings/mcp/activity/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_activity_page_pages_by_id(workspace, calls):
    first = selectors.mcp_calls_list(workspace=workspace, filters=ActivityFilters(), limit=4)
    second = selectors.mcp_calls_list(workspace=workspace, filters=ActivityFilters(before=first.next_before), limit=4)
    last = selectors.mcp_calls_list(workspace=workspace, filters=ActivityFilters(before=second.next_before), limit=4)
    sessions = [c.session_id for page in (first, second, last) for c in page.calls]
    assert sessions == [f"session{index:04d}x" for index in range(9, -1, -1)]
    assert last.next_before is None


@pytest.mark.django_db(transaction=True)
def test_members_get_403_and_outsiders_404(member, outsider, workspace, calls):
    url = f"/{workspace.slug}/settings/mcp/activity/"
    assert signed_in(member).get(url).status_code == 403
    assert signed_in(outsider).get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("query", [{"key": "abc"}, {"before": "-1"}, {"session": "a" * 201}, {"before": "²"}])
def test_a_malformed_filter_is_a_clear_400(owner, workspace, query):
    response = signed_in(owner).get(f"/{workspace.slug}/settings/mcp/activity/", query)
    assert response.status_code == 400
    assert "filter" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_api_lists_filters_and_pages(owner, member, outsider, workspace, calls):
    url = f"/api/v1/workspaces/{workspace.slug}/mcp-activity/"
    body = signed_in(owner).get(url, {"session": "session0005x"}).json()
    assert [c["tool"] for c in body["results"]] == ["tool5"]
    assert body["next_before"] is None
    everything = signed_in(owner).get(url).json()
    assert len(everything["results"]) == 10
    assert signed_in(member).get(url).status_code == 403
    assert signed_in(outsider).get(url).status_code == 404
    assert signed_in(owner).get(url, {"key": "x"}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_ops_export_as_json_lines(workspace, calls):
    out = io.StringIO()
    call_command("export_mcp_activity", workspace.slug, stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["tool"] for line in lines] == [f"tool{index}" for index in range(10)]
    assert {line["workspace"] for line in lines} == {workspace.slug}


@pytest.mark.django_db(transaction=True)
def test_ops_export_since_a_day_keeps_that_day_and_after(workspace):
    record(workspace, at=dt.datetime(2026, 11, 30, 23, 59, tzinfo=dt.UTC), tool="before")
    record(workspace, at=dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC), tool="on")
    activity_log.flush()
    out = io.StringIO()
    call_command("export_mcp_activity", workspace.slug, "--since", "2026-12-01", stdout=out)
    assert [json.loads(line)["tool"] for line in out.getvalue().splitlines()] == ["on"]


@pytest.mark.django_db(transaction=True)
def test_prune_deletes_what_is_older_than_the_retention(workspace, settings):
    record(workspace, at=timezone.now() - dt.timedelta(days=settings.ALLOY_ACTIVITY_RETENTION_DAYS + 1))
    record(workspace, at=timezone.now() - dt.timedelta(days=settings.ALLOY_ACTIVITY_RETENTION_DAYS - 1))
    activity_log.flush()
    out = io.StringIO()
    call_command("prune_mcp_activity", stdout=out)
    assert "Deleted 1 MCP call(s) and 0 audit event(s) older than 90 days" in out.getvalue()
    assert McpCall.objects.count() == 1


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_a_revoked_or_expired_key_in_use_is_recorded_and_shown_on_the_keys_page(http, workspace, owner):
    """A revoked key still configured somewhere left no trace an owner could see."""
    revoked = await run_in_worker(mcp_key_create, workspace=workspace, name="Old laptop", created_by=owner)
    await run_in_worker(mcp_key_revoke, key=revoked.record, by=None)
    guessed = generate_key()  # well formed, but no key's: nothing to record, and nothing is
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"accept": "application/json", "content-type": "application/json", "mcp-protocol-version": "2025-11-25"}
    for key in (revoked.key, guessed):
        async with http(**headers, **{"X-MCP-API-Key": key}) as client:
            assert (await client.post("/mcp", json=body)).status_code == 401
    await run_in_worker(activity_log.flush)
    calls = await run_in_worker(
        lambda: list(McpCall.objects.values("mcp_key_id", "outcome", "tool", "credential", "reason"))
    )
    revoked_at = (await run_in_worker(McpKey.objects.get, pk=revoked.record.pk)).revoked_at
    assert calls == [
        {
            "mcp_key_id": revoked.record.pk,
            "outcome": "refused",
            "tool": "",
            "credential": str(revoked.record),
            "reason": f"The key was revoked on {revoked_at:%Y-%m-%d %H:%M} UTC.",
        }
    ]
    page = await run_in_worker(lambda: signed_in(owner).get("/acme/settings/mcp/").content.decode())
    assert "refused <time" in page


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_a_key_revoked_between_calls_is_recorded_refused_with_what_its_caller_was_told(
    http, workspace, owner, prototype
):
    created = await run_in_worker(mcp_key_create, workspace=workspace, name="Laptop", created_by=owner)
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call"}
    body["params"] = {"name": "get_session", "arguments": {"session": prototype.public_id}}
    headers = {"accept": "application/json", "content-type": "application/json", "mcp-protocol-version": "2025-11-25"}
    async with http(**headers, **{"X-MCP-API-Key": created.key}) as client:
        assert (await client.post("/mcp", json=body)).status_code == 200  # the key is now known to the process
        await run_in_worker(mcp_key_revoke, key=created.record, by=None)
        assert (await client.post("/mcp", json=body)).status_code == 401
    await run_in_worker(activity_log.flush)
    rows = await run_in_worker(lambda: list(McpCall.objects.order_by("id").values_list("tool", "outcome", "reason")))
    assert rows[0] == ("get_session", "ok", "")
    # The call ran, found the key no longer live and was answered 401: recorded with that sentence.
    assert rows == [("get_session", "ok", ""), ("get_session", "refused", KEY_NOT_LIVE)]


@pytest.fixture
def varied_calls(workspace):
    """Calls of three outcomes over three days."""
    today = timezone.now()
    record(workspace, at=today - dt.timedelta(days=2), session_id="twodaysago00000x")
    record(workspace, at=today - dt.timedelta(days=1), outcome="refused", reason="MCP is turned off", session_id="")
    record(workspace, at=today, outcome="error", reason="No file at x.", session_id="today00000000000")
    record(workspace, at=today, session_id="today11111111111")
    activity_log.flush()
    return today


@pytest.mark.django_db(transaction=True)
def test_the_activity_filters_by_outcome_and_days_on_the_page_and_in_the_api(owner, workspace, varied_calls):
    client = signed_in(owner)
    url = f"/{workspace.slug}/settings/mcp/activity/"
    refused = client.get(url, {"outcome": "refused"}).content.decode()
    assert "MCP is turned off" in refused
    assert "No file at x." not in refused
    yesterday = (varied_calls - dt.timedelta(days=1)).date().isoformat()
    api = f"/api/v1/workspaces/{workspace.slug}/mcp-activity/"
    listed = client.get(api, {"since": yesterday, "until": yesterday}).json()["results"]
    assert [call["outcome"] for call in listed] == ["refused"]
    today = varied_calls.date().isoformat()
    assert [call["session_id"] for call in client.get(api, {"since": today}).json()["results"]] == [
        "today11111111111",
        "today00000000000",
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"outcome": "exploded"}, "The outcome filter is one of ok, error, invalid, refused, unavailable"),
        ({"since": "2026-13-01"}, "The since filter is a day as YYYY-MM-DD"),
        ({"since": "2026-12-05", "until": "2026-12-01"}, "is after the until day"),
        ({"before": "99999999999999999999"}, "must be a whole number"),
    ],
)
def test_a_malformed_activity_filter_is_a_400_that_says_what_is_accepted(owner, workspace, query, says):
    client = signed_in(owner)
    for url in (
        f"/{workspace.slug}/settings/mcp/activity/",
        f"/{workspace.slug}/settings/mcp/activity/export/",
        f"/api/v1/workspaces/{workspace.slug}/mcp-activity/",
    ):
        response = client.get(url, query)
        assert response.status_code == 400, url
        assert says in response.content.decode(), url


@pytest.mark.django_db(transaction=True)
def test_the_page_exports_what_its_filters_show_across_pages(owner, member, outsider, workspace, varied_calls):
    for n in range(1_200):  # more than one export page of 1,000
        record(workspace, session_id=f"bulk{n:012d}", outcome="error", reason="bulk")
    activity_log.flush()
    client = signed_in(owner)
    page = client.get(f"/{workspace.slug}/settings/mcp/activity/", {"outcome": "error"}).content.decode()
    assert f'href="/{workspace.slug}/settings/mcp/activity/export/?outcome=error"' in page
    response = client.get(f"/{workspace.slug}/settings/mcp/activity/export/", {"outcome": "error"})
    assert response["Content-Disposition"] == f'attachment; filename="{workspace.slug}-mcp-activity.jsonl"'
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert len(lines) == 1_201
    assert {line["outcome"] for line in lines} == {"error"}
    assert lines[0]["workspace"] == workspace.slug
    assert signed_in(member).get(f"/{workspace.slug}/settings/mcp/activity/export/").status_code == 403
    assert signed_in(outsider).get(f"/{workspace.slug}/settings/mcp/activity/export/").status_code == 404
