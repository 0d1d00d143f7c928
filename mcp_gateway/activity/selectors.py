"""Reads of the activity log: one workspace's calls, newest first, filtered and paged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from mcp_gateway.models import McpCall
from sessions_app.tenancy import only_workspace
from workspaces.models import Workspace


class InvalidActivityFilter(Exception):
    """A filter of the activity log that cannot be one; the message says what is accepted."""


FILTERS = ("key", "app", "session", "outcome", "since", "until", "before")


@dataclass(frozen=True)
class ActivityFilters:
    """The activity log's filters as a page or the API receive them: a key id, an app's client id, a
    session id, an outcome, the first and last days (UTC, both included), and the id to page before."""

    key: int | None = None
    app: str = ""
    session: str = ""
    outcome: str = ""
    since: date | None = None
    until: date | None = None
    before: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ActivityFilters:
        """Raises InvalidActivityFilter, with a sentence, for a value that cannot be one of these."""
        values = {name: query.get(name, "").strip() for name in FILTERS}
        for name, value in values.items():
            if len(value) > 200:
                raise InvalidActivityFilter(f"The {name} filter must be at most 200 characters.")
        for name in ("key", "before"):
            if values[name] and not (values[name].isascii() and values[name].isdigit() and len(values[name]) < 19):
                raise InvalidActivityFilter(f"The {name} filter must be a whole number (an id), not {values[name]!r}.")
        if values["outcome"] and values["outcome"] not in McpCall.Outcome.values:
            outcomes = ", ".join(McpCall.Outcome.values)
            raise InvalidActivityFilter(f"The outcome filter is one of {outcomes}; not {values['outcome']!r}.")
        since, until = _day("since", values["since"]), _day("until", values["until"])
        if since and until and since > until:
            raise InvalidActivityFilter(f"The since day ({since}) is after the until day ({until}).")
        return cls(
            key=int(values["key"]) if values["key"] else None,
            app=values["app"],
            session=values["session"],
            outcome=values["outcome"],
            since=since,
            until=until,
            before=int(values["before"]) if values["before"] else None,
        )

    def query(self, **changes: object) -> dict[str, str]:
        """These filters (with `changes`) as a query string's parameters, the empty ones left out."""
        fields = {name: getattr(self, name) for name in FILTERS} | changes
        return {name: str(value) for name, value in fields.items() if value not in (None, "")}


def _day(name: str, text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidActivityFilter(f"The {name} filter is a day as YYYY-MM-DD, not {text!r}.") from None


@dataclass(frozen=True)
class ActivityPage:
    calls: list[McpCall]
    next_before: int | None  # pass as `before_id` for the next (older) page; None at the end


def mcp_calls_list(*, workspace: Workspace, filters: ActivityFilters, limit: int = 50) -> ActivityPage:
    """A workspace's MCP calls, newest first, optionally of one key, one OAuth app, one session, one outcome or
    a range of days; keyset paged on the id, so a page costs the same at the start of the log as a year into it."""
    calls = McpCall.objects.filter(workspace=workspace).select_related("user", "application").order_by("-id")
    if filters.key is not None:
        calls = calls.filter(mcp_key_id=filters.key)
    if filters.app:
        calls = calls.filter(application__client_id=filters.app)
    if filters.session:
        calls = calls.filter(session_id=filters.session)
    if filters.outcome:
        calls = calls.filter(outcome=filters.outcome)
    if filters.since is not None:
        calls = calls.filter(at__gte=datetime.combine(filters.since, time.min, tzinfo=UTC))
    if filters.until is not None:
        calls = calls.filter(at__lt=datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=UTC))
    if filters.before is not None:
        calls = calls.filter(id__lt=filters.before)
    with only_workspace(workspace.pk):  # the log is behind the wall (mcp_gateway migration 0009)
        rows = list(calls[: limit + 1])
    return ActivityPage(calls=rows[:limit], next_before=rows[limit - 1].pk if len(rows) > limit else None)
