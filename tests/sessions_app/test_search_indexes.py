"""How searches meet the indexes: file contents through the trigram index (migration 0008); titles and
chats, under row-level security, not through a LIKE index at all (why the migration has none for them)."""

import pytest
from django.db import connection

from sessions_app.models import Blob, Message

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    """The plan with table scans ruled out: on tables this small PostgreSQL would scan them anyway."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_file_content_search_uses_its_trigram_index(dev):
    assert "blob_text_trgm" in plan(Blob.objects.filter(text__icontains="redis"))


def test_under_row_level_security_a_like_is_never_an_index_condition(prototype):
    # Why titles and chats have no trigram index: the policy's checks come first, and `~~` is not
    # leakproof, so PostgreSQL scans even when told not to. A chat search scans one session's messages.
    assert "Seq Scan" in plan(Message.objects.filter(content__icontains="redis"))
