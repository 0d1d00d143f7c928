"""Reads of the activity log: one workspace's calls, newest first, filtered and paged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mcp_gateway.models import McpCall
from sessions_app.tenancy import only_workspace
from workspaces.models import Workspace


class InvalidActivityFilter(Exception):
    """A filter of the activity log that cannot be one; the message says what is accepted."""


@dataclass(frozen=True)
class ActivityFilters:
    """The activity log's filters as a page or the API receive them: a key id, an app's client id, a
    session id, and the id to page before."""

    key: int | None = None
    app: str = ""
    session: str = ""
    before: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ActivityFilters:
        """Raises InvalidActivityFilter, with a sentence, for a value that cannot be one of these."""
        values = {name: query.get(name, "").strip() for name in ("key", "app", "session", "before")}
        for name, value in values.items():
            if len(value) > 200:
                raise InvalidActivityFilter(f"The {name} filter must be at most 200 characters.")
        for name in ("key", "before"):
            if values[name] and not (values[name].isascii() and values[name].isdigit()):
                raise InvalidActivityFilter(f"The {name} filter must be a whole number (an id), not {values[name]!r}.")
        return cls(
            key=int(values["key"]) if values["key"] else None,
            app=values["app"],
            session=values["session"],
            before=int(values["before"]) if values["before"] else None,
        )


@dataclass(frozen=True)
class ActivityPage:
    calls: list[McpCall]
    next_before: int | None  # pass as `before_id` for the next (older) page; None at the end


def mcp_calls_list(*, workspace: Workspace, filters: ActivityFilters, limit: int = 50) -> ActivityPage:
    """A workspace's MCP calls, newest first, optionally of one key, one OAuth app or one session; keyset
    paged on the id, so a page costs the same at the start of the log as a year into it."""
    calls = McpCall.objects.filter(workspace=workspace).select_related("user").order_by("-id")
    if filters.key is not None:
        calls = calls.filter(mcp_key_id=filters.key)
    if filters.app:
        calls = calls.filter(application__client_id=filters.app)
    if filters.session:
        calls = calls.filter(session_id=filters.session)
    if filters.before is not None:
        calls = calls.filter(id__lt=filters.before)
    with only_workspace(workspace.pk):  # the log is behind the wall (mcp_gateway migration 0009)
        rows = list(calls[: limit + 1])
    return ActivityPage(calls=rows[:limit], next_before=rows[limit - 1].pk if len(rows) > limit else None)
