"""Chats: a page of a session's messages, with the session riding along in the same query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Subquery

from sessions_app.compiled import CompiledQuery
from sessions_app.links import session_link
from sessions_app.models import Message
from sessions_app.pagination import Page, check_limit
from sessions_app.selectors.sessions import named_session, session_get, session_id_in
from workspaces.models import Workspace

MAX_MESSAGES_PAGE = 500


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a chat page, as read (a plain row: pages are read on every call)."""

    index: int
    role: str
    author: str
    content: str
    created_at: datetime | None

    @property
    def role_label(self) -> str:
        return Message.Role(self.role).label


# A chat page and its session in one query (each row carries the session's columns first); only
# a page past the end, or an empty chat, needs a second query to tell "no messages" from "no session".
_MESSAGE_COLUMNS = ("index", "role", "author", "content", "created_at")
# What a chat page shows of its session (it comes with every row: no dates or creator to decode).
_CHAT_SESSION_COLUMNS = ("pk", "public_id", "kind", "title", "message_count")
_chat_page = CompiledQuery(
    lambda workspace_id, public_id, start_index: (
        Message.objects.filter(
            # The session's id as a scalar subquery: PostgreSQL then walks the (session, index) index
            # from `start_index` in order, whatever the plan's parameters (no sort, no scan of the chat).
            session_id=Subquery(named_session(workspace_id, public_id).values("pk")[:1]),
            index__gte=start_index,
        )
        .order_by("index")
        .values_list(*(f"session__{column}" for column in _CHAT_SESSION_COLUMNS), *_MESSAGE_COLUMNS)
    ),
    limit=True,
    workspace_id=2_000_073_011,
    public_id="\x00public_id",
    start_index=2_000_073_012,
)


@dataclass(frozen=True)
class ChatSession:
    """The session as a chat page shows it, read in the page's own query: no field it does not hold."""

    pk: int
    workspace: Workspace
    public_id: str
    kind: str
    title: str
    message_count: int

    def link(self) -> str:
        return session_link(workspace_slug=self.workspace.slug, kind=self.kind, session_id=self.public_id)


def message_page(
    *, workspace: Workspace, session_ref: str, start_index: int = 0, limit: int = 50
) -> tuple[ChatSession, Page[ChatMessage]]:
    """A page of the chat, oldest → newest, from message `start_index` (keyset on the index), in one
    query that brings the session's id, kind, title and message count with the messages."""
    check_limit(limit, maximum=MAX_MESSAGES_PAGE)
    session_id = session_id_in(workspace, session_ref)
    rows = _chat_page.rows(workspace_id=workspace.pk, public_id=session_id, start_index=start_index, limit=limit + 1)
    if not rows:  # past the last message, or no such session (which says so)
        found = session_get(workspace=workspace, ref=session_id)
        empty = ChatSession(found.pk, workspace, found.public_id, found.kind, found.title, found.message_count)
        return empty, Page(items=[], following=None)
    width = len(_CHAT_SESSION_COLUMNS)
    pk, public_id, kind, title, message_count = rows[0][:width]
    session = ChatSession(pk, workspace, public_id, kind, title, message_count)
    return session, Page.from_rows([ChatMessage(*row[width:]) for row in rows], limit)
