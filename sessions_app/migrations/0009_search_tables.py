"""Search tables beside the walled ones, so title and chat searches use an index.

Under row-level security PostgreSQL evaluates a non-leakproof operator (LIKE, full-text @@) only after
the policy's checks, so it can never be an index condition on sessions or messages (migration 0008,
tests/sessions_app/test_search_indexes.py). These two tables carry no policy, and so their indexes work:

- `sessions_app_sessiontitlesearch` (session, workspace, title, kind, status, updated_at): trigram GIN on
  (workspace, UPPER(title)); `list_sessions(query=…)` finds a page of matching ids here, in its order,
  then reads those sessions by primary key;
- `sessions_app_messagesearch` (message, session, index, tsvector): full-text GIN on (session, document),
  what `search_session` finds chat messages with (English stemming: "drop" finds "dropped").

They hold titles and word lists, so they are read only joined to the walled tables they index: a row
comes back only if row-level security lets its session or message through. Triggers keep them in step
(per statement, so a bulk import pays one INSERT … SELECT). PostgreSQL only; SQLite scans.
"""

from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE sessions_app_sessiontitlesearch (
    session_id bigint PRIMARY KEY,
    workspace_id bigint NOT NULL,
    title text NOT NULL,
    kind varchar(10) NOT NULL,
    status varchar(10) NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX sessiontitlesearch_trgm ON sessions_app_sessiontitlesearch
    USING gin (workspace_id, upper(title) gin_trgm_ops);

CREATE TABLE sessions_app_messagesearch (
    message_id bigint PRIMARY KEY,
    session_id bigint NOT NULL,
    message_index integer NOT NULL,
    document tsvector NOT NULL
);
CREATE INDEX messagesearch_fts ON sessions_app_messagesearch USING gin (session_id, document);

CREATE FUNCTION sessions_app_index_titles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sessions_app_sessiontitlesearch (session_id, workspace_id, title, kind, status, updated_at)
    SELECT id, workspace_id, title, kind, status, updated_at FROM changed
    ON CONFLICT (session_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, title = EXCLUDED.title,
        kind = EXCLUDED.kind, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at;
    RETURN NULL;
END $$;
CREATE TRIGGER session_titles_inserted AFTER INSERT ON sessions_app_session
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sessions_app_index_titles();
CREATE TRIGGER session_titles_updated AFTER UPDATE ON sessions_app_session
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sessions_app_index_titles();

CREATE FUNCTION sessions_app_index_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sessions_app_messagesearch (message_id, session_id, message_index, document)
    SELECT id, session_id, index, to_tsvector('english', content) FROM changed
    ON CONFLICT (message_id) DO UPDATE SET
        session_id = EXCLUDED.session_id, message_index = EXCLUDED.message_index, document = EXCLUDED.document;
    RETURN NULL;
END $$;
CREATE TRIGGER messages_inserted AFTER INSERT ON sessions_app_message
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sessions_app_index_messages();
CREATE TRIGGER messages_updated AFTER UPDATE ON sessions_app_message
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sessions_app_index_messages();

-- No foreign keys (Django's flush truncates the tables it knows): deletions follow by trigger, and a row
-- whose session or message is gone could only ever join to nothing.
CREATE FUNCTION sessions_app_unindex_titles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sessions_app_sessiontitlesearch WHERE session_id IN (SELECT id FROM gone);
    RETURN NULL;
END $$;
CREATE TRIGGER session_titles_deleted AFTER DELETE ON sessions_app_session
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION sessions_app_unindex_titles();

CREATE FUNCTION sessions_app_unindex_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sessions_app_messagesearch WHERE message_id IN (SELECT id FROM gone);
    RETURN NULL;
END $$;
CREATE TRIGGER messages_deleted AFTER DELETE ON sessions_app_message
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION sessions_app_unindex_messages();
"""

# What is already there (a migration runs with no workspace set, so the policies let every row through).
BACKFILL = """
INSERT INTO sessions_app_sessiontitlesearch (session_id, workspace_id, title, kind, status, updated_at)
    SELECT id, workspace_id, title, kind, status, updated_at FROM sessions_app_session;
INSERT INTO sessions_app_messagesearch (message_id, session_id, message_index, document)
    SELECT id, session_id, index, to_tsvector('english', content) FROM sessions_app_message;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS messages_deleted ON sessions_app_message;
DROP FUNCTION IF EXISTS sessions_app_unindex_messages();
DROP TRIGGER IF EXISTS session_titles_deleted ON sessions_app_session;
DROP FUNCTION IF EXISTS sessions_app_unindex_titles();
DROP TRIGGER IF EXISTS messages_updated ON sessions_app_message;
DROP TRIGGER IF EXISTS messages_inserted ON sessions_app_message;
DROP FUNCTION IF EXISTS sessions_app_index_messages();
DROP TRIGGER IF EXISTS session_titles_updated ON sessions_app_session;
DROP TRIGGER IF EXISTS session_titles_inserted ON sessions_app_session;
DROP FUNCTION IF EXISTS sessions_app_index_titles();
DROP TABLE IF EXISTS sessions_app_messagesearch;
DROP TABLE IF EXISTS sessions_app_sessiontitlesearch;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)
        schema_editor.execute(BACKFILL)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0008_trigram_search_indexes")]

    operations = [migrations.RunPython(forward, backward)]
