"""A session's changes, announced to whoever follows it: every worker and host serving its page.

A write to a running session (sessions_app/live.py) calls `announce_change` inside its transaction: PostgreSQL's
`pg_notify`, which the database delivers to every listening connection when — and only if — the transaction
commits, in commit order. So an announcement never runs ahead of what it announces, and a rolled-back write
announces nothing. The payload names the session by its row id and says how far it has got (messages, files,
status): no title, text or path, since any connection of the database may listen. Off PostgreSQL (the demo's
SQLite) nothing is announced, and pages follow by polling.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from django.db import connection

from sessions_app.models import Session

CHANNEL = "alloy_session_changes"


@dataclass(frozen=True)
class SessionChange:
    """What an announcement says: the session's row id, and its counts, status and last change after the write
    (`updated`: every write moves it, so a page tells a file recorded anew from nothing new)."""

    session: int
    messages: int
    files: int
    status: str
    updated: str = ""

    def payload(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_payload(cls, payload: str) -> SessionChange:
        fields = json.loads(payload)
        return cls(
            int(fields["session"]),
            int(fields["messages"]),
            int(fields["files"]),
            str(fields["status"]),
            str(fields.get("updated", "")),
        )

    @classmethod
    def of(cls, session: Session) -> SessionChange:
        return cls(
            session.pk, session.message_count, session.file_count, session.status, session.updated_at.isoformat()
        )


def announce_change(session: Session) -> None:
    """Announce the session as it now is, when the enclosing transaction commits."""
    if connection.vendor != "postgresql":
        return
    change = SessionChange.of(session)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, change.payload()])
