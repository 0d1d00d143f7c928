"""Ingestion keys: create (the secret shown once, only its hash kept), revoke, and find the key a request carries.

Every write checks its key in the database (one indexed query, behind the wall by the presented hash), so a
revocation holds from the next request on, on every worker and host. Creation and revocation are in the
workspace's audit trail.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from ingest.models import NAME_MAX_LENGTH, IngestKey
from mcp_gateway.auth.key_format import INGEST_KEYS, MCP_KEYS, MalformedKey, hash_key
from sessions_app.tenancy import only_workspace, presenting_key
from workspaces.audit import audit_event_record
from workspaces.models import AuditEvent, User, Workspace

LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidIngestKeyRequest(Exception):
    """A key asked for with a name it cannot have; the message says what is accepted."""


class IngestKeyRefused(Exception):
    """The credential a write carried is not a live ingestion key; `str()` says why and what to do."""


@dataclass(frozen=True)
class CreatedIngestKey:
    key: str  # the secret: shown once, never stored
    record: IngestKey


def ingest_key_create(*, workspace: Workspace, name: str, created_by: User | None = None) -> CreatedIngestKey:
    name = name.strip()
    if not name:
        raise InvalidIngestKeyRequest("An ingestion key needs a name that says what writes with it.")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidIngestKeyRequest(f"An ingestion key's name can be at most {NAME_MAX_LENGTH} characters.")
    with only_workspace(workspace.pk):
        if IngestKey.objects.active().filter(workspace=workspace, name__iexact=name).exists():
            raise InvalidIngestKeyRequest(
                f"This workspace already has an ingestion key named {name!r}; choose another name."
            )
    for _ in range(5):
        key = INGEST_KEYS.generate()
        try:
            with only_workspace(workspace.pk):  # a transaction: the key and its audit event
                record = IngestKey.objects.create(
                    workspace=workspace,
                    name=name,
                    prefix=INGEST_KEYS.parse(key).lookup,
                    key_hash=hash_key(key),
                    created_by=created_by,
                )
                _audit(record, created_by, AuditEvent.Action.INGEST_KEY_CREATED)
            return CreatedIngestKey(key=key, record=record)
        except IntegrityError:  # the 8-character prefix is taken (about 1 in 10^14): draw again
            continue
    raise RuntimeError("Could not draw a unique key prefix.")


def ingest_key_revoke(*, key: IngestKey, by: User | None) -> bool:
    """Revoke a key (`by` None: an operator's command); False if it already was. Refused from the next write on."""
    with only_workspace(key.workspace_id):
        revoked = IngestKey.objects.active().filter(pk=key.pk).update(revoked_at=timezone.now())
        if revoked:
            _audit(key, by, AuditEvent.Action.INGEST_KEY_REVOKED)
        key.refresh_from_db(fields=["revoked_at"])
    return bool(revoked)


def ingest_keys_list(*, workspace: Workspace) -> list[IngestKey]:
    with only_workspace(workspace.pk):
        return list(IngestKey.objects.filter(workspace=workspace).select_related("created_by"))


def ingest_key_of(*, workspace: Workspace, key_id: int) -> IngestKey | None:
    """The workspace's key `key_id`; None for another workspace's or none (the page answers both with 404)."""
    with only_workspace(workspace.pk):
        return IngestKey.objects.filter(workspace=workspace, pk=key_id).select_related("workspace").first()


NOT_LIVE = "This ingestion key is invalid or was revoked; ask a workspace owner for a new one."


def ingest_key_for(*, key: str) -> IngestKey:
    """The live ingestion key `key` is, with its workspace; `IngestKeyRefused` otherwise, the same sentence for a
    key that never existed and one that was revoked. Notes its use at most once a minute."""
    if MCP_KEYS.looks_like(key):
        raise IngestKeyRefused(
            "That is an MCP key: it reads sessions over /mcp. Writing sessions takes an ingestion key "
            "(alloy_ingest_…), which a workspace owner creates in the workspace's settings."
        )
    try:
        parsed = INGEST_KEYS.parse(key)
    except MalformedKey:
        raise IngestKeyRefused(
            f"That is not an Alloy ingestion key (they start with {INGEST_KEYS.prefix} and are "
            f"{INGEST_KEYS.length} characters; it may be mistyped or cut short)."
        ) from None
    presented = hash_key(parsed.key)
    with presenting_key(presented):  # the wall shows this key alone (ingest migration 0001)
        row = IngestKey.objects.active().select_related("workspace").filter(prefix=parsed.lookup).first()
    if row is None or not hmac.compare_digest(presented, row.key_hash):
        raise IngestKeyRefused(NOT_LIVE)
    _note_use(row)
    return row


def _note_use(key: IngestKey) -> None:
    now = timezone.now()
    if key.last_used_at is not None and key.last_used_at > now - LAST_USED_RESOLUTION:
        return
    with only_workspace(key.workspace_id):
        IngestKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)


def _audit(key: IngestKey, by: User | None, action: AuditEvent.Action) -> None:
    audit_event_record(workspace=key.workspace, by=by, action=action, target=str(key))
