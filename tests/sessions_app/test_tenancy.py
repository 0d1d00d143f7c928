"""The database wall: with the workspace set, another workspace's rows do not exist, even unfiltered."""

import pytest
from django.db import connection, transaction

from sessions_app.models import Message, Session, SessionFile
from sessions_app.tenancy import restrict_to_workspace, walled_reads

pytestmark = pytest.mark.django_db


def test_tests_do_not_run_as_a_superuser():
    # Superusers bypass row-level security; these tests would prove nothing as one.
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)


def test_an_unfiltered_query_sees_only_the_workspace_it_is_restricted_to(workspace, prototype, foreign):
    with transaction.atomic():
        restrict_to_workspace(workspace.pk)
        assert list(Session.objects.all()) == [prototype]
        assert not Session.objects.filter(pk=foreign.pk).exists()
        assert set(Message.objects.values_list("session_id", flat=True)) == {prototype.pk}
        assert set(SessionFile.objects.values_list("session_id", flat=True)) == {prototype.pk}


@pytest.mark.django_db(transaction=True)  # real transactions, not savepoints inside the test's own
def test_the_restriction_ends_with_its_transaction(workspace, prototype, foreign):
    with transaction.atomic():
        restrict_to_workspace(workspace.pk)
    assert Session.objects.count() == 2


def test_without_a_restriction_everything_is_visible(prototype, foreign):
    # The admin, imports and commands set nothing.
    assert Session.objects.count() == 2
    assert Message.objects.count() == 6


def test_restricting_outside_a_transaction_is_refused(workspace, transactional_db):
    with pytest.raises(RuntimeError, match="needs a transaction"):
        restrict_to_workspace(workspace.pk)


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
def test_when_the_condition_fails_the_wall_shuts_and_says_so(workspace, prototype):
    with walled_reads(workspace_id=workspace.pk, condition="%s = 1", condition_params=[2]) as reads:
        assert list(Session.objects.all()) == []  # even the workspace's own sessions
    assert reads.condition_held is False


@pytest.mark.django_db(transaction=True)
def test_only_reads_run_behind_the_wall(workspace, prototype):
    with walled_reads(workspace_id=workspace.pk), pytest.raises(RuntimeError, match="Only single reads"):
        Session.objects.filter(pk=prototype.pk).update(title="changed")
    prototype.refresh_from_db()
    assert prototype.title == "Todo app"


def test_walled_reads_inside_a_transaction_are_refused(workspace):
    with transaction.atomic(), pytest.raises(RuntimeError, match="outside atomic blocks"):
        walled_reads(workspace_id=workspace.pk).__enter__()


def test_message_and_file_rows_carry_their_workspace_whoever_inserts_them(workspace, prototype, foreign):
    # The factories insert through the ORM without naming a workspace: the database fills it in.
    assert set(Message.objects.filter(session=prototype).values_list("workspace_id", flat=True)) == {workspace.pk}
    assert set(SessionFile.objects.filter(session=foreign).values_list("workspace_id", flat=True)) == {
        foreign.workspace_id
    }


def test_the_wall_compares_a_column_instead_of_looking_up_each_row_s_session(workspace, prototype):
    # Looking up sessions per row made a chat page cost 46 ms in a workspace of 50,000 sessions.
    with transaction.atomic():
        restrict_to_workspace(workspace.pk)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN SELECT * FROM sessions_app_message WHERE session_id = %s", [prototype.pk])
            plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "sessions_app_session" not in plan
    assert "SubPlan" not in plan
