"""Sessions, their chat and their files.

File text is stored once per distinct content within a workspace (`Blob`, keyed by the workspace and
a SHA-256 digest), so a thousand sessions of one codebase share one copy, and no two workspaces ever
share a row; a `SessionFile` row points at its `before` and `after` blobs, which belong to its
session's workspace. Prototype files have only `after` (their current content); a dev session's changed files have
both, `before` empty for an added file and `after` empty for a deleted one.
"""

from __future__ import annotations

import secrets
from typing import Literal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from alloy.visible import visible
from sessions_app.links import SESSION_ID_PATTERN, session_link
from workspaces.models import Workspace


def new_session_id() -> str:
    """128 random bits, URL-safe: opaque and unguessable (22 characters)."""
    return secrets.token_urlsafe(16)


class SessionQuerySet(models.QuerySet["Session"]):
    def for_workspace(self, workspace: Workspace) -> SessionQuerySet:
        """The one choke point for tenancy: every read of sessions starts here."""
        return self.filter(workspace=workspace)


MAX_PATH_LENGTH = 1024  # a file path, stored and accepted

# The choices below as types, for result and document schemas (a type checker cannot read TextChoices'
# values); tests/sessions_app/test_models.py holds each to its choices.
SessionKind = Literal["prototype", "dev"]
SessionStatus = Literal["active", "completed", "archived"]
MessageRole = Literal["user", "assistant", "system", "tool"]
FileStatus = Literal["added", "modified", "deleted", "renamed"]


class Session(models.Model):
    class Kind(models.TextChoices):
        PROTOTYPE = "prototype", "Prototype"
        DEV = "dev", "Dev"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ARCHIVED = "archived", "Archived"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="sessions")
    public_id = models.CharField(
        "id",
        max_length=64,
        unique=True,
        default=new_session_id,
        validators=[RegexValidator(f"^{SESSION_ID_PATTERN}$", "8 to 64 of A-Z, a-z, 0-9, '_' and '-'.")],
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Counter caches, written with the chat and files by the import (their only writer): counting a
    # 100,000-message chat on every tool call would make every call cost what the chat's size costs.
    message_count = models.PositiveIntegerField(default=0, editable=False)
    file_count = models.PositiveIntegerField(default=0, editable=False)
    # Digest of the last imported document: re-importing the same document writes nothing.
    imported_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        indexes = [
            # list_sessions: a workspace's sessions newest first, keyset-paged on (updated_at, id).
            models.Index(fields=["workspace", "-updated_at", "-id"], name="session_ws_newest_idx"),
        ]

    def __str__(self) -> str:
        return visible(f"{self.title} ({self.public_id})")

    def link(self) -> str:
        """The canonical link a person would paste (see sessions_app/links.py)."""
        return session_link(workspace_slug=self.workspace.slug, kind=self.kind, session_id=self.public_id)


def wall_column() -> models.ForeignKey:
    """The session's workspace, copied onto each message and file row by the database (a trigger,
    migration 0007), so the row-level-security policy compares a column instead of looking up every row's
    session: with 50,000 sessions in a workspace that lookup made a chat page cost 46 ms (measured)."""
    return models.ForeignKey(
        # DO_NOTHING: the rows go with their session; the collector need not search them by workspace.
        Workspace,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        related_name="+",
    )


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", "User"
        ASSISTANT = "assistant", "Assistant"
        SYSTEM = "system", "System"
        TOOL = "tool", "Tool"

    # No index of its own: the (session, index) unique index serves every lookup by session.
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="messages", db_index=False)
    workspace = wall_column()
    # Position in the chat, from 0; the keyset for chat pages.
    index = models.PositiveIntegerField()
    role = models.CharField(max_length=10, choices=Role.choices)
    author = models.CharField(max_length=150, blank=True)
    content = models.TextField(blank=True)
    created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "index"], name="message_unique_index_per_session")]
        ordering = ["session", "index"]

    def __str__(self) -> str:
        return f"#{self.index} {self.role}"


class Blob(models.Model):
    """One distinct file content of one workspace, text or binary, stored once in it.

    Never shared across workspaces: the row sits behind the same wall as the files that point at it
    (migration 0012), and a search reads only its own workspace's contents.
    """

    # No index of its own: the (workspace, digest) unique index serves every lookup by workspace.
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+", db_index=False)
    digest = models.CharField(max_length=64)
    size = models.BigIntegerField(help_text="Bytes (UTF-8 for text).")
    is_binary = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    data = models.BinaryField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "digest"], name="blob_unique_digest_per_workspace")]

    def __str__(self) -> str:
        return self.digest[:12]


class SessionFile(models.Model):
    class Status(models.TextChoices):
        ADDED = "added", "Added"
        MODIFIED = "modified", "Modified"
        DELETED = "deleted", "Deleted"
        RENAMED = "renamed", "Renamed"  # moved from `renamed_from`, perhaps edited (sessions_app/renames.py)

    # No index of its own: the (session, path) unique index serves every lookup by session.
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="files", db_index=False)
    workspace = wall_column()
    path = models.CharField(max_length=MAX_PATH_LENGTH)
    language = models.CharField(max_length=40, blank=True)
    media_type = models.CharField(max_length=100, blank=True)
    # Dev sessions only; empty for prototype files.
    status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    # RESTRICT, not PROTECT: a content in use cannot be deleted on its own, but goes with its workspace.
    before = models.ForeignKey(Blob, on_delete=models.RESTRICT, null=True, blank=True, related_name="+")
    after = models.ForeignKey(Blob, on_delete=models.RESTRICT, null=True, blank=True, related_name="+")
    # Lines added and removed (dev sessions; computed once at import).
    additions = models.PositiveIntegerField(null=True, blank=True)
    deletions = models.PositiveIntegerField(null=True, blank=True)
    # A renamed file's old path, and how alike its two contents are, in percent (dev sessions).
    renamed_from = models.CharField(max_length=MAX_PATH_LENGTH, blank=True)
    similarity = models.PositiveSmallIntegerField(null=True, blank=True)
    # Where a reviewer reads it (sessions_app/review_order.py; dev sessions): get_file_diff's order.
    review_order = models.BigIntegerField(default=0)
    # When a write to the running session last changed it (sessions_app/live.py); empty: as imported.
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Also the index for file lists keyset-paged by path and for path-prefix filters.
            models.UniqueConstraint(fields=["session", "path"], name="sessionfile_unique_path_per_session"),
            models.CheckConstraint(
                condition=models.Q(before__isnull=False) | models.Q(after__isnull=False),
                name="sessionfile_has_content",
            ),
        ]
        indexes = [models.Index(fields=["session", "review_order", "path"], name="sessionfile_review_order")]
        ordering = ["session", "path"]

    def __str__(self) -> str:
        return visible(self.path)

    @property
    def name(self) -> str:
        """The file's name, without its folders."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def current(self) -> Blob | None:
        """The content a reader sees: `after`, or `before` for a deleted file."""
        return self.after or self.before

    @property
    def is_binary(self) -> bool:
        blob = self.current
        return bool(blob and blob.is_binary)
