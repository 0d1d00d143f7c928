"""Writing a session while it runs: messages appended as they are said, one short transaction each.

Appends are idempotent by message index, so a writer that retries (or two writers that both send what they
saw) never duplicates a message: the same message at a taken index is a no-op, a different one is refused, and a
gap is refused naming the index expected. Writers of one session are serialised by a lock on its row, so
concurrent appends never interleave a gap. The message search table follows by its trigger (migration 0009).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from sessions_app.documents import MessageDocument
from sessions_app.models import Message, Session
from sessions_app.tenancy import only_workspace

MAX_MESSAGES_PER_APPEND = 500


class AppendRefused(Exception):
    """An append that cannot be made; `str()` says what was wrong and what is accepted."""


@dataclass(frozen=True)
class IndexedMessage:
    """A message as a writer sends it: its place in the chat, and the message."""

    index: int
    message: MessageDocument


@dataclass(frozen=True)
class AppendResult:
    appended: int  # messages new to the chat
    unchanged: int  # messages it had already, sent again
    message_count: int  # the chat's length now: the next message's index


def session_messages_append(*, session: Session, messages: Sequence[IndexedMessage]) -> AppendResult:
    """Append `messages` (in index order, each index the next one or one the chat has) to the session's chat."""
    if not messages:
        raise AppendRefused("Send at least one message.")
    if len(messages) > MAX_MESSAGES_PER_APPEND:
        raise AppendRefused(f"Send at most {MAX_MESSAGES_PER_APPEND} messages at once, not {len(messages)}.")
    indexes = [item.index for item in messages]
    if indexes != sorted(set(indexes)):
        raise AppendRefused("Send the messages in the order of their index, each index once.")
    with only_workspace(session.workspace_id):  # a transaction; the chat is behind the wall
        locked = Session.objects.select_for_update().get(pk=session.pk)
        count = locked.message_count
        stored = {
            message.index: message
            for message in Message.objects.filter(session=locked, index__in=[i for i in indexes if i < count])
        }
        new: list[Message] = []
        unchanged = 0
        for item in messages:
            if item.index < count:
                if not _same(stored[item.index], item.message):
                    raise AppendRefused(
                        f"Message {item.index} is already in the chat, with other content; the next message's index "
                        f"is {count + len(new)}."
                    )
                unchanged += 1
                continue
            expected = count + len(new)
            if item.index != expected:
                raise AppendRefused(f"The next message's index is {expected}, not {item.index}.")
            new.append(
                Message(
                    session=locked,
                    workspace_id=locked.workspace_id,
                    index=item.index,
                    role=item.message.role,
                    author=item.message.author,
                    content=item.message.content,
                    created_at=item.message.created_at,
                )
            )
        if new:
            Message.objects.bulk_create(new)
            locked.message_count = count + len(new)
            locked.updated_at = timezone.now()
            locked.save(update_fields=["message_count", "updated_at"])
    return AppendResult(appended=len(new), unchanged=unchanged, message_count=count + len(new))


def _same(stored: Message, sent: MessageDocument) -> bool:
    return (stored.role, stored.author, stored.content, stored.created_at) == (
        sent.role,
        sent.author,
        sent.content,
        sent.created_at,
    )
