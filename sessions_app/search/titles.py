"""Title search: the sessions of a workspace whose title contains some text, through the title search
table's trigram index (migration 0009), which row-level security would keep PostgreSQL from using on
the sessions table itself. The table is reached only through `sessions_app_title_matches` (migration 0014),
which searches the workspace the wall was set to."""

from __future__ import annotations

from datetime import datetime

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
    # The title search table is reached only through this function, for the wall's workspace (migration 0014).
    after = (None, None) if start is None else start
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT * FROM sessions_app_title_matches(%s, %s, %s, %s, %s, %s, %s, %s)",
            [workspace.pk, like_pattern(text), kind, status, after[0], after[1], before, limit],
        )
        return Q(pk__in=[row[0] for row in cursor.fetchall()])
