"""The database wall: with the workspace set, another workspace's rows do not exist, even unfiltered."""

import pytest
from django.db import connection, transaction

from sessions_app.models import Message, Session, SessionFile
from sessions_app.tenancy import restrict_to_workspace

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
