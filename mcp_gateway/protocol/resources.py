"""Sessions' files as MCP resources, and the session view's resource.

Two templates name a file (mcp_gateway/protocol/file_uris.py). `resources/list` offers the view and the
workspace's files, the most recently updated session first, so a host's attach menu shows them; the
tools that name files return `resource_link` items with the same URIs.

A read is walled exactly like a tool call (one worker hop, the workspace's rows only, the credential
live): another workspace's file gets, byte for byte, the answer a missing one gets. A file longer than a
result is cut at a line and never silently: a second content says how many lines are left and the
get_file_content arguments that return them. Each read goes into the activity log as "resources/read".
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    BlobResourceContents,
    ListResourcesResult,
    ListResourceTemplatesResult,
    PaginatedRequestParams,
    ReadResourceRequestParams,
    ReadResourceResult,
    Resource,
    TextResourceContents,
)

from alloy.database import DATABASE_OUTAGE
from mcp_gateway.activity.log import record_request
from mcp_gateway.auth.caller import Caller, caller_of
from mcp_gateway.auth.principal import Principal
from mcp_gateway.models import McpCall
from mcp_gateway.protocol.cursors import decode_cursor, encode_cursor
from mcp_gateway.protocol.file_uris import TEMPLATES, FileAddress, file_uri, media_type_of, parse_file_uri
from mcp_gateway.protocol.session_view import VIEW_RESOURCE, VIEW_URI, view_contents
from mcp_gateway.protocol.tools.budget import ENVELOPE_RESERVE, cut_to_fit, fit_lines, json_text, max_bytes
from mcp_gateway.protocol.unit_of_work import CredentialNotLive, policy_refusal, read_in_workspace
from sessions_app import selectors
from sessions_app.diffs import split_lines
from sessions_app.errors import InvalidArgument, SessionContextError
from sessions_app.models import Session
from sessions_app.storable import unstorable

LISTED_PER_PAGE = 100
READ_METHOD = "resources/read"
# A file resource is a file's content: served where get_file_content is (the workspace's MCP policy).
FILE_TOOL = "get_file_content"
UNKNOWN_URI = (
    "Alloy has no resource at {uri!r}. It serves " + VIEW_URI + ", alloy://sessions/<session id>/files/<path> "
    "and alloy://sessions/<session id>/before/<path> (the path percent-encoded but for its slashes)."
)

T = TypeVar("T")


async def _walled(caller: Caller, work: Callable[[Principal], T]) -> T:
    """`work` as a tool runs it; a credential found revoked or a database outage turns the answer into
    CredentialAuth's 401 or 503 (the error raised here never leaves)."""
    try:
        return await read_in_workspace(caller, work)
    except (CredentialNotLive, *DATABASE_OUTAGE):
        raise MCPError(code=INVALID_PARAMS, message="Not answered.") from None


async def list_resource_templates(
    ctx: ServerRequestContext, params: PaginatedRequestParams
) -> ListResourceTemplatesResult:
    return ListResourceTemplatesResult(resource_templates=list(TEMPLATES))


async def list_resources(ctx: ServerRequestContext, params: PaginatedRequestParams) -> ListResourcesResult:
    """The view, then a page of the workspace's files (LISTED_PER_PAGE a page)."""
    try:
        (offset,) = decode_cursor(params.cursor, "resources", (int,)) if params.cursor else (0,)
    except InvalidArgument as error:
        raise MCPError(code=INVALID_PARAMS, message=str(error)) from None
    caller: Caller = caller_of(ctx.request)
    page = await _walled(
        caller,
        lambda principal: selectors.workspace_file_page(
            workspace=principal.workspace, offset=offset, limit=LISTED_PER_PAGE
        ),
    )
    resources: list[Resource] = [VIEW_RESOURCE] if offset == 0 else []
    # The files are offered only where the workspace has their tool on (its MCP policy, current: the read
    # above confirmed the caller's check, or looked it up afresh).
    files = page.items if caller.principal.policy.tool_allowed(FILE_TOOL) else []
    for file in files:
        blob = file.current
        resources.append(
            Resource(
                uri=file_uri(file.session.public_id, file.path, before=file.after_id is None),
                name=file.path,
                title=f"{file.path} ({file.session.title})",
                mime_type=media_type_of(file.path, media_type=file.media_type, binary=file.is_binary),
                size=blob.size if blob else None,
            )
        )
    next_cursor = encode_cursor("resources", offset + len(page.items)) if page.following else None
    return ListResourcesResult(resources=resources, next_cursor=next_cursor)


async def read_resource(ctx: ServerRequestContext, params: ReadResourceRequestParams) -> ReadResourceResult:
    """The view, or a file (walled); recorded in the activity log whatever the outcome."""
    caller: Caller = caller_of(ctx.request)
    started = time.perf_counter()
    outcome, reason = McpCall.Outcome.INVALID, ""
    address = parse_file_uri(params.uri)
    try:
        if params.uri == VIEW_URI:
            outcome = McpCall.Outcome.OK
            return ReadResourceResult(contents=[view_contents()])
        if address is None:
            reason = UNKNOWN_URI.format(uri=params.uri[:300])
            raise MCPError(code=INVALID_PARAMS, message=reason, data={"uri": params.uri[:300]})
        caller.tool = FILE_TOOL
        if sentence := await policy_refusal(caller, FILE_TOOL):
            caller.forbid(sentence)  # CredentialAuth answers 403 with it, and the log records it
            raise MCPError(code=INVALID_PARAMS, message=sentence, data={"uri": params.uri})
        try:
            result = await _walled(caller, lambda principal: _file_contents(principal, params.uri, address))
        except SessionContextError as error:
            outcome, reason = McpCall.Outcome.ERROR, str(error)
            raise MCPError(code=INVALID_PARAMS, message=reason, data={"uri": params.uri}) from None
        outcome = McpCall.Outcome.OK
        return result
    finally:
        record_request(
            caller,
            method=READ_METHOD,
            session_ref=address.session if address else None,
            outcome=outcome,
            seconds=time.perf_counter() - started,
            reason=reason,
        )


def _file_contents(principal: Principal, uri: str, address: FileAddress) -> ReadResourceResult:
    text = selectors.file_text(
        workspace=principal.workspace, session_ref=address.session, path=address.path, version=address.version
    )
    file, blob, room = text.file, text.blob, max_bytes() - ENVELOPE_RESERVE
    media_type = media_type_of(file.path, media_type=file.media_type, binary=text.is_binary)
    if text.is_binary:
        encoded = base64.b64encode(bytes(blob.data or b"")).decode()
        if len(encoded) <= room:
            return ReadResourceResult(contents=[BlobResourceContents(uri=uri, mime_type=media_type, blob=encoded)])
        note = (
            f"{file.path} is a binary file of {blob.size:,} bytes ({media_type}), more than one read holds "
            f"(about {room * 3 // 4:,} bytes); Alloy does not send it in parts."
        )
        return ReadResourceResult(contents=[TextResourceContents(uri=uri, mime_type="text/plain", text=note)])
    lines = split_lines(text.text)
    shown = fit_lines(lines, room)
    if shown == len(lines):
        return ReadResourceResult(contents=[TextResourceContents(uri=uri, mime_type=media_type, text=text.text)])
    content = "".join(lines[:shown]) if shown else cut_to_fit(lines[0], room)
    last_shown = max(shown, 1)
    rest: dict[str, Any] = {"session": text.session.public_id, "path": file.path, "start_line": last_shown + 1}
    if text.session.kind == Session.Kind.DEV:
        rest["version"] = text.version
    shown_part = f"lines 1-{shown}" if shown else "the start of line 1"
    note = (
        f"This is {shown_part} of the {text.total_lines:,} lines of {file.path}: a read holds at most "
        f"{settings.ALLOY_MCP_MAX_RESULT_TOKENS:,} tokens. The rest: get_file_content with {json_text(rest)}."
    )
    continuation = {"remaining_lines": text.total_lines - last_shown, "fetch_rest_with": rest}
    return ReadResourceResult(
        contents=[
            TextResourceContents(uri=uri, mime_type=media_type, text=content),
            TextResourceContents(uri=uri, mime_type="text/plain", text=note),
        ],
        _meta={"app.alloy/truncated": continuation},
    )


def template_completions(principal: Principal, *, argument: str, typed: str, arguments: dict[str, str]) -> list[str]:
    """Values for a file template's argument from the caller's workspace: sessions by title or id, or the
    paths of the session already chosen."""
    if argument == "session":
        return selectors.session_completions(workspace=principal.workspace, typed=typed)
    session = arguments.get("session", "")
    if not session or unstorable(session):
        return []
    return selectors.file_path_completions(workspace=principal.workspace, session_ref=session, typed=typed)
