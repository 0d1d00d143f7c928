"""The Django admin for sessions: lists, search, filters, read-only chat and files."""

import pytest
from django.urls import reverse

from sessions_app.models import Blob, Message, Session
from sessions_app.tenancy import every_workspace
from tests.factories import MessageFactory, SessionFactory, add_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(workspace, owner):
    session = SessionFactory(workspace=workspace, created_by=owner, kind=Session.Kind.DEV, title="Rate limits")
    MessageFactory(session=session, index=0, content="Please add rate limits")
    add_file(session, "api/limits.py", after="LIMIT = 10\n")
    return session


def test_changelist_search_and_filters(staff_client, session, other_workspace):
    SessionFactory(workspace=other_workspace, title="Unrelated")
    url = reverse("admin:sessions_app_session_changelist")
    assert "Rate limits" in staff_client.get(url).content.decode()
    found = staff_client.get(url, {"q": "rate"}).content.decode()
    assert "Rate limits" in found
    assert "Unrelated" not in found
    filtered = staff_client.get(url, {"kind__exact": "prototype"}).content.decode()
    assert "Unrelated" in filtered
    assert "Rate limits" not in filtered


def test_change_page_shows_chat_and_files_read_only(staff_client, session):
    page = staff_client.get(reverse("admin:sessions_app_session_change", args=[session.pk])).content.decode()
    assert "Please add rate limits" in page
    assert "api/limits.py" in page
    assert 'name="messages-0-content"' not in page  # shown, not editable
    assert session.link() in page


def test_change_page_of_a_huge_chat_shows_the_first_rows(staff_client, workspace):
    big = SessionFactory(workspace=workspace)
    Message.objects.bulk_create(Message(session=big, index=i, role="user", content=f"line {i}") for i in range(2000))
    page = staff_client.get(reverse("admin:sessions_app_session_change", args=[big.pk])).content.decode()
    assert "line 99<" in page
    assert "line 100<" not in page


def test_sessions_cannot_be_added_by_hand(staff_client):
    assert staff_client.get(reverse("admin:sessions_app_session_add")).status_code == 403


def test_non_staff_cannot_open_the_admin(client, owner):
    client.force_login(owner)
    response = client.get(reverse("admin:sessions_app_session_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_admin_sees_every_workspace_through_a_closed_wall(staff_client, session, foreign, closed_wall):
    page = staff_client.get(reverse("admin:sessions_app_session_changelist")).content.decode()
    assert "Rate limits" in page
    assert "Secret" in page
    change = staff_client.get(reverse("admin:sessions_app_session_change", args=[foreign.pk])).content.decode()
    assert "their secret" in change
    assert not Session.objects.exists()  # outside the admin's requests, the test's transaction sees nothing


def test_a_member_who_is_not_staff_gets_no_wide_view_of_the_wall(client, owner, session, closed_wall):
    client.force_login(owner)
    assert client.get(reverse("admin:sessions_app_session_changelist")).status_code == 302
    assert not Session.objects.exists()


def test_deleting_a_session_in_the_admin_drops_its_contents_and_nothing_of_another_workspace(
    staff_client, session, foreign, closed_wall
):
    url = reverse("admin:sessions_app_session_delete", args=[session.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    with every_workspace():
        assert list(Session.objects.all()) == [foreign]
        assert set(Blob.objects.values_list("workspace_id", flat=True)) == {foreign.workspace_id}


def test_deleting_a_workspace_in_the_admin_takes_its_sessions_and_contents(staff_client, session, foreign):
    url = reverse("admin:workspaces_workspace_delete", args=[session.workspace_id])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert list(Session.objects.all()) == [foreign]
    assert set(Blob.objects.values_list("workspace_id", flat=True)) == {foreign.workspace_id}
