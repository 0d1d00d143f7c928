"""The database wall: with the workspace set, another workspace's rows do not exist, even unfiltered;
with nothing set, no workspace's rows do."""

import inspect
from datetime import UTC, datetime

import psycopg
import pytest
from django.db import DataError, connection, transaction

from sessions_app import selectors
from sessions_app.models import Blob, Message, Session, SessionFile
from sessions_app.search import in_session as search
from sessions_app.tenancy import every_workspace, only_workspace, planned_for_their_values, walled_reads
from tests.factories import SessionFactory, add_file

pytestmark = pytest.mark.django_db


def test_tests_do_not_run_as_a_superuser():
    # Superusers bypass row-level security; these tests would prove nothing as one.
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)


def test_an_unfiltered_query_sees_only_the_workspace_it_is_restricted_to(workspace, prototype, foreign):
    with only_workspace(workspace.pk):
        assert list(Session.objects.all()) == [prototype]
        assert not Session.objects.filter(pk=foreign.pk).exists()
        assert set(Message.objects.values_list("session_id", flat=True)) == {prototype.pk}
        assert set(SessionFile.objects.values_list("session_id", flat=True)) == {prototype.pk}
        assert set(Blob.objects.values_list("workspace_id", flat=True)) == {workspace.pk}


def test_a_workspace_scope_ends_with_its_block_even_inside_a_transaction(workspace, prototype, foreign):
    with transaction.atomic():
        with only_workspace(workspace.pk):
            assert Session.objects.count() == 1
        assert Session.objects.count() == 2  # what the test connection sees: every workspace (tests/settings.py)


def test_a_set_workspace_narrows_even_where_every_workspace_is_asked_for(workspace, prototype, foreign):
    with every_workspace(), only_workspace(workspace.pk):
        assert list(Session.objects.all()) == [prototype]


def test_two_workspaces_with_the_same_content_each_hold_their_own_row(workspace, other_workspace):
    mine, theirs = SessionFactory(workspace=workspace), SessionFactory(workspace=other_workspace)
    add_file(mine, "a.py", after="shared\n")
    add_file(mine, "b.py", after="shared\n")  # stored once within the workspace
    add_file(theirs, "a.py", after="shared\n")
    blobs = Blob.objects.filter(text="shared\n")
    assert sorted(blobs.values_list("workspace_id", flat=True)) == sorted([workspace.pk, other_workspace.pk])


# --- a connection that says nothing sees nothing ------------------------------------------------------------

WALLED_TABLES = ["sessions_app_session", "sessions_app_message", "sessions_app_sessionfile", "sessions_app_blob"]


def bare_connection() -> psycopg.Connection:
    """A connection as the application's role, opened with none of the test settings' options: what a
    new view, a background task or a thread that lost its context would reach the database with."""
    database = connection.settings_dict
    return psycopg.connect(
        dbname=database["NAME"], user=database["USER"], host=database["HOST"], port=database["PORT"], autocommit=True
    )


def counts(cursor: psycopg.Cursor) -> list[int]:
    return [cursor.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in WALLED_TABLES]  # noqa: S608


@pytest.mark.django_db(transaction=True)  # committed rows, for another connection to (not) see
def test_a_connection_that_set_no_scope_reads_no_session_message_file_or_content(prototype, dev, foreign):
    with bare_connection() as bare, bare.cursor() as cursor:
        assert counts(cursor) == [0, 0, 0, 0]
        cursor.execute("SELECT set_config('alloy.all_workspaces', 'on', false)")  # asked for by name
        assert counts(cursor) == [3, 6, 7, 9]
        cursor.execute("SELECT set_config('alloy.workspace_id', %s, false)", [str(foreign.workspace_id)])
        assert counts(cursor) == [1, 1, 1, 2]  # a set workspace narrows whatever else is set


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_set_no_scope_writes_nothing(workspace):
    with bare_connection() as bare, bare.cursor() as cursor, pytest.raises(psycopg.errors.InsufficientPrivilege):
        cursor.execute(
            "INSERT INTO sessions_app_blob (workspace_id, digest, size, is_binary, text)"
            " VALUES (%s, 'x', 1, false, 'x')",
            [workspace.pk],
        )


@pytest.mark.django_db(transaction=True)
def test_a_search_under_one_workspace_that_forgets_the_session_reads_no_content_of_another(workspace, foreign):
    # foreign's files hold "a" before and "b" after; workspace has none. The queries below forget the
    # session filter, or name the other workspace's session outright: the wall itself refuses.
    with walled_reads(workspace_id=workspace.pk):
        assert not Blob.objects.filter(text__icontains="b").exists()
        assert not SessionFile.objects.filter(search._files_matching(foreign, ["b"])).exists()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT b.text FROM sessions_app_blobsearch s JOIN sessions_app_blob b ON b.id = s.blob_id"
                " WHERE s.workspace_id = %s",
                [foreign.workspace_id],
            )
            assert cursor.fetchall() == []
    with walled_reads(workspace_id=foreign.workspace_id):  # the same reads, for the workspace that has them
        assert SessionFile.objects.filter(search._files_matching(foreign, ["b"])).count() == 1


# --- walled_reads: each read sent with its wall, in a transaction of its own (the MCP tools' path) --------


@pytest.mark.django_db(transaction=True)  # walled reads run outside any transaction, as in a tool call
def test_each_walled_read_sees_only_its_workspace_and_nothing_leaks_after(workspace, prototype, foreign):
    with walled_reads(workspace_id=workspace.pk) as reads:
        assert list(Session.objects.all()) == [prototype]
        assert set(Message.objects.values_list("session_id", flat=True)) == {prototype.pk}
        assert not SessionFile.objects.filter(session=foreign).exists()
    assert (reads.condition_held, reads.checks) == (True, 3)
    assert Session.objects.count() == 2  # the wall ended with each read's own transaction


@pytest.mark.django_db(transaction=True)
def test_walled_reads_use_generic_plans_except_where_planned_for_their_values(workspace):
    def plan_mode() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('plan_cache_mode')")
            return cursor.fetchone()[0]

    with walled_reads(workspace_id=workspace.pk):
        assert plan_mode() == "force_generic_plan"
        with planned_for_their_values():
            assert plan_mode() == "auto"
        assert plan_mode() == "force_generic_plan"


@pytest.mark.django_db(transaction=True)
def test_when_the_condition_fails_the_wall_shuts_and_says_so(workspace, prototype):
    with walled_reads(workspace_id=workspace.pk, condition="%s = 1", condition_params=[2]) as reads:
        assert list(Session.objects.all()) == []  # even the workspace's own sessions
    assert reads.condition_held is False


@pytest.mark.django_db(transaction=True)
def test_every_read_the_orm_compiles_runs_behind_the_wall(workspace, prototype, dev, foreign):
    """A combined query compiles to `(SELECT …) UNION (SELECT …)` and a CTE to `WITH …`: both are reads."""
    with walled_reads(workspace_id=workspace.pk) as reads:
        combined = Session.objects.filter(kind="prototype").union(Session.objects.filter(kind="dev"))
        assert {session.pk for session in combined} == {prototype.pk, dev.pk}  # never the foreign one
        with connection.cursor() as cursor:
            cursor.execute("WITH mine AS (SELECT id FROM sessions_app_session) SELECT count(*) FROM mine")
            assert cursor.fetchone()[0] == 2
    assert reads.checks == 2


@pytest.mark.django_db(transaction=True)
def test_only_reads_run_behind_the_wall(workspace, prototype):
    with walled_reads(workspace_id=workspace.pk), pytest.raises(RuntimeError, match="Only single reads"):
        Session.objects.filter(pk=prototype.pk).update(title="changed")
    prototype.refresh_from_db()
    assert prototype.title == "Todo app"


def test_walled_reads_inside_a_transaction_are_walled_and_leave_no_setting_behind(workspace, prototype, foreign):
    """In a transaction (this test's) each read gets a savepoint that is rolled back: the wall holds for the
    read and is gone after it, so the rest of the transaction sees what it saw before."""
    with transaction.atomic():
        with walled_reads(workspace_id=workspace.pk) as reads:
            assert set(Session.objects.values_list("pk", flat=True)) == {prototype.pk}
            assert not Session.objects.filter(pk=foreign.pk).exists()
        assert reads.checks == 2
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('alloy.workspace_id', true), current_setting('plan_cache_mode')")
            assert cursor.fetchone() in (("", "auto"), (None, "auto"))
        assert Session.objects.filter(pk=foreign.pk).exists()  # the test's open wall again


def test_a_failed_walled_read_inside_a_transaction_leaves_the_transaction_usable(workspace, prototype):
    with transaction.atomic():
        with walled_reads(workspace_id=workspace.pk), pytest.raises(DataError):
            list(Session.objects.raw("SELECT * FROM sessions_app_session WHERE id = 'not a number'::int"))
        assert Session.objects.filter(pk=prototype.pk).exists()


def test_message_and_file_rows_carry_their_workspace_whoever_inserts_them(workspace, prototype, foreign):
    # The factories insert through the ORM without naming a workspace: the database fills it in.
    assert set(Message.objects.filter(session=prototype).values_list("workspace_id", flat=True)) == {workspace.pk}
    assert set(SessionFile.objects.filter(session=foreign).values_list("workspace_id", flat=True)) == {
        foreign.workspace_id
    }


def test_the_wall_compares_a_column_instead_of_looking_up_each_row_s_session(workspace, prototype):
    # Looking up sessions per row made a chat page cost 46 ms in a workspace of 50,000 sessions.
    with only_workspace(workspace.pk), connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT * FROM sessions_app_message WHERE session_id = %s", [prototype.pk])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "sessions_app_session" not in plan
    assert "SubPlan" not in plan


# Each read the selectors offer, with arguments that find something in `workspace`.
SELECTOR_CALLS = {
    "session_get": lambda prototype, dev: {"ref": dev.public_id},
    "session_list": lambda prototype, dev: {"query": "rate"},
    "session_completions": lambda prototype, dev: {"typed": "Add"},
    "message_page": lambda prototype, dev: {"session_ref": prototype.public_id},
    "file_page": lambda prototype, dev: {"session_ref": prototype.public_id},
    "workspace_file_page": lambda prototype, dev: {},
    "file_path_completions": lambda prototype, dev: {"session_ref": prototype.public_id, "typed": "src"},
    "file_get": lambda prototype, dev: {"session_ref": prototype.public_id, "path": "src/App.jsx"},
    "file_text": lambda prototype, dev: {"session_ref": prototype.public_id, "path": "src/App.jsx"},
    "diff_page": lambda prototype, dev: {"session_ref": dev.public_id},
    "sessions_by_id": lambda prototype, dev: {"public_ids": {prototype.public_id, dev.public_id}},
    "session_count": lambda prototype, dev: {"query": "a", "cap": 10},
    # Both sessions come before a page that starts in 2000: the page before it starts with one of them.
    "session_list_before": lambda prototype, dev: {
        "query": "a",
        "start": (datetime(2000, 1, 1, tzinfo=UTC), 0),
        "limit": 1,
    },
}


def test_every_selector_and_search_runs_behind_the_wall(workspace, prototype, dev, foreign):
    """What the tools read, read as the tools do: nothing the selectors compile is refused by the wall."""
    reads_of_a_workspace = {
        name
        for name in selectors.__all__
        if inspect.isfunction(function := getattr(selectors, name))
        and "workspace" in inspect.signature(function).parameters
    }
    assert set(SELECTOR_CALLS) == reads_of_a_workspace
    calls = [(getattr(selectors, name), arguments(prototype, dev)) for name, arguments in SELECTOR_CALLS.items()]
    calls.append((search.session_search, {"session_ref": dev.public_id, "query": "check"}))
    for function, arguments in calls:
        with walled_reads(workspace_id=workspace.pk) as reads:
            assert function(workspace=workspace, **arguments), function.__name__
        assert reads.checks > 0, function.__name__
