"""Sessions: one by its link or id (where every tool call starts), a workspace's list, completions."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from sessions_app.compiled import CompiledQuery
from sessions_app.errors import InvalidArgument, SessionNotFound
from sessions_app.links import parse_session_ref
from sessions_app.models import Session
from sessions_app.pagination import Page, check_limit
from sessions_app.search import MAX_QUERY_LENGTH
from sessions_app.search.titles import title_matches
from workspaces.models import User, Workspace

MAX_SESSIONS_PAGE = 100


def _sessions(workspace: Workspace) -> QuerySet[Session]:
    """The workspace's sessions with what every caller shows: workspace and creator."""
    return Session.objects.for_workspace(workspace).select_related("workspace", "created_by")


# Every tool call starts here, so this read is compiled once (sessions_app/compiled.py): the session and its
# creator in one row; the workspace is the caller's, already in hand.
_SESSION_COLUMNS = (
    "pk",
    "public_id",
    "kind",
    "title",
    "status",
    "created_at",
    "updated_at",
    "message_count",
    "file_count",
    "created_by_id",
    "created_by__email",
    "created_by__name",
)


def named_session(workspace_id: int, public_id: str) -> QuerySet[Session]:
    """The workspace's session with this public id (at most one), for the compiled reads below."""
    return Session.objects.for_workspace(Workspace(pk=workspace_id)).filter(public_id=public_id)


_session_by_public_id = CompiledQuery(
    lambda workspace_id, public_id: named_session(workspace_id, public_id).values_list(*_SESSION_COLUMNS),
    workspace_id=2_000_073_010,
    public_id="\x00public_id",
)


def session_get(*, workspace: Workspace, ref: str) -> Session:
    """The session a link or bare id names, within `workspace`, with its creator: one query.

    Raises `InvalidSessionLink` for text that is neither, and `SessionNotFound` when the session does
    not exist, or exists in another workspace (the same message either way).
    """
    session_id = session_id_in(workspace, ref)
    rows = _session_by_public_id.rows(workspace_id=workspace.pk, public_id=session_id)
    if not rows:
        raise not_found(workspace, session_id)
    return _session_from_row(workspace, rows[0])


def sessions_by_id(*, workspace: Workspace, public_ids: set[str]) -> dict[str, Session]:
    """The workspace's sessions among `public_ids`, by id (one query; ids of no session of the workspace,
    deleted or another's, are simply absent)."""
    if not public_ids:
        return {}
    found = Session.objects.for_workspace(workspace).filter(public_id__in=public_ids)
    by_id = {session.public_id: session for session in found.only("public_id", "kind", "title")}
    for session in by_id.values():
        session.workspace = workspace  # what its link is built from, already in hand
    return by_id


def session_completions(*, workspace: Workspace, typed: str, kind: str | None = None, limit: int = 10) -> list[str]:
    """Ids of the workspace's sessions (of `kind`, when given), most recently updated first, whose title
    contains what was typed or whose id starts with it: what a prompt's session argument is completed with."""
    typed = typed.strip()[:MAX_QUERY_LENGTH]
    sessions = _sessions(workspace)
    if kind is not None:
        sessions = sessions.filter(kind=kind)
    if typed:
        matching = title_matches(workspace, typed, kind=kind, limit=limit) | Q(public_id__startswith=typed)
        sessions = sessions.filter(matching)
    return list(sessions.order_by("-updated_at", "-pk").values_list("public_id", flat=True)[:limit])


def session_id_in(workspace: Workspace, ref: str) -> str:
    """The session id a link or bare id names; a link to another workspace is "not found" at once, saying
    which workspace the link names and which one this caller reads: both are in what the caller holds
    (the link, the credential), and the answer is the same whether such a session exists or not."""
    session_ref = parse_session_ref(ref)
    linked = session_ref.workspace_slug
    if linked is not None and linked != workspace.slug:
        raise SessionNotFound(
            f"No session with id {session_ref.session_id} in workspace {workspace.slug}: the link is to "
            f"workspace {linked}, and this connection reads {workspace.slug} only. To read it, connect Alloy "
            f"to {linked} (or use an MCP key of {linked})."
        )
    return session_ref.session_id


def not_found(workspace: Workspace, session_id: str) -> SessionNotFound:
    """What a session the workspace does not have gets, whether it exists elsewhere or nowhere."""
    return SessionNotFound(f"No session with id {session_id} in workspace {workspace.slug}.")


def _session_from_row(workspace: Workspace, row: tuple) -> Session:
    pk, public_id, kind, title, status, created_at, updated_at, messages, files, creator_id, email, name = row
    return Session(
        pk=pk,
        workspace=workspace,
        public_id=public_id,
        kind=kind,
        title=title,
        status=status,
        created_at=created_at,
        updated_at=updated_at,
        message_count=messages,
        file_count=files,
        created_by=User(pk=creator_id, email=email, name=name) if creator_id is not None else None,
    )


def session_list(
    *,
    workspace: Workspace,
    query: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    start: tuple[datetime, int] | None = None,
    limit: int = 20,
) -> Page[Session]:
    """The workspace's sessions, most recently updated first; `query` searches titles.

    `start` is the (updated_at, pk) of the first session to return: the key of a page's `following`.
    """
    check_limit(limit, maximum=MAX_SESSIONS_PAGE)
    sessions = _listed(workspace, query, kind, status, start=start, limit=limit + 1)
    if start is not None:
        updated_at, pk = start
        sessions = sessions.filter(Q(updated_at__lt=updated_at) | Q(updated_at=updated_at, pk__lte=pk))
    return Page.from_rows(list(sessions.order_by("-updated_at", "-pk")[: limit + 1]), limit)


def session_list_before(
    *,
    workspace: Workspace,
    query: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    start: tuple[datetime, int],
    limit: int = 20,
) -> Session | None:
    """Where the page before the one at `start` starts, with the same filters: its first session, or None
    when that page is the first (fewer than `limit` sessions come before `start`). One query."""
    check_limit(limit, maximum=MAX_SESSIONS_PAGE)
    updated_at, pk = start
    sessions = _listed(workspace, query, kind, status, start=start, before=True, limit=limit + 1)
    sessions = sessions.filter(Q(updated_at__gt=updated_at) | Q(updated_at=updated_at, pk__gt=pk))
    earlier = list(sessions.order_by("updated_at", "pk")[: limit + 1])
    return earlier[limit - 1] if len(earlier) > limit else None


def session_count(
    *, workspace: Workspace, query: str | None = None, kind: str | None = None, status: str | None = None, cap: int
) -> int:
    """How many sessions the list holds with these filters, counted up to `cap + 1` (a count past it says
    "more than `cap`"): what a page shows as its total costs the same in a workspace of 100,000 sessions."""
    return _listed(workspace, query, kind, status, limit=cap + 1)[: cap + 1].count()


def _listed(
    workspace: Workspace,
    query: str | None,
    kind: str | None,
    status: str | None,
    *,
    start: tuple[datetime, int] | None = None,
    before: bool = False,
    limit: int,
) -> QuerySet[Session]:
    """The list's sessions with its filters (each checked); a title search reads at most `limit` ids of
    the title search table from `start`, after it or `before` it."""
    sessions = _sessions(workspace)
    if query:
        if len(query) > MAX_QUERY_LENGTH:
            raise InvalidArgument(f"query must be at most {MAX_QUERY_LENGTH} characters.")
        matching = title_matches(
            workspace, query.strip(), kind=kind, status=status, start=start, before=before, limit=limit
        )
        sessions = sessions.filter(matching)
    if kind is not None:
        if kind not in Session.Kind.values:
            raise InvalidArgument(f"kind must be one of: {', '.join(Session.Kind.values)}.")
        sessions = sessions.filter(kind=kind)
    if status is not None:
        if status not in Session.Status.values:
            raise InvalidArgument(f"status must be one of: {', '.join(Session.Status.values)}.")
        sessions = sessions.filter(status=status)
    return sessions
