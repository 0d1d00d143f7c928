"""In-process MCP fixtures, two ways in.

- `tool`: one tool call's unit of work run directly in the test's own thread and transaction (plain
  `django_db`): arguments validated as the SDK validates them, the reads behind the workspace's wall with
  the credential's liveness riding along, the result shaped as it is sent. What the tools' own tests use.
- `mcp` and `call`: the real front door, gateway and MCP SDK client, over an ASGI transport. Tool work
  runs in worker threads with their own database connections, so these tests use
  `django_db(transaction=True)`: rows the test makes are committed where those threads can see them.
"""

import contextlib
import threading
import time
from collections.abc import AsyncIterator

import httpx2
import pytest
from django.db import connection
from django.db.backends.signals import connection_created
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.mcpserver.utilities.func_metadata import func_metadata
from mcp_types import CallToolResult

from alloy.asgi import FrontDoor
from mcp_gateway.auth.caller import Caller
from mcp_gateway.auth.credentials import authenticate
from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.protocol.server import build_gateway
from mcp_gateway.protocol.tools import TOOLS_BY_NAME
from mcp_gateway.protocol.tools.calls import tool_call
from mcp_gateway.transport import rate_limits

BASE_URL = "http://127.0.0.1"


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(autouse=True)
def fresh_rate_limits(monkeypatch):
    """Each test starts with no calls and no refused credentials counted (the counters live in the process)."""
    monkeypatch.setattr(rate_limits, "calls", rate_limits.SharedCounters("calls"))
    monkeypatch.setattr(rate_limits, "failed_credentials", rate_limits.SharedCounters("failed-credentials"))


@pytest.fixture
def key(workspace, owner) -> str:
    return mcp_key_create(workspace=workspace, name="Claude Desktop", created_by=owner).key


@pytest.fixture
def other_key(other_workspace, outsider) -> str:
    return mcp_key_create(workspace=other_workspace, name="Their laptop", created_by=outsider).key


@pytest.fixture
async def front_door() -> AsyncIterator[FrontDoor]:
    gateway = build_gateway()
    async with gateway.running():
        yield FrontDoor(gateway)


@pytest.fixture
def http(front_door):
    """A plain HTTP client for the front door (for transport and auth checks)."""

    @contextlib.asynccontextmanager
    async def open_client(address: str = "127.0.0.1", **headers: str) -> AsyncIterator[httpx2.AsyncClient]:
        transport = httpx2.ASGITransport(app=front_door, client=(address, 50000))
        async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as client:
            yield client

    return open_client


@pytest.fixture
def mcp(front_door):
    """`async with mcp(key) as client`: the MCP SDK client, legacy (initialize) era unless told."""

    @contextlib.asynccontextmanager
    async def connect(key: str, mode: str = "legacy", header: str = "X-MCP-API-Key") -> AsyncIterator[Client]:
        value = f"Bearer {key}" if header == "Authorization" else key
        transport = httpx2.ASGITransport(app=front_door)
        async with (
            httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers={header: value}, timeout=60) as http,
            Client(streamable_http_client(f"{BASE_URL}/mcp", http_client=http), mode=mode) as client,
        ):
            yield client

    return connect


CREDENTIAL_STATEMENTS = ("mcp_gateway_mcpkey", "mcp_gateway_mcppolicy", "workspaces_membership", "set_config(")
SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class QueryLog:
    """SQL statements run on any thread while it is installed (tool work runs in worker threads)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.statements: list[str] = []
        self.parameters: list[object] = []
        self.outermost: list[bool] = []  # False for what a statement sends from inside its own execute
        self.delay = delay
        self.in_flight = 0
        self.max_in_flight = 0
        self.wrapped: list = []  # the per-thread connection wrappers this log is installed on
        self._lock = threading.Lock()
        self._depth = threading.local()  # a read's wall is sent from inside the read's own execute

    def __call__(self, execute, sql, params, many, context):
        outermost = not getattr(self._depth, "value", 0)
        with self._lock:
            self.statements.append(sql)
            self.parameters.append(params)
            self.outermost.append(outermost)
            if outermost:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
        self._depth.value = getattr(self._depth, "value", 0) + 1
        try:
            if self.delay:
                time.sleep(self.delay)
            return execute(sql, params, many, context)
        finally:
            self._depth.value -= 1
            if outermost:
                with self._lock:
                    self.in_flight -= 1

    def install(self, sender, connection, **kwargs) -> None:
        if threading.current_thread().name == "alloy-activity-log":
            return  # its batched writes land at any moment; tests/mcp_gateway/test_activity_log.py counts them
        if self not in connection.execute_wrappers:
            connection.execute_wrappers.append(self)
            self.wrapped.append(connection)

    def uninstall(self) -> None:
        for wrapped in self.wrapped:
            wrapped.execute_wrappers.remove(self)

    def count(self) -> int:
        """Statements reading sessions: those the code under test ran (not the wall, or savepoint, that
        sessions_app.tenancy.walled_reads sends from inside each read's execute), less the credential
        lookup (with its workspace's MCP policy) and its last-used update, with the scopes that name the
        presented key or the workspace for them (sessions_app.tenancy: a setting and, in a test's transaction,
        a savepoint)."""
        return sum(
            outermost and not any(part in sql for part in CREDENTIAL_STATEMENTS) and not sql.startswith(SAVEPOINTS)
            for sql, outermost in zip(self.statements, self.outermost, strict=True)
        )


@pytest.fixture
def query_log():
    """Counts every query from every thread. Worker threads take a pooled connection per unit of work,
    and each checkout sends `connection_created`, which installs the counter on it; the test's own
    thread (a direct `tool` call) has its connection already."""

    @contextlib.contextmanager
    def capture(delay: float = 0.0):
        log = QueryLog(delay)
        if connection.connection is not None:
            log.install(None, connection)
        connection_created.connect(log.install, weak=False)
        try:
            yield log
        finally:
            connection_created.disconnect(log.install)
            log.uninstall()

    return capture


MISSING_ID = "doesNotExist1234"


@pytest.fixture
def tool(db):
    """`tool(key, name, arguments)`: the tool's unit of work, here and now; returns its result.

    The arguments are validated by the model the SDK builds from the handler's signature (defaults
    filled in), so what the handler would pass is what runs, and a successful result is checked against the
    tool's output schema as the SDK checks it. Refused arguments raise pydantic's ValidationError: the
    sentence Claude reads for them is the server's, tested through `call`."""

    def call_directly(key: str, name: str, arguments: dict) -> CallToolResult:
        spec = TOOLS_BY_NAME[name]
        metadata = func_metadata(spec.handler, skip_names=["ctx"], structured_output=True)
        validated = metadata.arg_model.model_validate(arguments).model_dump_one_level()
        return metadata.convert_result(tool_call(Caller(authenticate(key)), spec, validated))

    return call_directly


@pytest.fixture
def call(mcp):
    """`await call(key, tool, arguments)`: one tool call through the whole stack; returns the result."""

    async def call_tool(key: str, name: str, arguments: dict, mode: str = "legacy"):
        async with mcp(key, mode=mode) as client:
            return await client.call_tool(name, arguments)

    return call_tool


@pytest.fixture
def assert_not_found_like_missing(tool):
    """Another workspace's session must get exactly the answer a session that does not exist gets."""

    def check(key: str, name: str, arguments: dict, foreign_id: str) -> None:
        theirs = tool(key, name, arguments)
        missing_arguments = {
            k: v.replace(foreign_id, MISSING_ID) if isinstance(v, str) else v for k, v in arguments.items()
        }
        nobodys = tool(key, name, missing_arguments)
        assert theirs.is_error
        assert nobodys.is_error
        assert theirs.structured_content is None
        assert theirs.content[0].text == nobodys.content[0].text.replace(MISSING_ID, foreign_id)
        assert "No session with id" in theirs.content[0].text

    return check
