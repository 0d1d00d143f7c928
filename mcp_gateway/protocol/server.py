"""The MCP server and the ASGI app that serves it at /mcp.

Stateless Streamable HTTP with JSON responses: no session state is kept between requests, so any
worker process on any host can answer any request. Both protocol eras are spoken: the 2026-07-28
revision (`server/discover`, no `initialize`) and the initialize revisions mcp-remote and today's
Claude connector use.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from mcp.server import MCPServer
from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    CallToolResult,
    CompleteRequestParams,
    CompleteResult,
    Completion,
    GetPromptResult,
    InputRequiredResult,
    ListPromptsResult,
    ListToolsResult,
    PaginatedRequestParams,
    Prompt,
    PromptMessage,
    PromptReference,
    ReadResourceRequestParams,
    TextContent,
)
from mcp_types import Tool as MCPTool
from pydantic import ValidationError
from starlette.types import ASGIApp

from alloy import metrics
from alloy.database import DATABASE_OUTAGE
from mcp_gateway.activity.log import activity_log, record_request
from mcp_gateway.auth.caller import caller_of
from mcp_gateway.auth.principal import Principal
from mcp_gateway.models import McpCall
from mcp_gateway.protocol.file_uris import TEMPLATE_ARGUMENTS, TEMPLATES
from mcp_gateway.protocol.lean_schema import lean_schema
from mcp_gateway.protocol.prompts import PROMPTS, PROMPTS_BY_NAME
from mcp_gateway.protocol.resources import (
    list_resource_templates,
    list_resources,
    read_resource,
    template_completions,
)
from mcp_gateway.protocol.sdk import low_level_server, registered_tool, stop_checking_results, stop_serving
from mcp_gateway.protocol.session_view import TOOL_UI_META
from mcp_gateway.protocol.tools import TOOLS, TOOLS_BY_NAME
from mcp_gateway.protocol.unit_of_work import CredentialNotLive, current_policy, policy_refusal, read_in_workspace
from mcp_gateway.protocol.workers import run_in_worker
from mcp_gateway.transport.http import CredentialAuth, TransportGuard
from sessions_app.errors import InvalidSessionLink, plain_problem
from sessions_app.links import ACCEPTED_SHAPES, parse_session_ref, unwrap_pasted
from sessions_app.selectors import session_completions
from sessions_app.storable import unstorable

SERVER_NAME = "Alloy"
SERVER_VERSION = "0.1.0"
INSTRUCTIONS = """\
Alloy is where people build software with an AI. A prototype session is an app the AI wrote (files and
a chat); a dev session is a change the AI made to a codebase (changed files with before/after, and a
chat). These tools read one workspace's sessions; they never change anything.

When the user pastes an Alloy link (https://alloy.app/<workspace>/p/<id>/edit or
https://alloy.app/<workspace>/p/dev/<id>), call get_session with it first. Then:
- to summarise or find decisions: get_chat_history (page with next_cursor);
- to explain a prototype: list_session_files with with_content=true, then get_file_content for the
  files that came without their text;
- to review a dev session: list_session_files (status and +/- lines), then get_file_diff on the files
  that matter, and get_file_content for surrounding code.
To find where something was said or written in a session, search_session(session, query).
Without a link, list_sessions finds sessions by title. Results are paged or cut to stay small; when a
result says truncated, call again with its fetch_rest_with arguments."""


TEMPLATE_URIS = {template.uri_template for template in TEMPLATES}


class InvalidArguments(Exception):
    """Arguments the tool cannot take; `str()` is the sentence Claude reads to correct its call."""


class AlloyMCPServer(MCPServer):
    """MCPServer that answers arguments it cannot take — unknown, failing the input schema, holding text
    no database can — with a tool error Claude can read and correct (SEP-1303, 2025-11-25), and an
    unknown tool with a JSON-RPC error (INVALID_PARAMS) that lists the tools."""

    _accepted_arguments: dict[str, list[str]] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_schemas: dict[str, dict[str, Any] | None] = {}
        self._listed_tools: list[MCPTool] | None = None

    async def list_tools(self) -> list[MCPTool]:
        """The tools as the SDK lists them, their schemas without generated boilerplate (lean_schema.py);
        worked out once: the tools never change while the server runs."""
        if self._listed_tools is None:
            self._listed_tools = [
                tool.model_copy(
                    update={
                        "input_schema": lean_schema(tool.input_schema, for_input=True),
                        "output_schema": lean_schema(tool.output_schema, for_input=False)
                        if tool.output_schema
                        else None,
                    }
                )
                for tool in await super().list_tools()
            ]
        return self._listed_tools

    async def _handle_list_tools(
        self, ctx: ServerRequestContext, params: PaginatedRequestParams | None
    ) -> ListToolsResult:
        """The tools the caller's workspace has on (its MCP policy), its credential confirmed first."""
        policy = await current_policy(ctx.request)
        return ListToolsResult(tools=[tool for tool in await self.list_tools() if policy.tool_allowed(tool.name)])

    async def _handle_list_prompts(
        self, ctx: ServerRequestContext, params: PaginatedRequestParams | None
    ) -> ListPromptsResult:
        """The prompts whose tools are all on for the caller's workspace."""
        policy = await current_policy(ctx.request)
        prompts = await self.list_prompts()
        return ListPromptsResult(
            prompts=[prompt for prompt in prompts if all(map(policy.tool_allowed, PROMPTS_BY_NAME[prompt.name].tools))]
        )

    def _tool_input_schema(self, name: str) -> dict[str, Any] | None:
        """The schema the SDK checks a 2026-07-28 call's `Mcp-Param-*` headers against, only for a tool that
        mirrors an argument into a header (`x-mcp-header`). For the others the SDK would walk the whole input
        schema twice on every call to find no header: 5% of a call at 32 connections (py-spy, make bench).
        Worked out once a tool; a name that is no tool is not remembered, so callers cannot grow the cache."""
        if name not in self._header_schemas:
            schema = super()._tool_input_schema(name)
            if schema is None:
                return None
            self._header_schemas[name] = schema if _declares_header(schema) else None
        return self._header_schemas[name]

    async def list_prompts(self) -> list[Prompt]:
        return [
            Prompt(name=spec.name, title=spec.title, description=spec.description, arguments=list(spec.arguments))
            for spec in PROMPTS
        ]

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Context | None = None
    ) -> GetPromptResult:
        """The prompt's message; an unknown prompt or an argument it cannot take is INVALID_PARAMS with a
        sentence saying what is accepted."""
        spec = PROMPTS_BY_NAME.get(name)
        if spec is not None and context is not None:
            caller = caller_of(context.request_context.request)
            for tool in spec.tools:
                if sentence := await policy_refusal(caller, tool):
                    caller.forbid(sentence)  # CredentialAuth answers 403 with it
                    raise MCPError(code=INVALID_PARAMS, message=sentence)
        if spec is None:
            names = ", ".join(PROMPTS_BY_NAME)
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown prompt {name!r}; the prompts are: {names}.")
        arguments = arguments or {}
        accepted = [argument.name for argument in spec.arguments]
        if unknown := sorted(set(arguments) - set(accepted)):
            message = f"{name} has no argument {', '.join(unknown)}; it takes: {', '.join(accepted)}."
            raise MCPError(code=INVALID_PARAMS, message=message)
        session = arguments.get("session")
        if not isinstance(session, str) or not session.strip():
            raise MCPError(code=INVALID_PARAMS, message=f"{name} needs the session: {ACCEPTED_SHAPES}.")
        try:
            parse_session_ref(session)
        except InvalidSessionLink as error:
            raise MCPError(code=INVALID_PARAMS, message=f"session: {error}") from None
        text = spec.render(unwrap_pasted(session))
        return GetPromptResult(
            description=spec.description,
            messages=[PromptMessage(role="user", content=TextContent(type="text", text=text))],
        )

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context | None = None
    ) -> CallToolResult | InputRequiredResult:
        """The call, recorded in the workspace's activity log whatever its outcome."""
        started = time.perf_counter()
        outcome, reason = McpCall.Outcome.INVALID, ""
        caller = caller_of(context.request_context.request) if context is not None else None
        try:
            if caller is not None and name in TOOLS_BY_NAME:
                caller.tool = name
                if sentence := await policy_refusal(caller, name):
                    caller.forbid(sentence)  # CredentialAuth answers 403 with it, and the log records it
                    return CallToolResult(content=[TextContent(type="text", text=sentence)], is_error=True)
            result = await self._call_tool(name, arguments, context)
            if isinstance(result, CallToolResult) and result.is_error:
                outcome, reason = McpCall.Outcome.ERROR, _first_text(result)
            else:
                outcome = McpCall.Outcome.OK
            return result
        except InvalidArguments as error:
            reason = str(error)
            return CallToolResult(content=[TextContent(type="text", text=reason)], is_error=True)
        except MCPError as error:  # an unknown tool
            reason = error.error.message
            raise
        finally:
            if caller is not None:
                session = arguments.get("session")
                record_request(
                    caller,
                    method=name,
                    session_ref=session if isinstance(session, str) else None,
                    outcome=outcome,
                    seconds=time.perf_counter() - started,
                    reason=reason,
                )

    async def _call_tool(
        self, name: str, arguments: dict[str, Any], context: Context | None
    ) -> CallToolResult | InputRequiredResult:
        if self._accepted_arguments is None:  # the tools are all added before the first call
            tools = await self.list_tools()
            self._accepted_arguments = {tool.name: list(tool.input_schema.get("properties", {})) for tool in tools}
        accepted = self._accepted_arguments.get(name)
        if accepted is None:
            names = ", ".join(sorted(self._accepted_arguments))
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool {name!r}; the tools are: {names}.")
        unknown = sorted(set(arguments) - set(accepted))
        if unknown:
            raise InvalidArguments(f"{name} has no argument {', '.join(unknown)}; it takes: {', '.join(accepted)}.")
        for argument, value in arguments.items():
            if isinstance(value, str) and (problem := unstorable(value)):
                # PostgreSQL would fail on it mid-query.
                raise InvalidArguments(f"The argument {argument} {problem}; send it without that character.")
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as error:
            # Arguments that fail the input schema raise a plain ToolError; a failure of our own
            # (UnexpectedToolError) stays an error result without details.
            if not isinstance(error, UnexpectedToolError) and isinstance(error.__cause__, ValidationError):
                raise InvalidArguments(_plain_validation(name, error.__cause__)) from None
            raise


def _first_text(result: CallToolResult) -> str:
    """An error result's sentence (its first text block)."""
    return next((block.text for block in result.content if isinstance(block, TextContent)), "")


# Handlers the SDK registers for every server, for features Alloy does not have: nothing changes while a
# client is connected, so there is nothing to subscribe to.
UNSERVED_METHODS = ("resources/subscribe", "resources/unsubscribe")


async def complete_argument(ctx: ServerRequestContext, params: CompleteRequestParams) -> CompleteResult:
    """completion/complete from the caller's workspace: a prompt's session argument (recent sessions whose
    title contains, or id starts with, what was typed), and a file template's session and path. Anything
    else completes to nothing."""
    empty = CompleteResult(completion=Completion(values=[]))
    typed, argument = params.argument.value, params.argument.name
    if unstorable(typed):
        return empty
    if isinstance(params.ref, PromptReference):
        prompt = PROMPTS_BY_NAME.get(params.ref.name)
        if prompt is None or argument != "session":
            return empty

        def work(principal: Principal) -> list[str]:
            return session_completions(workspace=principal.workspace, typed=typed, kind=prompt.session_kind)
    else:
        if params.ref.uri not in TEMPLATE_URIS or argument not in TEMPLATE_ARGUMENTS:
            return empty
        resolved = dict(params.context.arguments or {}) if params.context else {}

        def work(principal: Principal) -> list[str]:
            return template_completions(principal, argument=argument, typed=typed, arguments=resolved)

    caller = caller_of(ctx.request)
    try:
        values = await read_in_workspace(caller, work)
    except (CredentialNotLive, *DATABASE_OUTAGE):  # CredentialAuth answers 401 or 503
        return empty
    return CompleteResult(completion=Completion(values=values, has_more=False))


def _declares_header(schema: object) -> bool:
    """Whether `x-mcp-header` appears anywhere in a JSON schema."""
    if isinstance(schema, dict):
        return "x-mcp-header" in schema or any(_declares_header(value) for value in schema.values())
    if isinstance(schema, list):
        return any(_declares_header(value) for value in schema)
    return False


def _plain_validation(tool: str, error: ValidationError) -> str:
    """One sentence naming each argument, what was wrong and what is accepted: pydantic's "Input should be
    less than or equal to 100" becomes "limit should be less than or equal to 100"."""
    problems = []
    for detail in error.errors(include_url=False):
        field = ".".join(str(part) for part in detail["loc"])
        problems.append(f"{field} {plain_problem(detail)}")
    return f"Invalid arguments for {tool}: {'; '.join(problems)}."


def build_server() -> AlloyMCPServer:
    # No subscriptions: a stateless server has no stream to send change notifications on, and nothing here
    # changes while a client is connected.
    server = AlloyMCPServer(name=SERVER_NAME, version=SERVER_VERSION, instructions=INSTRUCTIONS, subscriptions=False)
    # Advertise exactly what exists: tools, prompts, completions, and resources without subscriptions.
    stop_serving(server, *UNSERVED_METHODS)
    lowlevel = low_level_server(server)
    lowlevel.add_request_handler("completion/complete", CompleteRequestParams, complete_argument)
    lowlevel.add_request_handler("resources/list", PaginatedRequestParams, list_resources)
    lowlevel.add_request_handler("resources/templates/list", PaginatedRequestParams, list_resource_templates)
    lowlevel.add_request_handler("resources/read", ReadResourceRequestParams, read_resource)
    metrics.known_methods.update(spec.name for spec in TOOLS)
    for spec in TOOLS:
        server.add_tool(
            spec.handler,
            name=spec.name,
            title=spec.title,
            description=spec.description,
            annotations=spec.annotations,
            meta=TOOL_UI_META if spec.shows_session else None,
            structured_output=True,
        )
        if not settings.ALLOY_MCP_CHECK_RESULTS:
            # The output schema is still advertised; the SDK only stops validating each result against it
            # (4% of a call at 32 connections). The tests run with the check on, in process and end to end.
            stop_checking_results(registered_tool(server, spec.name))
    return server


@dataclass
class Gateway:
    """The /mcp ASGI app and the lifespan that must wrap it (the SDK's task group)."""

    server: AlloyMCPServer
    app: ASGIApp

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with self.server.session_manager.run():
            try:
                yield
            finally:
                await run_in_worker(activity_log.flush)  # a graceful stop loses no record


def build_gateway() -> Gateway:
    server = build_server()
    # This sets up the server's session manager. The Starlette app it returns around it (a router for one
    # path, error and exception middleware) is not used: the front door routes /mcp, TransportGuard
    # turns failures into JSON, and each request is cheaper without them.
    server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        max_request_body_size=settings.ALLOY_MCP_MAX_REQUEST_BYTES,
        # Host and Origin are checked by TransportGuard against Django's settings, with clear errors.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    transport = StreamableHTTPASGIApp(server.session_manager)
    return Gateway(server=server, app=TransportGuard(CredentialAuth(transport)))
