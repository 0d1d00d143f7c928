"""What a tool is: its spec (name, description, annotations, handler, unit of work, links) and the
argument types the tools share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from mcp_types import ResourceLink, ToolAnnotations
from pydantic import BaseModel, Field

SessionArgument = Annotated[
    str,
    Field(
        description="An Alloy session link the user pasted, or a session id.",
        max_length=4096,
    ),
]
CursorArgument = Annotated[
    str | None,
    Field(description="next_cursor of the previous page."),
]

# What a tool's unit of work returns: its result model, or the dict that model would dump to.
ToolResult = BaseModel | dict[str, Any]


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
    # Its results are mostly prose (a chat): the budget estimates them as such (budget.py).
    prose: bool = False

    @property
    def title(self) -> str:
        return self.annotations.title or self.name


def read_only(title: str) -> ToolAnnotations:
    """The annotations of a tool that only reads this workspace's sessions: nothing changes, calling it
    twice gives the same answer, and it reaches nothing outside Alloy."""
    return ToolAnnotations(
        title=title, read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
    )
