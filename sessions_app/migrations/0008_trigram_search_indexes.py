"""A trigram index (pg_trgm) on file contents, for search_session: a word that occurs in none of a
session's files costs an index probe, not a read of every content.

The expression matches what Django's `icontains` sends on PostgreSQL (`UPPER(col::text) LIKE UPPER(%s)`).
Only blobs: they carry no row-level security. On the tables that do (sessions, messages, files), a LIKE
cannot be an index condition — PostgreSQL evaluates a non-leakproof operator such as `~~` only after the
policy's own checks, so it never reaches an index (tests/sessions_app/test_search_indexes.py shows the
plan). Searching titles and chats through an index needs leakproof operators (equality on words or
trigrams kept in a table of their own), the next step. PostgreSQL only (pg_trgm is a trusted
extension: the database owner may create it); SQLite (`make run`) scans, which is fine at demo size.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS blob_text_trgm ON sessions_app_blob USING gin (upper(text::text) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS blob_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0007_workspace_wall_column")]

    operations = [migrations.RunPython(create, drop)]
