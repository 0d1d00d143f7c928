"""Title search: the sessions of a workspace whose title contains some text, through the title search
table's trigram index (migration 0009), which row-level security would keep PostgreSQL from using on
the sessions table itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Q

from alloy.replicas import read_connection
from workspaces.models import Workspace


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own % and _ taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def title_matches(
    workspace: Workspace,
    text: str,
    *,
    kind: str | None = None,
    status: str | None = None,
    start: tuple[datetime, int] | None = None,
    before: bool = False,
    limit: int,
) -> Q:
    """Sessions whose title contains `text`, case-insensitively: on PostgreSQL the first `limit` of them in
    list order (with the same filters and keyset start), found in the title search table through its
    trigram index, then read by primary key — one query each, so a word no title holds costs an index
    probe however large the workspace (migration 0009). Elsewhere a plain filter on the title.

    `before`: the `limit` that come just before `start` in list order instead (a previous page)."""
    if connection.vendor != "postgresql":
        return Q(title__icontains=text)
    sql = (
        "SELECT session_id FROM sessions_app_sessiontitlesearch WHERE workspace_id = %s AND upper(title) LIKE upper(%s)"
    )
    params: list[Any] = [workspace.pk, like_pattern(text)]
    for column, value in (("kind", kind), ("status", status)):
        if value is not None:
            sql += f" AND {column} = %s"
            params.append(value)
    # From `start` on in list order (newest first), or what comes just before it, nearest first.
    side, tie, order = (">", ">", "ASC") if before else ("<", "<=", "DESC")
    if start is not None:
        sql += f" AND (updated_at {side} %s OR (updated_at = %s AND session_id {tie} %s))"
        params += [start[0], start[0], start[1]]
    sql += f" ORDER BY updated_at {order}, session_id {order} LIMIT %s"
    with read_connection().cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return Q(pk__in=[row[0] for row in cursor.fetchall()])
