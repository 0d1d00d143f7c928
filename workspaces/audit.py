"""The workspace audit trail: what people changed in how a workspace is governed (models.AuditEvent) — written by
the services that make each change, read by its settings section, the API and `export_audit_trail`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from workspaces.models import AuditEvent, User, Workspace

OPERATOR = "an operator (manage.py)"
PAGE_SIZE = 50


def audit_event_record(
    *,
    workspace: Workspace,
    by: User | None,
    action: AuditEvent.Action,
    target: str,
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Add one event; `by` None is an operator's command. In the change's own transaction, so a change is never
    without its event, nor an event without its change."""
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=by,
        actor_label=by.email if by is not None else OPERATOR,
        action=action,
        target=target[:300],
        before=before,
        after=after,
    )


def audit_events_prune(*, older_than_days: int) -> int:
    """Delete events older than `older_than_days` (the activity log's retention); how many went. An operations
    command's (every workspace), in batches."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted = 0
    while batch := list(AuditEvent.objects.filter(at__lt=cutoff).values_list("pk", flat=True)[:10_000]):
        deleted += AuditEvent.objects.filter(pk__in=batch).delete()[0]
    return deleted


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    next_before: int | None  # pass as `before` for older events


def audit_events_list(*, workspace: Workspace, before: int | None = None, limit: int = PAGE_SIZE) -> AuditPage:
    """The workspace's events, newest first, a page of `limit` before the event `before` (keyset)."""
    events = AuditEvent.objects.filter(workspace=workspace).select_related("actor")
    if before is not None:
        events = events.filter(id__lt=before)
    found = list(events.order_by("-id")[: limit + 1])
    following = found[limit].id + 1 if len(found) > limit else None
    return AuditPage(events=found[:limit], next_before=following)
