"""The session document: one session as JSON, one per line in a JSON Lines file.

This module is the format only (described for people in docs/session-format.md): it validates a
decoded line into a `SessionDocument`, and turns stored rows back into the same canonical JSON.
Validation errors name the field the way a person finds it in the file: `messages[3].role`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, TypeVar, overload

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError
from pydantic_core import ErrorDetails

from sessions_app.errors import plain_problem
from sessions_app.languages import media_type_for_path
from sessions_app.links import SESSION_ID_PATTERN
from sessions_app.models import (
    MAX_PATH_LENGTH,
    Blob,
    Message,
    MessageRole,
    Session,
    SessionFile,
    SessionKind,
    SessionStatus,
)
from sessions_app.storable import unstorable
from workspaces.models import WORKSPACE_SLUG_PATTERN

ModelT = TypeVar("ModelT", bound=BaseModel)


class DocumentError(Exception):
    """A document that cannot be imported: `field` says where (e.g. `files[2].path`), `str()` what.
    `problems` lists every (field, message) found at once (the first is `field` and `message`), so a
    line with four mistakes is told all four."""

    def __init__(self, field: str, message: str, *, more: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.problems = [(field, message), *(more or [])]

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class MessageDocument(_Strict):
    role: MessageRole
    author: str = Field(default="", max_length=150)
    content: str
    created_at: AwareDatetime | None = None


class FileDocument(_Strict):
    path: str = Field(min_length=1, max_length=MAX_PATH_LENGTH)
    # prototype files: the current content, as text or (binary files) base64
    content: str | None = None
    content_base64: str | None = None
    # dev session changes: null/absent before = added, null/absent after = deleted
    before: str | None = None
    after: str | None = None
    before_base64: str | None = None
    after_base64: str | None = None
    media_type: str | None = Field(default=None, max_length=100)


class SessionFields(_Strict):
    """A session's own fields: the document's, and what the ingestion API starts a session with (ingest/)."""

    id: str = Field(pattern=f"^{SESSION_ID_PATTERN}$")
    kind: SessionKind
    title: str = Field(min_length=1, max_length=300)
    status: SessionStatus = "active"
    created_at: AwareDatetime
    updated_at: AwareDatetime | None = None
    created_by: str | None = Field(default=None, max_length=254)


class SessionDocument(SessionFields):
    workspace: str = Field(pattern=f"^{WORKSPACE_SLUG_PATTERN}$")
    messages: list[MessageDocument] = []
    files: list[FileDocument] = []
    # The files decoded (base64 and all) when the document was checked, so the import decodes them once.
    _changes: list[FileChange] | None = PrivateAttr(default=None)


@dataclass(frozen=True)
class FileContent:
    """One side of a file, decoded: text, or bytes for a binary file."""

    text: str | None = None
    data: bytes | None = None

    @property
    def is_binary(self) -> bool:
        return self.data is not None

    @property
    def raw(self) -> bytes:
        return self.data if self.data is not None else (self.text or "").encode()

    @cached_property
    def digest(self) -> str:
        # Text and binary of the same bytes are different blobs: they export differently.
        kind = b"binary\0" if self.is_binary else b"text\0"
        return hashlib.sha256(kind + self.raw).hexdigest()


def stored_content(blob: Blob) -> FileContent:
    """A stored content as the document's side of a file."""
    return FileContent(data=bytes(blob.data or b"")) if blob.is_binary else FileContent(text=blob.text)


@dataclass(frozen=True)
class FileChange:
    path: str
    before: FileContent | None
    after: FileContent | None
    media_type: str


# A session document is four levels deep ({"files": [{"path": …}]}, a message's fields); what goes past this
# is no session, and is refused before anything walks it recursively.
MAX_DOCUMENT_DEPTH = 8


def parse_document(decoded: Any) -> SessionDocument:
    """Validate one decoded JSON value; raise `DocumentError` naming the first bad field."""
    if not isinstance(decoded, dict):
        raise DocumentError("", "each line must be a JSON object describing one session")
    document = validated(SessionDocument, decoded)
    file_changes(document)  # checks paths and contents against the session's kind
    if document.updated_at and document.updated_at < document.created_at:
        raise DocumentError("updated_at", "must not be earlier than created_at")
    return document


def validated(model: type[ModelT], decoded: Any) -> ModelT:
    """`decoded` (a JSON object) as `model`, or `DocumentError` naming every bad field as this format names it:
    the depth, the strings PostgreSQL cannot store, then the fields. For the import's lines and the ingestion
    API's bodies alike."""
    if nesting_depth(decoded) > MAX_DOCUMENT_DEPTH:
        raise DocumentError("", f"is nested too deeply; a session is at most {MAX_DOCUMENT_DEPTH} levels deep")
    _check_strings(decoded, "")
    try:
        return model.model_validate(decoded)
    except ValidationError as error:
        problems = [(_field_name(detail["loc"]), _plain(detail)) for detail in error.errors(include_url=False)]
        (field, message), *more = problems
        raise DocumentError(field, message, more=more) from None


def nesting_depth(value: Any) -> int:
    """How many arrays and objects deep `value` goes, counted without recursion (a hostile line may nest
    deeper than Python's recursion limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _check_strings(value: Any, field: str) -> None:
    """Text must be storable as it is (sessions_app/storable.py): JSON allows what PostgreSQL cannot hold."""
    if isinstance(value, str):
        if problem := unstorable(value):
            raise DocumentError(field, f"{problem} (binary files go in *_base64)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(item, f"{field}.{key}" if field else key)
    elif isinstance(value, list):
        for position, item in enumerate(value):
            _check_strings(item, f"{field}[{position}]")


def _field_name(loc: tuple[Any, ...]) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _plain(error: ErrorDetails) -> str:
    if error["type"] == "extra_forbidden":
        return "is not a field of this format (see docs/session-format.md)"
    if error["type"] == "string_pattern_mismatch" and error["loc"] == ("id",):
        return "must be 8 to 64 of A-Z, a-z, 0-9, '_' and '-'"
    if error["type"] == "string_pattern_mismatch" and error["loc"] == ("workspace",):
        return "must be a workspace slug: lower-case letters, digits and inner hyphens"
    return plain_problem(error)


def check_path(path: str, field: str) -> None:
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or "\0" in path or any(part in ("", ".", "..") for part in parts):
        raise DocumentError(field, "must be a relative path with '/' separators, without '.', '..' or empty parts")


def _side(file: FileDocument, text_field: str, base64_field: str, where: str) -> FileContent | None:
    text, encoded = getattr(file, text_field), getattr(file, base64_field)
    if text is not None and encoded is not None:
        raise DocumentError(f"{where}.{base64_field}", f"give {text_field} or {base64_field}, not both")
    if encoded is not None:
        try:
            return FileContent(data=base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            raise DocumentError(f"{where}.{base64_field}", "is not valid base64") from None
    if text is not None:
        return FileContent(text=text)
    return None


def file_changes(document: SessionDocument) -> list[FileChange]:
    """The document's files as decoded changes, checked against the session's kind (decoded once)."""
    if document._changes is None:
        document._changes = decoded_changes(kind=document.kind, files=document.files)
    return document._changes


def decoded_changes(
    *, kind: str, files: list[FileDocument], kept_before: Mapping[str, FileContent | None] | None = None
) -> list[FileChange]:
    """Files as a document (or the ingestion API) lists them, decoded and checked against the session's kind.

    `kept_before`: a running dev session's files that it changed already, with the content each had when it first
    did (sessions_app/live.py). Such a file is sent as its `after` alone (neither side: deleted), and its change
    may be none (before and after the same: changed back)."""
    seen: set[str] = set()
    changes = []
    for position, file in enumerate(files):
        where = f"files[{position}]"
        check_path(file.path, f"{where}.path")
        if file.path in seen:
            raise DocumentError(f"{where}.path", f"{file.path} appears twice in this session")
        seen.add(file.path)
        if kind == "prototype":
            if any(v is not None for v in (file.before, file.after, file.before_base64, file.after_base64)):
                raise DocumentError(f"{where}", "prototype files have content (or content_base64), not before/after")
            before, after = None, _side(file, "content", "content_base64", where)
            if after is None:
                raise DocumentError(f"{where}.content", "is required (or content_base64 for a binary file)")
        else:
            if file.content is not None or file.content_base64 is not None:
                raise DocumentError(f"{where}", "dev session files have before and/or after, not content")
            if kept_before is not None and file.path in kept_before:
                if file.before is not None or file.before_base64 is not None:
                    raise DocumentError(
                        f"{where}.before",
                        "is kept: the session changed this file already, and its before stays the content it had "
                        "then; send after (or after_base64) alone, or neither if the file was deleted",
                    )
                before, after = kept_before[file.path], _side(file, "after", "after_base64", where)
            else:
                before = _side(file, "before", "before_base64", where)
                after = _side(file, "after", "after_base64", where)
                if before is None and after is None:
                    raise DocumentError(f"{where}", "needs before (deleted), after (added) or both (modified)")
                if before == after:
                    raise DocumentError(f"{where}", "before and after are the same; list only changed files")
        binary = (before is not None and before.is_binary) or (after is not None and after.is_binary)
        if file.media_type and not binary:
            raise DocumentError(f"{where}.media_type", "is only for binary (base64) files")
        media_type = (file.media_type or media_type_for_path(file.path)) if binary else ""
        changes.append(FileChange(path=file.path, before=before, after=after, media_type=media_type))
    return changes


def document_digest(document: SessionDocument) -> str:
    """A stable digest of the document's content, to tell an unchanged re-import."""
    canonical = json.dumps(document.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- export: stored rows back to the canonical document -------------------------------------------


@overload
def format_time(value: datetime) -> str: ...
@overload
def format_time(value: None) -> None: ...
def format_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def session_header(session: Session) -> dict[str, Any]:
    """The document's fields before `messages` and `files`, in the canonical order."""
    return {
        "workspace": session.workspace.slug,
        "id": session.public_id,
        "kind": session.kind,
        "title": session.title,
        "status": session.status,
        "created_at": format_time(session.created_at),
        "updated_at": format_time(session.updated_at),
        "created_by": session.created_by.email if session.created_by else None,
    }


def message_document(message: Message) -> dict[str, Any]:
    return {
        "role": message.role,
        "author": message.author,
        "content": message.content,
        "created_at": format_time(message.created_at),
    }


def _side_fields(blob: Blob | None, text_field: str, base64_field: str) -> dict[str, Any]:
    if blob is not None and blob.is_binary:
        return {base64_field: base64.b64encode(bytes(blob.data or b"")).decode()}
    return {text_field: blob.text if blob is not None else None}


def file_documents(file: SessionFile, kind: str) -> list[dict[str, Any]]:
    """A file as the document lists it: a renamed file as the deleted file and the added file it was
    imported from (an import finds the rename again), any other file as itself."""
    if file.status != SessionFile.Status.RENAMED:
        return [file_document(file, kind)]
    old = {"path": file.renamed_from} | _side_fields(file.before, "before", "before_base64")
    new = {"path": file.path} | _side_fields(file.after, "after", "after_base64")
    if file.media_type:
        old["media_type"] = new["media_type"] = file.media_type
    return [old, new]


def file_document(file: SessionFile, kind: str) -> dict[str, Any]:
    document: dict[str, Any] = {"path": file.path}
    if kind == "prototype":
        document |= _side_fields(file.after, "content", "content_base64")
    else:
        document |= _side_fields(file.before, "before", "before_base64")
        document |= _side_fields(file.after, "after", "after_base64")
    if file.media_type:
        document["media_type"] = file.media_type
    return document
