"""Chats: a page of a session's messages, with the session riding along in the same query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet, Subquery
from django.db.models.functions import Left, Length

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
    content: str  # whole, or its opening characters in an outline (message_page's `opening_chars`)
    created_at: datetime | None
    length: int  # characters of the whole content

    @property
    def role_label(self) -> str:
        return Message.Role(self.role).label


# A chat page and its session in one query (each row carries the session's columns first); only
# a page past the end, or an empty chat, needs a second query to tell "no messages" from "no session".
# What a chat page shows of its session (it comes with every row: no dates or creator to decode).
_CHAT_SESSION_COLUMNS = ("pk", "public_id", "kind", "title", "status", "message_count")
ROLE_PLACEHOLDER = "\x00role"


def _chat_page_query(*, outline: bool, by_role: bool) -> CompiledQuery:
    """A page of messages from `start_index`, each whole or (an outline) its opening characters only, so
    an outline of a long chat reads what it shows, not every message whole; of every role, or one."""

    def build(workspace_id: int, public_id: str, start_index: int, **by: Any) -> QuerySet:
        messages = Message.objects.filter(
            # The session's id as a scalar subquery: PostgreSQL then walks the (session, index) index
            # from `start_index` in order, whatever the plan's parameters (no sort, no scan of the chat).
            session_id=Subquery(named_session(workspace_id, public_id).values("pk")[:1]),
            index__gte=start_index,
            **({"role": by["role"]} if by_role else {}),
        )
        content = Left("content", by["opening_chars"]) if outline else F("content")
        return (
            messages.order_by("index")
            .annotate(shown=content, length=Length("content"))
            .values_list(
                *(f"session__{column}" for column in _CHAT_SESSION_COLUMNS),
                "index",
                "role",
                "author",
                "shown",
                "created_at",
                "length",
            )
        )

    placeholders: dict[str, object] = {"workspace_id": 2_000_073_011, "public_id": "\x00public_id"}
    placeholders["start_index"] = 2_000_073_012
    if by_role:
        placeholders["role"] = ROLE_PLACEHOLDER
    if outline:
        placeholders["opening_chars"] = 2_000_073_013
    return CompiledQuery(build, limit=True, **placeholders)


_chat_pages = {
    (outline, by_role): _chat_page_query(outline=outline, by_role=by_role)
    for outline in (False, True)
    for by_role in (False, True)
}


@dataclass(frozen=True)
class ChatSession:
    """The session as a chat page shows it, read in the page's own query: no field it does not hold."""

    pk: int
    workspace: Workspace
    public_id: str
    kind: str
    title: str
    status: str
    message_count: int

    def link(self) -> str:
        return session_link(workspace_slug=self.workspace.slug, kind=self.kind, session_id=self.public_id)


def message_page(
    *,
    workspace: Workspace,
    session_ref: str,
    start_index: int = 0,
    limit: int = 50,
    role: str | None = None,
    opening_chars: int | None = None,
) -> tuple[ChatSession, Page[ChatMessage]]:
    """A page of the chat, oldest → newest, from message `start_index` (keyset on the index), in one
    query that brings the session's id, kind, title, status and message count with the messages. `role`: only
    that role's messages; `opening_chars`: each message's first characters only (its `length` says how
    long it is whole)."""
    check_limit(limit, maximum=MAX_MESSAGES_PAGE)
    session_id = session_id_in(workspace, session_ref)
    arguments: dict[str, object] = {"workspace_id": workspace.pk, "public_id": session_id, "start_index": start_index}
    if role is not None:
        arguments["role"] = role
    if opening_chars is not None:
        arguments["opening_chars"] = opening_chars
    query = _chat_pages[(opening_chars is not None, role is not None)]
    rows = query.rows(**arguments, limit=limit + 1)
    if not rows:  # past the last message, or no such session (which says so)
        found = session_get(workspace=workspace, ref=session_id)
        empty = ChatSession(
            found.pk, workspace, found.public_id, found.kind, found.title, found.status, found.message_count
        )
        return empty, Page(items=[], following=None)
    width = len(_CHAT_SESSION_COLUMNS)
    pk, public_id, kind, title, status, message_count = rows[0][:width]
    session = ChatSession(pk, workspace, public_id, kind, title, status, message_count)
    return session, Page.from_rows([ChatMessage(*row[width:]) for row in rows], limit)
