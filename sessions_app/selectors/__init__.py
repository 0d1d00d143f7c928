"""Every read of sessions, chats and files, one module per resource; each function takes the caller's
workspace. Import from here (`from sessions_app import selectors`): the modules are how the reads are
filed, not separate interfaces.

- `sessions.py`: a session by link or id (where every tool call starts), the workspace's list;
- `chat.py`: a page of a chat;
- `files.py`: a session's files, the workspace's files, a file's text or lines;
- `diffs.py`: a dev session's diffs;
- `outlines.py`: maps of a page of files (their symbols, and what a change touched).

Searches (titles, and words within a session) are in `sessions_app/search/`.

Tenancy is enforced here, once: a session is only ever looked up through
`Session.objects.for_workspace(workspace)`, and messages and files only through a session found that
way. A session of another workspace is "not found" with exactly the message a missing one gets.
Each function issues a constant number of queries whatever the session's size (a chat page one, the
session riding along with its messages; other pages two: the session, then the keyset page), which
tests assert.
"""

from sessions_app.selectors.chat import MAX_MESSAGES_PAGE, ChatMessage, ChatSession, message_page
from sessions_app.selectors.diffs import MAX_CONTEXT_LINES, MAX_DIFFS_PAGE, DiffEntry, DiffSummary, diff_page
from sessions_app.selectors.files import (
    MAX_FILES_PAGE,
    ChangeTotals,
    FileText,
    change_totals,
    current_texts,
    file_get,
    file_page,
    file_path_completions,
    file_text,
    normalize_path,
    workspace_file_page,
)
from sessions_app.selectors.outlines import FileMap, NoMap, file_maps
from sessions_app.selectors.sessions import (
    MAX_SESSIONS_PAGE,
    session_completions,
    session_count,
    session_get,
    session_list,
    session_list_before,
    sessions_by_id,
)

__all__ = [
    "MAX_CONTEXT_LINES",
    "MAX_DIFFS_PAGE",
    "MAX_FILES_PAGE",
    "MAX_MESSAGES_PAGE",
    "MAX_SESSIONS_PAGE",
    "ChangeTotals",
    "ChatMessage",
    "ChatSession",
    "DiffEntry",
    "DiffSummary",
    "FileMap",
    "FileText",
    "NoMap",
    "change_totals",
    "current_texts",
    "diff_page",
    "file_get",
    "file_maps",
    "file_page",
    "file_path_completions",
    "file_text",
    "message_page",
    "normalize_path",
    "session_completions",
    "session_count",
    "session_get",
    "session_list",
    "session_list_before",
    "sessions_by_id",
    "workspace_file_page",
]
