"""What every tool shares: its spec, the principal, the worker thread, the budget, the result shape.

The response contract (docs/mcp-responses.md): a tool returns `structuredContent` and one text block
holding the same JSON, then, for the tools that name files, a `resource_link` to each. No text block is
longer than ALLOY_MCP_MAX_RESULT_CHARS. Errors a person can act on are results with `isError: true` and
one plain sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

import orjson
from django.conf import settings
from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, ContentBlock, ResourceLink, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from alloy.database import DATABASE_OUTAGE, outage_message
from mcp_gateway.auth.caller import Caller, caller_of
from mcp_gateway.auth.credentials import liveness_condition, not_live_message
from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.workers import run_in_worker
from sessions_app.errors import SessionContextError
from sessions_app.tenancy import walled_reads

logger = logging.getLogger(__name__)

SessionArgument = Annotated[
    str,
    Field(
        description=(
            "The session: a link pasted by the user (https://alloy.app/<workspace>/p/<id>/edit or "
            "https://alloy.app/<workspace>/p/dev/<id>) or a bare session id."
        ),
        max_length=4096,
    ),
]
CursorArgument = Annotated[
    str | None,
    Field(description="The next_cursor of the previous result, to get the next page. Leave out for the first."),
]

# What a tool's unit of work returns: its result model, or the dict that model would dump to.
ToolResult = BaseModel | dict[str, Any]

# Room kept for the envelope's own fields (next_cursor, a continuation) when filling a page.
ENVELOPE_RESERVE = 600


@dataclass(frozen=True)
class ToolSpec:
    """One tool: its contract (name, description, annotations with its title), the handler the server calls,
    and what that handler runs: `work(principal, **arguments)` in a worker thread behind the workspace's
    wall, and `links(result)`, the `resource_link` items that follow the result's text block."""

    name: str
    description: str
    handler: Callable[..., Any]
    work: Callable[..., ToolResult]
    annotations: ToolAnnotations
    links: Callable[[dict[str, Any]], list[ResourceLink]] | None = None
    # Hosts that render MCP Apps show the session view (mcp_gateway/protocol/session_view.py) beside the result.
    shows_session: bool = False

    @property
    def title(self) -> str:
        return self.annotations.title or self.name


def read_only(title: str) -> ToolAnnotations:
    """The annotations of a tool that only reads this workspace's sessions: nothing changes, calling it
    twice gives the same answer, and it reaches nothing outside Alloy."""
    return ToolAnnotations(
        title=title, read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
    )


def max_chars() -> int:
    return settings.ALLOY_MCP_MAX_RESULT_CHARS


def json_text(value: Any) -> str:
    """Compact JSON, UTF-8 as is: what json.dumps(ensure_ascii=False, separators=(",", ":")) gives, at a
    tenth of the cost (orjson): results are sized message by message, then sent as text."""
    return orjson.dumps(value).decode()


def json_len(value: Any) -> int:
    return len(json_text(value))


def as_json_dict(model: BaseModel) -> dict[str, Any]:
    """A result model as the dict it is sent as (absent fields left out)."""
    return model.model_dump(mode="json", exclude_none=True)


def room_left(result: ToolResult) -> int:
    """Characters still free for a result's items, given what it already holds: the budget, less the
    result so far, less room for its envelope's own fields (next_cursor, a continuation)."""
    return max_chars() - json_len(result if isinstance(result, dict) else as_json_dict(result)) - ENVELOPE_RESERVE


def tool_caller(ctx: Context) -> Caller:
    """The caller of the tool call `ctx` belongs to."""
    return caller_of(ctx.request_context.request)


class CredentialNotLive(Exception):
    """The caller's credential was revoked or expired since it was cached: the request gets a 401."""


def _walled(principal: Principal, work: Callable[[Principal], Any], caller: Caller) -> Any:
    """The work's reads, walled to the principal's workspace in the database too, and only while its
    credential is live (sessions_app/tenancy.py: one round trip per read, the check riding along)."""
    condition, params = liveness_condition(principal)
    with walled_reads(workspace_id=principal.workspace.pk, condition=condition, condition_params=params) as reads:
        try:
            result = work(principal)
        except SessionContextError:
            if reads.checks > 0 and reads.condition_held:
                caller.confirm()
            if not reads.condition_held:
                raise CredentialNotLive from None
            raise
    if not reads.condition_held:
        raise CredentialNotLive
    if reads.checks > 0:
        caller.confirm()
    return result


def in_workspace(caller: Caller, work: Callable[[Principal], Any]) -> Any:
    """`work(principal)` here (a worker thread, or a test's own), its reads walled to the caller's workspace
    while the credential is live; raises CredentialNotLive, a database outage, or the work's
    SessionContextError. The first two are told to the caller as well (refused, outage), so CredentialAuth
    answers 401 or 503 instead of whatever the handler returns."""
    try:
        return _walled(caller.principal, work, caller)
    except CredentialNotLive:
        caller.refuse()
        raise
    except DATABASE_OUTAGE as error:
        logger.warning("Database unavailable during a tool call or read: %s", error)
        caller.outage(outage_message(error))
        raise


async def read_in_workspace(caller: Caller, work: Callable[[Principal], Any]) -> Any:
    """`in_workspace` in a worker thread: one hop off the event loop (the resources, the completions)."""
    return await run_in_worker(in_workspace, caller, work)


def tool_call(caller: Caller, spec: ToolSpec, arguments: dict[str, Any]) -> CallToolResult:
    """One tool call's unit of work, whole: the tool's reads behind the wall, then its result shaped as the
    contract says, or its error as a sentence. The handler runs it in a worker thread; tests call it
    directly (tests/mcp_gateway/tools/conftest.py)."""
    try:
        result = in_workspace(caller, partial(spec.work, **arguments))
    except CredentialNotLive:  # CredentialAuth replaces this answer with a 401 before it is sent
        return _error_result(not_live_message(caller.principal))
    except DATABASE_OUTAGE:  # CredentialAuth replaces this answer with a 503 and Retry-After
        return _error_result(caller.database_outage)
    except SessionContextError as error:
        return _error_result(str(error))
    structured = result if isinstance(result, dict) else as_json_dict(result)
    text = json_text(structured)
    if len(text) > max_chars():
        # Each tool fits its result to the budget; getting here is a bug, not the caller's fault.
        raise RuntimeError(f"result of {len(text)} characters is over the {max_chars()} budget")
    content: list[ContentBlock] = [TextContent(type="text", text=text)]
    if spec.links is not None:
        content.extend(spec.links(structured))
    return CallToolResult(content=content, structured_content=structured)


async def run_tool(ctx: Context, spec: ToolSpec, **arguments: Any) -> CallToolResult:
    """A tool handler's body: its unit of work (`tool_call`) in a worker thread, one hop off the event loop."""
    return await run_in_worker(tool_call, tool_caller(ctx), spec, arguments)


def _error_result(sentence: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=sentence)], is_error=True)


def fit_count(sizes: list[int], room: int) -> int:
    """How many items, in order, fit in `room` characters (each also costs a separating comma)."""
    used = count = 0
    for size in sizes:
        if used + size + 1 > room:
            break
        used += size + 1
        count += 1
    return count


def fit_lines(lines: list[str], room: int, start: int = 0) -> int:
    """How many whole lines, in order from `start`, fit in `room` characters of one JSON string. Looks
    at no more lines than fit, so a page of a long file costs what the page holds."""
    used = count = 0
    for index in range(start, len(lines)):
        cost = json_len(lines[index]) - 2  # without the quotes: the lines share one string
        if used + cost > room:
            break
        used += cost
        count += 1
    return count


def cut_to_fit(text: str, room: int) -> str:
    """The longest start of `text` whose JSON string form takes at most `room` characters."""
    if json_len(text) <= room:
        return text
    low, high = 0, min(len(text), max(room, 0))
    while low < high:  # binary search: escapes make JSON length differ from character count
        middle = (low + high + 1) // 2
        if json_len(text[:middle]) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low]
