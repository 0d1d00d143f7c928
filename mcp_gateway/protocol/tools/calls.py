"""A tool call: its unit of work behind the wall, then its result shaped as the response contract says.

The contract (docs/mcp-responses.md): a tool returns `structuredContent` and one text block holding the
same JSON, then, for the tools that name files, a `resource_link` to each. No text block is longer than
ALLOY_MCP_MAX_RESULT_TOKENS (budget.py). Errors a person can act on are results with `isError: true` and
one plain sentence.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, ContentBlock, ResourceLink, TextContent

from alloy.database import DATABASE_OUTAGE
from mcp_gateway.auth.caller import Caller, caller_of
from mcp_gateway.auth.credentials import not_live_message
from mcp_gateway.protocol.fair_share import OverFairShare, fair_share
from mcp_gateway.protocol.tools.budget import as_json_dict, json_text, result_tokens
from mcp_gateway.protocol.tools.spec import ToolSpec
from mcp_gateway.protocol.unit_of_work import CredentialNotLive, in_workspace
from mcp_gateway.protocol.workers import run_in_worker
from sessions_app.errors import SessionContextError

# What the resource links after a result may add to it (docs/mcp-responses.md).
LINKS_SHARE = 0.15
LINKS_FLOOR_CHARS = 600


def tool_caller(ctx: Context) -> Caller:
    """The caller of the tool call `ctx` belongs to."""
    return caller_of(ctx.request_context.request)


def tool_call(caller: Caller, spec: ToolSpec, arguments: dict[str, Any]) -> CallToolResult:
    """One tool call's unit of work, whole: the tool's reads behind the wall, then its result shaped as the
    contract says, or its error as a sentence. The handler runs it in a worker thread; tests call it
    directly (tests/mcp_gateway/tools/conftest.py)."""
    try:
        result = in_workspace(caller, partial(spec.work, **arguments))
    except CredentialNotLive:  # CredentialAuth replaces this answer with a 401 (or a 403) before it is sent
        return _error_result(caller.forbidden or not_live_message(caller.principal))
    except DATABASE_OUTAGE:  # CredentialAuth replaces this answer with a 503 and Retry-After
        return _error_result(caller.database_outage)
    except SessionContextError as error:
        return _error_result(str(error))
    structured = result if isinstance(result, dict) else as_json_dict(result)
    text = json_text(structured)
    if (tokens := result_tokens(structured, prose=spec.prose)) > settings.ALLOY_MCP_MAX_RESULT_TOKENS:
        # Each tool fits its result to the budget; getting here is a bug, not the caller's fault.
        raise RuntimeError(f"result of about {tokens} tokens is over the {settings.ALLOY_MCP_MAX_RESULT_TOKENS} budget")
    content: list[ContentBlock] = [TextContent(type="text", text=text)]
    if spec.links is not None:
        content.extend(links_within_share(spec.links(structured), len(text)))
    return CallToolResult(content=content, structured_content=structured)


def links_within_share(links: list[ResourceLink], text_chars: int) -> list[ResourceLink]:
    """The first of `links` while together they cost at most LINKS_SHARE of the result's text, or
    LINKS_FLOOR_CHARS for a small result: a host that shows them to the model pays for them again, and the
    text already names every file (any of which its URI template reaches)."""
    allowance = max(int(text_chars * LINKS_SHARE), LINKS_FLOOR_CHARS)
    kept, used = [], 0
    for link in links:
        used += len(json_text(link.model_dump(mode="json", by_alias=True, exclude_none=True)))
        if used > allowance:
            break
        kept.append(link)
    return kept


async def run_tool(ctx: Context, spec: ToolSpec, **arguments: Any) -> CallToolResult:
    """A tool handler's body: its unit of work (`tool_call`) in a worker thread, one hop off the event loop,
    within its credential's fair share of those threads (fair_share.py)."""
    caller = tool_caller(ctx)
    try:
        async with fair_share(caller.principal):
            return await run_in_worker(tool_call, caller, spec, arguments)
    except OverFairShare as busy:
        return _error_result(str(busy))


def _error_result(sentence: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=sentence)], is_error=True)
