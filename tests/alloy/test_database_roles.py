"""The serving role behind the wall, on every table that holds a workspace's rows (alloy/database_roles.py).

The tables are found from the schema — every table with a `workspace_id` or `session_id` column — so a new
one is covered without editing this test: it fails until the new table is walled."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from oauth2_provider.models import set_token_value

from alloy.database_roles import REACHED_THROUGH_FUNCTIONS, grant_serving_privileges
from ingest.keys import ingest_key_create
from mcp_gateway.auth.key_format import hash_key, parse_key
from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.models import (
    McpCall,
    OAuthAccessToken,
    OAuthApplication,
    OAuthGrant,
    OAuthRefreshToken,
    secret_digest,
)
from mcp_gateway.policy.services import mcp_policy_update
from sessions_app.tenancy import every_workspace
from tests.factories import make_access_token

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]  # committed rows, for the serving role's connection

SET_WORKSPACE = "SELECT set_config('alloy.workspace_id', %s, true)"
OPEN_EVERY_WORKSPACE = (
    "SELECT set_config('alloy.workspace_id', '', true), set_config('alloy.all_workspaces', 'on', true)"
)


def workspace_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public'"
            " AND column_name IN ('workspace_id', 'session_id') ORDER BY table_name"
        )
        return [table for (table,) in cursor.fetchall()]


def serving_connection() -> psycopg.Connection:
    """A bare connection as the role the server serves as: what a bug that runs SQL a caller influenced
    would run it on."""
    database = connection.settings_dict
    return psycopg.connect(
        dbname=database["NAME"], user=settings.SERVING_ROLE, host=database["HOST"], port=database["PORT"]
    )


def rows_seen(cursor: psycopg.Cursor, table: str) -> list[int | None] | None:
    """The workspace of each row the serving role reads from `table` (0 for a table without the column, None
    for a row that belongs to no workspace); None when it may not read the table at all."""
    column = "workspace_id" if _has_workspace(table) else "0"
    try:
        cursor.execute("SAVEPOINT probe")
        return [row[0] for row in cursor.execute(f"SELECT {column} FROM {table}")]  # noqa: S608 (the schema's names)
    except psycopg.errors.InsufficientPrivilege:
        cursor.execute("ROLLBACK TO SAVEPOINT probe")
        return None


def _has_workspace(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'workspace_id'", [table]
        )
        return cursor.fetchone() is not None


@pytest.fixture
def keys(workspace, other_workspace, owner, outsider):
    return mcp_key_create(workspace=workspace, name="ours", created_by=owner), mcp_key_create(
        workspace=other_workspace, name="theirs", created_by=outsider
    )


@pytest.fixture
def ingest_keys(workspace, other_workspace, owner, outsider):
    return ingest_key_create(workspace=workspace, name="ours", created_by=owner), ingest_key_create(
        workspace=other_workspace, name="theirs", created_by=outsider
    )


@pytest.fixture
def oauth(workspace, other_workspace, owner, outsider, settings):
    """A code, an access token and a refresh token in each workspace, and a client's registration access token
    (RFC 7592), which belongs to none: the secrets, by row."""
    application = OAuthApplication.objects.create(
        name="client", client_type="public", authorization_grant_type="authorization-code", redirect_uris=""
    )
    secrets = {}
    for place, person in ((workspace, owner), (other_workspace, outsider)):
        code = f"code-{place.pk}"
        grant = OAuthGrant.objects.create(
            workspace=place, application=application, user=person, code=code, expires=timezone.now()
        )
        access = make_access_token(user=person, application=application, workspace=place, settings=settings)
        access_row = OAuthAccessToken.objects.get(token_checksum=secret_digest(access))
        refresh = OAuthRefreshToken(workspace=place, application=application, user=person, access_token=access_row)
        set_token_value(refresh, f"refresh-{place.pk}")
        refresh.save()
        secrets[place.pk] = {
            "grant": (grant, code),
            "access": (access_row, access),
            "refresh": (refresh, f"refresh-{place.pk}"),
        }
    registration = make_access_token(user=None, application=application, workspace=None, settings=settings)
    secrets["registration"] = OAuthAccessToken.objects.get(token_checksum=secret_digest(registration))
    return secrets


@pytest.fixture
def policies(workspace, other_workspace):
    """Each workspace's MCP policy, changed once (revision 1)."""
    for place in (workspace, other_workspace):
        mcp_policy_update(workspace=place, changes={"tools": ["get_session"]}, by=None)


@pytest.fixture
def activity(workspace, other_workspace):
    with every_workspace():
        for place in (workspace, other_workspace):
            McpCall.objects.create(
                at=datetime.now(UTC), workspace=place, credential="k", tool="get_session", outcome="ok", duration_ms=1
            )


def test_the_walled_tables_are_found_and_hold_rows_of_both_workspaces(
    prototype, foreign, activity, keys, ingest_keys, oauth, policies
):
    tables = workspace_tables()
    assert {"sessions_app_session", "sessions_app_message", "mcp_gateway_mcpcall", *REACHED_THROUGH_FUNCTIONS} <= set(
        tables
    )
    with connection.cursor() as cursor:
        for table in tables:  # so that seeing nothing below means something
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            assert cursor.fetchone()[0] >= 2, table


def test_the_serving_role_reads_no_row_without_a_workspace_only_its_own_with_one_and_none_by_asking_for_all(
    workspace, prototype, foreign, activity, keys, ingest_keys, oauth, policies
):
    # Rows that belong to no workspace (a client's registration access token) may show: none of a workspace's.
    tables = workspace_tables()
    with serving_connection() as serving, serving.cursor() as cursor:
        for table in tables:
            assert set(rows_seen(cursor, table) or []) <= {None}, f"{table} without a workspace"
        cursor.execute(SET_WORKSPACE, [str(workspace.pk)])
        for table in tables:
            seen = rows_seen(cursor, table)
            if table in REACHED_THROUGH_FUNCTIONS:
                assert seen is None, f"{table} is read through its functions only"
            else:
                assert seen, f"{table} with a workspace set shows none of its rows"
                assert set(seen) - {None} == {workspace.pk}, f"{table} with a workspace set: {seen}"
        cursor.execute(
            "SELECT set_config('alloy.workspace_id', '', true), set_config('alloy.all_workspaces', 'on', true)"
        )
        for table in tables:
            assert set(rows_seen(cursor, table) or []) <= {None}, f"{table} after asking for every workspace"


def test_a_signed_in_person_sees_the_memberships_and_keys_of_their_workspaces_only(workspace, member, keys):
    ours, _ = keys
    with serving_connection() as serving, serving.cursor() as cursor:
        cursor.execute("SELECT set_config('alloy.person_id', %s, true)", [str(member.pk)])
        members = cursor.execute("SELECT workspace_id FROM workspaces_membership").fetchall()
        assert {row[0] for row in members} == {workspace.pk}
        assert len(members) == 2  # the member's own and the owner's: co-members show, no one else
        assert cursor.execute("SELECT id FROM mcp_gateway_mcpkey").fetchall() == [(ours.record.pk,)]


def test_a_presented_key_shows_that_key_alone(keys):
    ours, theirs = keys
    with serving_connection() as serving, serving.cursor() as cursor:
        cursor.execute("SELECT set_config('alloy.presented_key', %s, true)", [hash_key(parse_key(theirs.key).key)])
        assert cursor.execute("SELECT id FROM mcp_gateway_mcpkey").fetchall() == [(theirs.record.pk,)]
        cursor.execute("SELECT set_config('alloy.presented_key', %s, true)", ["0" * 64])  # a key nobody holds
        assert cursor.execute("SELECT id FROM mcp_gateway_mcpkey").fetchall() == []
        live = "SELECT mcp_gateway_key_is_live(%s, now(), 0), workspaces_is_member(%s, %s)"
        key = ours.record
        assert cursor.execute(live, [key.pk, key.workspace_id, key.created_by_id]).fetchone() == (True, True)


def test_a_presented_ingestion_key_shows_that_key_alone(ingest_keys):
    ours, theirs = ingest_keys
    with serving_connection() as serving, serving.cursor() as cursor:
        cursor.execute("SELECT set_config('alloy.presented_key', %s, true)", [hash_key(theirs.key)])
        assert cursor.execute("SELECT id FROM ingest_ingestkey").fetchall() == [(theirs.record.pk,)]
        cursor.execute("SELECT set_config('alloy.presented_key', %s, true)", [hash_key(ours.key)])
        assert cursor.execute("SELECT id FROM ingest_ingestkey").fetchall() == [(ours.record.pk,)]


def test_a_credential_is_live_only_at_its_workspaces_current_policy_revision(workspace, keys, oauth, policies):
    key = keys[0].record
    token = oauth[workspace.pk]["access"][0]
    with serving_connection() as serving, serving.cursor() as cursor:
        for function, credential in (("mcp_gateway_key_is_live", key.pk), ("mcp_gateway_token_is_live", token.pk)):
            revisions = [
                cursor.execute(f"SELECT {function}(%s, now(), %s)", [credential, revision]).fetchone()[0]
                for revision in (0, 1, 2)
            ]
            assert revisions == [False, True, False], function  # checked against the policy before, now, unseen


def test_a_presented_code_or_token_shows_that_row_alone(workspace, other_workspace, oauth):
    theirs = oauth[other_workspace.pk]
    tables = {"grant": "mcp_gateway_oauthgrant", "access": "mcp_gateway_oauthaccesstoken"}
    tables["refresh"] = "mcp_gateway_oauthrefreshtoken"
    registration = oauth["registration"].pk
    with serving_connection() as serving, serving.cursor() as cursor:
        for kind, table in tables.items():
            row, secret = theirs[kind]
            cursor.execute("SELECT set_config('alloy.presented_token', %s, true)", [secret_digest(secret)])
            shown = {id for (id,) in cursor.execute(f"SELECT id FROM {table}")}  # noqa: S608
            assert shown - {registration} == {row.pk}, kind
            cursor.execute("SELECT set_config('alloy.presented_token', %s, true)", ["0" * 64])  # nobody's secret
            assert {id for (id,) in cursor.execute(f"SELECT id FROM {table}")} <= {registration}, kind  # noqa: S608
        live = "SELECT mcp_gateway_token_is_live(%s, now(), 0)"
        assert cursor.execute(live, [oauth[workspace.pk]["access"][0].pk]).fetchone() == (True,)
        assert cursor.execute(live, [registration]).fetchone() == (False,)  # no workspace, no member: no use at /mcp


def test_the_serving_role_cannot_write_a_token_into_another_workspace(workspace, other_workspace, oauth):
    ours = oauth[workspace.pk]["access"][0]
    with serving_connection() as serving, serving.cursor() as cursor:
        cursor.execute(SET_WORKSPACE, [str(workspace.pk)])
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            cursor.execute(
                "UPDATE mcp_gateway_oauthaccesstoken SET workspace_id = %s WHERE id = %s", [other_workspace.pk, ours.pk]
            )


@pytest.mark.parametrize(
    ("role", "says"), [("alloy_no_such_role", "does not exist; create it first"), ("postgres", "can bypass the wall")]
)
def test_migrate_refuses_a_serving_role_that_is_missing_or_could_bypass_the_wall(settings, role, says):
    settings.DATABASE_SERVING_ROLE = role
    with pytest.raises(ImproperlyConfigured, match=says):
        grant_serving_privileges(using="default")


def test_the_serving_role_cannot_become_the_operations_role_or_change_the_schema(workspace):
    with serving_connection() as serving, serving.cursor() as cursor:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            cursor.execute(f"SET ROLE {connection.settings_dict['USER']}")
        serving.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            cursor.execute("ALTER TABLE sessions_app_session DISABLE ROW LEVEL SECURITY")
        serving.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the activity log: added to, never changed
            cursor.execute("DELETE FROM mcp_gateway_mcpcall")


def test_the_activity_log_is_only_added_to_a_call_forgets_only_a_deleted_credential(workspace, activity):
    with serving_connection() as serving, serving.cursor() as cursor:
        cursor.execute(SET_WORKSPACE, [str(workspace.pk)])
        cursor.execute("SAVEPOINT before")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            cursor.execute("UPDATE mcp_gateway_mcpcall SET tool = 'nothing happened'")
        cursor.execute("ROLLBACK TO SAVEPOINT before")
        with pytest.raises(psycopg.errors.RaiseException, match="only added to"):
            cursor.execute("UPDATE mcp_gateway_mcpcall SET user_id = %s", [workspace.pk])
        cursor.execute("ROLLBACK TO SAVEPOINT before")
        cursor.execute("UPDATE mcp_gateway_mcpcall SET user_id = NULL")  # what deleting a person does
        assert cursor.rowcount == 1  # its own workspace's call only


def test_the_audit_trail_is_only_added_to(workspace, policies):
    with serving_connection() as serving, serving.cursor() as cursor:
        cursor.execute(SET_WORKSPACE, [str(workspace.pk)])
        for change in (
            "UPDATE workspaces_auditevent SET target = 'nothing happened'",
            "DELETE FROM workspaces_auditevent",
        ):
            cursor.execute("SAVEPOINT before")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                cursor.execute(change)
            cursor.execute("ROLLBACK TO SAVEPOINT before")
        cursor.execute("UPDATE workspaces_auditevent SET actor_id = NULL")  # what deleting a person does
        assert cursor.rowcount == 1  # its own workspace's event only


def test_the_search_functions_search_only_the_workspace_the_wall_was_set_to(workspace, prototype, foreign):
    theirs = foreign.workspace_id
    with serving_connection() as serving, serving.cursor() as cursor:

        def found(sql: str, *params: object) -> list:
            return [row[0] for row in cursor.execute(sql, params)]

        def titles(named: int) -> list:
            return found("SELECT sessions_app_title_matches(%s, '%%', NULL, NULL, NULL, NULL, false, 10)", named)

        def chat(named: int, session: int) -> list:
            return found("SELECT sessions_app_message_matches(%s, %s, 'secret')", named, session)

        def contents(named: int) -> list:
            return found("SELECT sessions_app_content_matches(%s, '{}')", named)

        def nothing_of_theirs() -> bool:
            return titles(theirs) == chat(theirs, foreign.pk) == contents(theirs) == []

        assert nothing_of_theirs()  # no workspace set
        cursor.execute(SET_WORKSPACE, [str(workspace.pk)])
        assert titles(workspace.pk) == [prototype.pk]
        assert nothing_of_theirs()
        assert chat(workspace.pk, foreign.pk) == []  # another workspace's session, named outright
        cursor.execute(OPEN_EVERY_WORKSPACE)
        assert nothing_of_theirs()
        cursor.execute(SET_WORKSPACE, [str(theirs)])
        assert titles(theirs) == [foreign.pk]
        assert chat(theirs, foreign.pk) == [0]
        assert len(contents(theirs)) == 2  # "a\n" before, "b\n" after


def test_the_operations_role_opens_every_workspace_when_it_asks(workspace, prototype, foreign):
    theirs = foreign.workspace_id
    with connection.cursor() as cursor:  # the test connection: the operations role, every workspace asked for
        cursor.execute("SELECT sessions_app_title_matches(%s, '%%', NULL, NULL, NULL, NULL, false, 10)", [theirs])
        assert [row[0] for row in cursor.fetchall()] == [foreign.pk]


def test_manage_py_commands_run_as_the_operations_role(workspace, other_workspace, keys):
    # With the production environment's two URLs, a command lists every workspace's keys: as the serving role
    # (DATABASE_URL) it would see none of them.
    database = connection.settings_dict
    address = f"{database['HOST']}:{database['PORT']}/{database['NAME']}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alloy.settings",
        "DEBUG": "true",
        "ALLOY_ENV_FILE": "",
        "DATABASE_URL": f"postgres://{settings.SERVING_ROLE}@{address}",
        "DATABASE_OPS_URL": f"postgres://{database['USER']}@{address}",
    }
    listed = subprocess.run(
        [sys.executable, "manage.py", "list_mcp_keys"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert "ours" in listed.stdout
    assert "theirs" in listed.stdout
