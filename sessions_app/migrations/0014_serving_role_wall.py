"""The wall for two roles, and the search tables behind it (alloy/database_roles.py).

- **Every workspace is the operations role's alone.** Each walled table's policy is split in two: the wall
  (`workspace_id` is the transaction's workspace), for every role, and the opening (no workspace set and
  `alloy.all_workspaces = on`), for the role that runs this migration — the operations role, which owns
  the tables. The serving role setting `alloy.all_workspaces` sees nothing more.
- **The search tables are reached through functions.** Row-level security on them would keep PostgreSQL
  from using their indexes (migration 0009), so instead the serving role gets no privilege on them
  (alloy.database_roles.grant_serving_privileges), and they get row-level security with no policy (any
  role but their owner reads nothing, whatever it is granted). Three SECURITY DEFINER functions, owned by
  the operations role, search them for the workspace the transaction set — or, for the operations role
  itself, every workspace where it opened the wall — and return ids, which callers then read through the
  wall: `sessions_app_title_matches`, `sessions_app_message_matches`, `sessions_app_content_matches`.
  Their queries are those the code ran before, built per call as before, so their plans are too.
- The triggers that keep the search tables in step run as their owner, whoever writes the sessions.
"""

from django.db import migrations

WORKSPACE = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"
WALL = f"workspace_id = {WORKSPACE}"
OPENING = f"{WORKSPACE} IS NULL AND current_setting('alloy.all_workspaces', true) = 'on'"
# What migration 0012 wrote: one policy for every role.
ONE_POLICY = f"{WALL} OR ({OPENING})"
POLICIES = {
    "sessions_app_session": "session",
    "sessions_app_message": "message",
    "sessions_app_sessionfile": "sessionfile",
    "sessions_app_blob": "blob",
}
SEARCH_TABLES = ["sessions_app_sessiontitlesearch", "sessions_app_messagesearch", "sessions_app_blobsearch"]
TRIGGER_FUNCTIONS = [
    "sessions_app_index_titles",
    "sessions_app_unindex_titles",
    "sessions_app_index_messages",
    "sessions_app_unindex_messages",
    "sessions_app_index_contents",
    "sessions_app_unindex_contents",
]

# The workspace a search may look in: the one the transaction set, if the caller names it; with none set,
# the one named, for the operations role (the login role is a member of the functions' owner) when it
# opened the wall. NULL otherwise: the search finds nothing.
SEARCHED_WORKSPACE = f"""
CREATE FUNCTION sessions_app_searched_workspace(named bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE
        WHEN named = {WORKSPACE} THEN named
        WHEN {OPENING} AND pg_has_role(session_user, current_user, 'MEMBER') THEN named
    END
$$;
"""

FUNCTIONS = (
    SEARCHED_WORKSPACE
    + """
-- Sessions of the workspace whose title holds `pattern` (a LIKE pattern), with the list's filters and keyset
-- start, the `max_rows` first in list order (newest first) or, `before`, the ones just before `start`.
CREATE FUNCTION sessions_app_title_matches(
    workspace bigint, pattern text, want_kind text, want_status text,
    start_at timestamptz, start_id bigint, before boolean, max_rows integer
) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    searched bigint := sessions_app_searched_workspace(workspace);
    query text := 'SELECT session_id FROM sessions_app_sessiontitlesearch'
                  ' WHERE workspace_id = $1 AND upper(title) LIKE upper($2)';
    side text := CASE WHEN before THEN '>' ELSE '<' END;
    tie text := CASE WHEN before THEN '>' ELSE '<=' END;
    direction text := CASE WHEN before THEN 'ASC' ELSE 'DESC' END;
BEGIN
    IF searched IS NULL THEN
        RETURN;
    END IF;
    IF want_kind IS NOT NULL THEN query := query || ' AND kind = $3'; END IF;
    IF want_status IS NOT NULL THEN query := query || ' AND status = $4'; END IF;
    IF start_at IS NOT NULL THEN
        query := query || format(' AND (updated_at %s $5 OR (updated_at = $5 AND session_id %s $6))', side, tie);
    END IF;
    query := query || format(' ORDER BY updated_at %s, session_id %s LIMIT $7', direction, direction);
    RETURN QUERY EXECUTE query USING searched, pattern, want_kind, want_status, start_at, start_id, max_rows;
END $$;

-- The indexes of the session's messages holding every word of `words` (English full-text).
CREATE FUNCTION sessions_app_message_matches(workspace bigint, session bigint, words text) RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 100 AS $$
    SELECT search.message_index FROM sessions_app_messagesearch AS search
    WHERE search.session_id = session AND search.document @@ plainto_tsquery('english', words)
      AND EXISTS (
          SELECT 1 FROM sessions_app_session AS walled
          WHERE walled.id = session AND walled.workspace_id = sessions_app_searched_workspace(workspace)
      )
$$;

-- The workspace's text contents whose trigrams include every trigram inside `runs` (runs of ASCII letters
-- and digits; see sessions_app/search/in_session.py), or all of them when there are no runs.
CREATE FUNCTION sessions_app_content_matches(workspace bigint, runs text[]) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 100 AS $$
DECLARE
    searched bigint := sessions_app_searched_workspace(workspace);
BEGIN
    IF searched IS NULL THEN
        RETURN;
    END IF;
    IF cardinality(runs) = 0 THEN
        RETURN QUERY EXECUTE 'SELECT blob_id FROM sessions_app_blobsearch WHERE workspace_id = $1' USING searched;
        RETURN;
    END IF;
    RETURN QUERY EXECUTE
        'SELECT blob_id FROM sessions_app_blobsearch WHERE workspace_id = $1'
        ' AND trigrams @> ARRAY(SELECT unnest(show_trgm(run)) FROM unnest($2::text[]) AS run EXCEPT'
        ' SELECT unnest(show_trgm(left(run, 1)) || show_trgm(left(run, 2)) || show_trgm(right(run, 2)))'
        ' FROM unnest($2::text[]) AS run)'
        USING searched, runs;
END $$;
"""
)

FUNCTIONS_BACKWARD = """
DROP FUNCTION IF EXISTS sessions_app_content_matches(bigint, text[]);
DROP FUNCTION IF EXISTS sessions_app_message_matches(bigint, bigint, text);
DROP FUNCTION IF EXISTS sessions_app_title_matches(bigint, text, text, text, timestamptz, bigint, boolean, integer);
DROP FUNCTION IF EXISTS sessions_app_searched_workspace(bigint);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statements = []
    for table, name in POLICIES.items():
        statements += [
            f"DROP POLICY IF EXISTS {name}_workspace_wall ON {table};",
            f"CREATE POLICY {name}_workspace_wall ON {table} USING ({WALL});",
            f"CREATE POLICY {name}_every_workspace ON {table} TO CURRENT_USER USING ({OPENING});",
        ]
    for table in SEARCH_TABLES:
        statements.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;")
    for function in TRIGGER_FUNCTIONS:
        statements.append(f"ALTER FUNCTION {function}() SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;")
    schema_editor.execute("\n".join(statements))
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTIONS)  # without parameters: its `%s` are format()'s, not placeholders


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statements = [FUNCTIONS_BACKWARD]
    for function in TRIGGER_FUNCTIONS:
        statements.append(f"ALTER FUNCTION {function}() SECURITY INVOKER RESET search_path;")
    for table in SEARCH_TABLES:
        statements.append(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;")
    for table, name in POLICIES.items():
        statements += [
            f"DROP POLICY IF EXISTS {name}_every_workspace ON {table};",
            f"DROP POLICY IF EXISTS {name}_workspace_wall ON {table};",
            f"CREATE POLICY {name}_workspace_wall ON {table} USING ({ONE_POLICY});",
        ]
    schema_editor.execute("\n".join(statements))


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0013_review_order_and_renames")]

    operations = [migrations.RunPython(forward, backward)]
