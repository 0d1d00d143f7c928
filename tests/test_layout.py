"""How the code depends on itself: imports run one way (alloy → ingest → mcp_gateway → sessions_app →
workspaces), and
what answers MCP requests (tools, resources, prompts) reports to the caller and never imports the transport
that authenticates it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["alloy", "ingest", "mcp_gateway", "sessions_app", "workspaces"]  # each may import only those after it
# The project's own infrastructure, below every app: what a database outage looks like to a caller, which
# database a unit of reads goes to, the window both rate limiters count in, the metrics, and how a log line
# carries its fields.
SHARED = {
    "alloy.database",
    "alloy.database_roles",
    "alloy.replicas",
    "alloy.fixed_window",
    "alloy.metrics",
    "alloy.log_format",
    "alloy.visible",
}
PROTOCOL = ROOT / "mcp_gateway" / "protocol"
HANDLERS = [
    *sorted((PROTOCOL / "tools").glob("*.py")),
    PROTOCOL / "resources.py",
    PROTOCOL / "prompts.py",
    ROOT / "mcp_gateway" / "auth" / "caller.py",
]


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # `from alloy import metrics` imports the module alloy.metrics, not all of alloy.
            modules.update(
                f"{node.module}.{alias.name}" if node.module == "alloy" else node.module for alias in node.names
            )
    return modules


@pytest.mark.parametrize("layer", LAYERS)
def test_imports_run_one_way(layer):
    above = set(LAYERS[: LAYERS.index(layer)])
    wrong = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / layer).rglob("*.py")
        if "migrations" not in path.parts
        for module in imported_modules(path)
        if module.split(".")[0] in above and module not in SHARED
    }
    assert not wrong


def test_handlers_never_import_the_transport():
    wrong = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in HANDLERS
        for module in imported_modules(path)
        if module.startswith("mcp_gateway.transport") or module in ("mcp_gateway.protocol.server", "alloy.asgi")
    }
    assert not wrong
