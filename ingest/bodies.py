"""What the ingestion API accepts, in the session document's names (docs/session-format.md): one description
serves the import and the API. Checked by `sessions_app.documents.validated`, which names a bad field as the
document does (`messages[3].role`)."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from sessions_app.documents import FileDocument, MessageDocument, SessionFields
from sessions_app.links import SESSION_ID_PATTERN
from sessions_app.live import MAX_FILES_PER_RECORD, MAX_MESSAGES_PER_APPEND
from sessions_app.models import SessionStatus


class SessionStart(SessionFields):
    """POST …/sessions/: the document's fields without its chat and files; `id` and `created_at` may be left out
    (a new id is drawn; now)."""

    id: str | None = Field(default=None, pattern=f"^{SESSION_ID_PATTERN}$")  # type: ignore[assignment]
    created_at: AwareDatetime | None = None  # type: ignore[assignment]


class IndexedMessageDocument(MessageDocument):
    index: int = Field(ge=0, description="The message's place in the chat, from 0.")


class MessagesAppend(BaseModel):
    """POST …/sessions/<id>/messages/."""

    model_config = ConfigDict(extra="forbid")
    messages: list[IndexedMessageDocument] = Field(min_length=1, max_length=MAX_MESSAGES_PER_APPEND)


class FilesRecord(BaseModel):
    """PUT …/sessions/<id>/files/."""

    model_config = ConfigDict(extra="forbid")
    files: list[FileDocument] = Field(min_length=1, max_length=MAX_FILES_PER_RECORD)


class SessionChange(BaseModel):
    """PATCH …/sessions/<id>/."""

    model_config = ConfigDict(extra="forbid")
    status: SessionStatus | None = None
    title: str | None = Field(default=None, min_length=1, max_length=300)
