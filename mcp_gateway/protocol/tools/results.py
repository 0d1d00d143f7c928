"""How sessions, messages, files and diffs look in tool results (see docs/mcp-responses.md): the pieces
every tool's result is made of. Each tool's own result model lives with the tool."""

from __future__ import annotations

from typing import Any, cast

from pydantic import BaseModel, Field

from sessions_app.documents import format_time
from sessions_app.models import FileStatus, MessageRole, Session, SessionFile, SessionKind, SessionStatus
from sessions_app.selectors import ChatMessage, ChatSession
from workspaces.models import Workspace


class WorkspaceView(BaseModel):
    slug: str
    name: str


class PersonView(BaseModel):
    name: str
    email: str | None = Field(default=None, description="Left out in lists.")


class CountsView(BaseModel):
    messages: int
    files: int


class SessionView(BaseModel):
    id: str = Field(description="The session's id; pass it (or the link) as `session` to the other tools.")
    link: str
    kind: SessionKind = Field(
        description="prototype: the AI wrote an app's files. dev: the AI changed a codebase (has diffs)."
    )
    title: str
    status: SessionStatus
    created_at: str
    updated_at: str
    created_by: PersonView | None = None
    workspace: WorkspaceView | None = Field(default=None, description="Left out in lists: the list says it once.")
    counts: CountsView
    live: str | None = Field(
        default=None, description="Set while the session runs: more may come, and how to read what is new."
    )


class SessionRefView(BaseModel):
    """The session a result is about, in brief."""

    id: str
    link: str
    kind: SessionKind
    title: str


class PagedResult(BaseModel):
    """A result that may continue on another page."""

    next_cursor: str | None = Field(default=None, description="Pass as cursor for the next page; absent at the end.")


class Continuation(BaseModel):
    """Part of this item was left out to keep the result small; call the same tool with these arguments."""

    remaining_chars: int | None = None
    remaining_lines: int | None = None
    fetch_rest_with: dict[str, Any] = Field(description="The exact arguments that return the rest.")


def session_view(session: Session, *, in_list: bool = False) -> SessionView:
    """A session whole; `in_list`, without what its list says once (the workspace) or needs not repeat
    (the creator's email)."""
    creator = session.created_by
    return SessionView(
        id=session.public_id,
        link=session.link(),
        kind=cast(SessionKind, session.kind),
        title=session.title,
        status=cast(SessionStatus, session.status),
        created_at=format_time(session.created_at),
        updated_at=format_time(session.updated_at),
        created_by=PersonView(name=creator.display_name, email=None if in_list else creator.email) if creator else None,
        workspace=None if in_list else workspace_view(session.workspace),
        counts=CountsView(messages=session.message_count, files=session.file_count),
        live=None if in_list else live_note(session.status, session.message_count),
    )


def live_note(status: str, message_count: int) -> str | None:
    """What a result says of a running (active) session: more may come, and how to read only what is new."""
    if status != Session.Status.ACTIVE:
        return None
    last = f"message {message_count - 1} is the last so far" if message_count else "no message yet"
    return (
        f"Still running: more messages and file changes may come ({last}). For what comes after: "
        f"get_chat_history with start_index={message_count}; files show changed_at."
    )


def workspace_view(workspace: Workspace) -> WorkspaceView:
    return WorkspaceView(slug=workspace.slug, name=workspace.name)


def session_ref_view(session: Session | ChatSession) -> dict[str, Any]:
    """A `SessionRefView`, as the plain dict it is sent as (built on every call: no model to validate)."""
    return {"id": session.public_id, "link": session.link(), "kind": session.kind, "title": session.title}


class MessageView(BaseModel):
    index: int
    role: MessageRole | None = Field(default=None, description="Left out when the page is of one role.")
    author: str | None = None
    created_at: str | None = None
    content: str
    starts_at_char: int | None = Field(
        default=None, description="Set when this is the rest of a long message: where `content` starts in it."
    )
    truncated: Continuation | None = None


def message_view(message: ChatMessage, *, content: str, starts_at_char: int, brief: bool = False) -> dict[str, Any]:
    """A `MessageView` as a plain dict, absent fields left out (a chat page builds twenty of these a call).
    `brief`: its index and content alone, for a page of one role, which says the role and authors once
    (reading a person's prompts then costs little more than their text)."""
    view: dict[str, Any] = {"index": message.index}
    if not brief:
        view["role"], view["author"] = message.role, message.author
        if message.created_at is not None:
            view["created_at"] = format_time(message.created_at)
    view["content"] = content
    if starts_at_char:
        view["starts_at_char"] = starts_at_char
    return view


class FileView(BaseModel):
    path: str
    size: int = Field(description="Bytes (of the current content; of the old content for a deleted file).")
    language: str
    binary: bool
    media_type: str | None = None
    status: FileStatus | None = Field(default=None, description="Dev sessions only.")
    additions: int | None = Field(default=None, description="Lines added (dev sessions, text files).")
    deletions: int | None = Field(default=None, description="Lines removed (dev sessions, text files).")
    symbols: list[str] | None = Field(
        default=None, description='With with_outline: "kind name:line", * where the change touched it.'
    )
    more_symbols: int | None = None
    content: str | None = Field(default=None, description="With with_content: the whole text.")
    changed_at: str | None = Field(
        default=None, description="When a write to the running session last changed it; absent: as imported."
    )


def file_view(file: SessionFile) -> FileView:
    blob = file.current
    return FileView(
        path=file.path,
        size=blob.size if blob else 0,
        language=file.language,
        binary=file.is_binary,
        media_type=file.media_type or None,
        status=cast(FileStatus, file.status) if file.status else None,
        additions=file.additions,
        deletions=file.deletions,
        changed_at=format_time(file.changed_at),
    )
