"""The Django admin for sessions: lists, search, filters, read-only chat and files."""

import pytest
from django.urls import reverse

from sessions_app.models import Message, Session
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
