"""The home page: one workspace's sessions at a time, searched by title, filtered, paged."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app import views
from tests.factories import MembershipFactory, SessionFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def test_home_lists_the_workspaces_sessions_newest_first_and_none_of_another(member, workspace, foreign):
    now = timezone.now()
    SessionFactory(workspace=workspace, title="Older one", updated_at=now - timedelta(days=2))
    SessionFactory(workspace=workspace, title="Newer one", updated_at=now - timedelta(hours=3))
    page = signed_in(member).get("/").content.decode()
    assert "Sessions in Acme" in page
    assert page.index("Newer one") < page.index("Older one")
    assert "updated <time" in page
    assert ">3\xa0hours ago</time>" in page
    assert foreign.title not in page


def test_a_workspace_the_person_is_not_in_cannot_be_chosen(member, prototype, foreign):
    page = signed_in(member).get("/", {"workspace": "globex"}).content.decode()
    assert foreign.title not in page
    assert prototype.title in page  # their own workspace instead
    assert "Workspace: Select a valid choice" in page


def test_a_person_in_two_workspaces_switches_between_them(member, prototype, other_workspace, foreign):
    MembershipFactory(user=member, workspace=other_workspace)
    client = signed_in(member)
    assert '<select id="id_workspace" name="workspace">' in client.get("/").content.decode()
    page = client.get("/", {"workspace": "globex"}).content.decode()
    assert foreign.title in page
    assert prototype.title not in page


def test_search_by_title_and_filter_by_kind_and_status(member, workspace):
    SessionFactory(workspace=workspace, title="Checkout flow", kind="dev", status="active")
    SessionFactory(workspace=workspace, title="Checkout page", kind="prototype", status="completed")
    SessionFactory(workspace=workspace, title="Landing page", kind="prototype", status="active")
    client = signed_in(member)

    def titles(**filters) -> set[str]:
        page = client.get("/", filters).content.decode()
        return {title for title in ("Checkout flow", "Checkout page", "Landing page") if f">{title}</a>" in page}

    assert titles(q="checkout") == {"Checkout flow", "Checkout page"}
    assert titles(q="checkout", kind="prototype") == {"Checkout page"}
    assert titles(status="active") == {"Checkout flow", "Landing page"}
    assert titles(q="nothing like it") == set()


def test_no_match_says_so_and_offers_to_clear(member, prototype):
    page = signed_in(member).get("/", {"q": "zzz"}).content.decode()
    assert "No sessions in Acme match these filters." in page
    assert '<a href="?workspace=acme">Show all sessions</a>' in page


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"kind": "movie"}, "Kind: Select a valid choice. movie is not one of the available choices."),
        ({"status": "x"}, "Status: Select a valid choice."),
        ({"q": "x" * 201}, "Search titles: Ensure this value has at most 200 characters"),
        ({"after": "yesterday_3"}, "This page link is not one Alloy made"),
        ({"after": "2026-01-01T00:00:00_x"}, "This page link is not one Alloy made"),
        ({"after": "2026-01-01T00:00:00_3"}, "This page link is not one Alloy made"),  # no time zone
    ],
)
def test_a_filter_that_is_not_offered_says_what_was_wrong(member, prototype, filters, message):
    response = signed_in(member).get("/", filters)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert prototype.title in page  # the unfiltered list, not an empty page


def test_sessions_are_paged(member, workspace, monkeypatch):
    monkeypatch.setattr(views, "SESSIONS_PER_PAGE", 2)
    now = timezone.now()
    for n in range(5):
        SessionFactory(workspace=workspace, title=f"Session number {n}", updated_at=now - timedelta(minutes=n))
    client = signed_in(member)
    seen, query = [], ""
    for _ in range(3):
        page = client.get("/" + query).content.decode()
        seen += [n for n in range(5) if f">Session number {n}</a>" in page]
        following = re.search(r'<a href="(\?[^"]*)" rel="next">Next page</a>', page)
        query = following[1].replace("&amp;", "&") if following else ""
    assert seen == [0, 1, 2, 3, 4]
    assert not query  # the last page has no next
    # And back: the last page's previous is the second, whose previous is the first.
    assert "5 sessions · page 3" in page
    back = []
    for _ in range(2):
        previous = re.search(r'<a href="(\?[^"]*)" rel="prev">Previous page</a>', page)
        page = client.get("/" + previous[1].replace("&amp;", "&")).content.decode()
        back.append([n for n in range(5) if f">Session number {n}</a>" in page])
    assert back == [[2, 3], [0, 1]]
    assert "Previous page" not in page
    assert "5 sessions · page 1" in page


def test_a_title_search_pages_back_too(member, workspace, monkeypatch):
    monkeypatch.setattr(views, "SESSIONS_PER_PAGE", 2)
    now = timezone.now()
    for n in range(5):
        SessionFactory(workspace=workspace, title=f"Checkout {n}", updated_at=now - timedelta(minutes=n))
        SessionFactory(workspace=workspace, title=f"Other {n}", updated_at=now - timedelta(minutes=n, seconds=30))
    client = signed_in(member)
    page = client.get("/", {"q": "checkout"}).content.decode()
    assert "5 sessions match" in page
    for _ in range(2):
        following = re.search(r'<a href="(\?[^"]*)" rel="next">Next page</a>', page)
        page = client.get("/" + following[1].replace("&amp;", "&")).content.decode()
    assert [n for n in range(5) if f">Checkout {n}</a>" in page] == [4]
    previous = re.search(r'<a href="(\?[^"]*)" rel="prev">Previous page</a>', page)
    page = client.get("/" + previous[1].replace("&amp;", "&")).content.decode()
    assert [n for n in range(5) if f">Checkout {n}</a>" in page] == [2, 3]
    assert "Other" not in page


def test_each_session_shows_its_creator_and_its_whole_title_on_hover(member, workspace, owner):
    title = "A session whose title runs on " + "and on " * 20
    SessionFactory(workspace=workspace, created_by=owner, title=title)
    page = signed_in(member).get("/").content.decode()
    assert f'title="{title}">{title}</a>' in page
    assert "by Olive Owner ·" in page
    assert '<p class="muted result-count" role="status">1 session</p>' in page


def test_a_count_past_a_thousand_says_more_than(member, workspace, monkeypatch):
    monkeypatch.setattr(views, "COUNTED_SESSIONS", 3)
    for _ in range(5):
        SessionFactory(workspace=workspace)
    assert "More than 3 sessions" in signed_in(member).get("/").content.decode()


def test_the_page_costs_a_constant_number_of_queries(member, workspace, django_assert_max_num_queries):
    for _ in range(30):
        SessionFactory(workspace=workspace)
    client = signed_in(member)
    # One of them gives the test's transaction back its scope after the page's wall (a page served for
    # real owns its transaction, which ends with the wall).
    # The count of matches is one more; a later page's way back one more again.
    # Four name the signed-in person in the test's transaction (a savepoint, the setting, the setting given back,
    # the release; a page served for real names them with one statement: alloy.middleware.person_behind_the_wall).
    with django_assert_max_num_queries(15):
        page = client.get("/", {"q": "Session"}).content.decode()
        assert page.count('<a class="title"') == 20
    following = re.search(r'<a href="(\?[^"]*)" rel="next">Next page</a>', page)[1].replace("&amp;", "&")
    with django_assert_max_num_queries(17):
        assert client.get("/" + following).content.decode().count('<a class="title"') == 10


def test_someone_in_no_workspace_is_told_what_to_do(db):
    page = signed_in(UserFactory(email="new@acme.test")).get("/").content.decode()
    assert "You are not in any workspace yet" in page
    assert "new@acme.test" in page


def test_an_empty_workspace_says_how_sessions_arrive(member):
    page = signed_in(member).get("/").content.decode()
    assert "No sessions in Acme yet." in page
    assert "/acme/settings/mcp/" in page


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
