"""Session pages at the link URLs: members only, chat and files paged, highlighted files and diffs."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app.models import Message
from tests.factories import SessionFactory, add_file, signed_in

pytestmark = pytest.mark.django_db


def path_of(session) -> str:
    return urlsplit(session.link()).path


def test_a_dev_session_page_shows_chat_files_and_highlighted_diffs(member, dev):
    Message.objects.create(session=dev, index=0, role="user", author="Max", content="Add <b>limits</b> please")
    page = signed_in(member).get(path_of(dev)).content.decode()
    assert "Add rate limits" in page
    assert "Add &lt;b&gt;limits&lt;/b&gt; please" in page  # escaped, never rendered as HTML
    assert "api/views.py" in page
    assert '<span class="gd">-    pass</span>' in page  # Pygments' diff deletion
    assert f'value="{dev.link()}"' in page


def test_a_file_is_highlighted(member, prototype):
    page = signed_in(member).get(path_of(prototype), {"file": "src/main.jsx"}).content.decode()
    assert 'class="highlight"' in page
    assert "render" in page


def test_a_missing_file_says_so(member, prototype):
    page = signed_in(member).get(path_of(prototype), {"file": "nope.js"}).content.decode()
    assert "No file at nope.js" in page


def test_outsiders_and_missing_sessions_get_404(outsider, prototype, member):
    assert signed_in(outsider).get(path_of(prototype)).status_code == 404
    assert signed_in(member).get("/acme/p/doesNotExist123/edit").status_code == 404
    assert signed_in(member).get("/acme/p/short/edit").status_code == 404


def test_the_wrong_kind_of_link_redirects_to_the_right_one(member, dev):
    response = signed_in(member).get(f"/acme/p/{dev.public_id}/edit")
    assert response.status_code == 302
    assert response["Location"] == dev.link()


def test_long_chats_page(member, workspace):
    session = SessionFactory(workspace=workspace)
    Message.objects.bulk_create(Message(session=session, index=i, role="user", content=f"note {i}") for i in range(120))
    first = signed_in(member).get(path_of(session)).content.decode()
    assert "note 49" in first
    assert "note 50" not in first
    assert "?from=50" in first
    later = signed_in(member).get(path_of(session), {"from": 100}).content.decode()
    assert "note 119" in later
    assert "note 99<" not in later


def test_a_session_page_costs_a_constant_number_of_queries(member, workspace, django_assert_max_num_queries):
    session = SessionFactory(workspace=workspace, kind="dev")
    for n in range(60):
        add_file(session, f"f{n:03}.py", before=f"x = {n}\n", after=f"x = {n + 1}\n")
    client = signed_in(member)
    with django_assert_max_num_queries(13):
        assert client.get(path_of(session)).status_code == 200


def test_files_show_as_a_tree(member, prototype):
    page = signed_in(member).get(path_of(prototype)).content.decode()
    assert "<summary>src/</summary>" in page
    assert 'title="src/App.jsx">App.jsx</a>' in page
    assert 'title="package.json">package.json</a>' in page


def test_the_page_reads_behind_the_database_wall(member, workspace, prototype):
    with CaptureQueriesContext(connection) as queries:
        signed_in(member).get(path_of(prototype))
    walls = [query["sql"] for query in queries.captured_queries if "set_config" in query["sql"]]
    assert walls == [f"SELECT set_config('alloy.workspace_id', '{workspace.pk}', true)"]


@pytest.mark.parametrize("value", ["²", "١٢", "-3", "1e3", "99999999999999999999999"])
def test_a_page_number_that_is_not_plain_digits_starts_at_the_beginning(member, prototype, value):
    # "²".isdigit() is True and int("²") fails: this used to be a 500.
    response = signed_in(member).get(path_of(prototype), {"from": value})
    assert response.status_code == 200


@pytest.mark.parametrize("parameter", ["file", "files_from", "diffs_from", "from"])
def test_a_nul_in_the_query_string_is_a_clear_400(member, dev, parameter):
    response = signed_in(member).get(path_of(dev), {parameter: "api/\x00views.py"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
