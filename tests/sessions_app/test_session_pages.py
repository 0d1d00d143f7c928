"""Session pages at the link URLs: members only, chat beside files, paged; numbered files and real diffs."""

import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app import views
from sessions_app.models import Message, SessionFile
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
    # A removed line, numbered on the old side, highlighted as Python; the added one on the new side.
    assert '<tr class="removed"><td class="num">2</td><td class="num"></td>' in page
    assert '<span class="k">pass</span>' in page
    assert '<tr class="added"><td class="num"></td><td class="num">2</td>' in page
    assert f'value="{dev.link()}"' in page


def test_user_and_assistant_messages_look_different_and_render_markdown(member, prototype):
    Message.objects.filter(session=prototype, index=1).update(content="Use `useState` and **never** `eval`:\n\n- one")
    page = signed_in(member).get(path_of(prototype)).content.decode()
    assert '<li class="message user" id="m0"' in page
    assert '<li class="message assistant" id="m1"' in page
    assert "<code>useState</code>" in page
    assert "<strong>never</strong>" in page
    assert "<li>one</li>" in page


def test_a_long_message_is_marked_for_collapsing_and_a_short_one_is_not(member, prototype):
    Message.objects.filter(session=prototype, index=1).update(content="word " * 400)
    page = signed_in(member).get(path_of(prototype)).content.decode()
    assert page.count("data-collapsible") == 1


def test_a_file_has_numbered_linkable_highlighted_lines(member, prototype):
    page = signed_in(member).get(path_of(prototype), {"file": "src/main.jsx"}).content.decode()
    assert '<tr id="L2"><td class="num"><a href="#L2" aria-label="Line 2">2</a></td>' in page
    assert '<span class="k">import</span>' in page
    assert "2 lines." in page


def test_a_long_file_is_paged_by_lines_and_a_stale_page_starts_again(member, workspace, monkeypatch):
    monkeypatch.setattr(views, "FILE_LINES_PER_PAGE", 10)
    session = SessionFactory(workspace=workspace)
    add_file(session, "long.txt", after="".join(f"line {n}\n" for n in range(1, 26)))
    client = signed_in(member)
    first = client.get(path_of(session), {"file": "long.txt"}).content.decode()
    assert 'id="L10"' in first
    assert 'id="L11"' not in first
    assert "lines_from=11" in first
    second = client.get(path_of(session), {"file": "long.txt", "lines_from": 21}).content.decode()
    assert 'id="L25"' in second
    assert 'id="L20"' not in second
    assert "lines_from=11" in second
    stale = client.get(path_of(session), {"file": "long.txt", "lines_from": 900}).content.decode()
    assert 'id="L1"' in stale


def test_a_dev_file_can_be_read_before_and_after(member, dev):
    client = signed_in(member)
    after = client.get(path_of(dev), {"file": "api/views.py"}).content.decode()
    assert "check" in after
    assert 'aria-current="true">After' in after
    before = client.get(path_of(dev), {"file": "api/views.py", "version": "before"}).content.decode()
    assert "pass" in before
    assert "check" not in before
    assert "(before the session)" in before


def test_the_files_pane_alone_is_served_for_opening_in_place(member, prototype):
    Message.objects.filter(session=prototype, index=0).update(content="a chat line")
    pane = signed_in(member).get(path_of(prototype), {"file": "src/main.jsx", "pane": "files"}).content.decode()
    assert 'id="L1"' in pane
    assert "<html" not in pane
    assert "a chat line" not in pane
    assert "pane=" not in pane  # links inside it are the page's own addresses


def test_the_files_pane_alone_does_not_read_the_chat(member, prototype):
    client = signed_in(member)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path_of(prototype), {"file": "src/main.jsx", "pane": "files"}).status_code == 200
    assert not [query["sql"] for query in queries.captured_queries if "sessions_app_message" in query["sql"]]


def test_opening_a_file_keeps_the_chat_page(member, workspace):
    session = SessionFactory(workspace=workspace)
    add_file(session, "a.txt", after="a\n")
    page = signed_in(member).get(path_of(session), {"from": 50}).content.decode()
    assert '?from=50&amp;file=a.txt"' in page


def test_the_diff_view_follows_the_persons_choice(member, owner, dev):
    client = signed_in(member)
    response = client.post("/account/diff-view/", {"diff_view": "split", "next": path_of(dev) + "?w=1"})
    assert response.status_code == 302
    assert response["Location"] == path_of(dev) + "?w=1"
    assert 'class="code diff-table split"' in client.get(path_of(dev)).content.decode()
    assert 'class="code diff-table unified"' in signed_in(owner).get(path_of(dev)).content.decode()  # per person
    client.post("/account/diff-view/", {"diff_view": "unified"})
    assert 'class="code diff-table unified"' in client.get(path_of(dev)).content.decode()


def test_split_rows_put_a_removal_beside_its_replacement(member, dev):
    client = signed_in(member)
    client.post("/account/diff-view/", {"diff_view": "split"})
    page = client.get(path_of(dev), {"diffs_from": "api/views.py"}).content.decode()
    assert re.search(r'<td class="num removed">2</td>.*?\n.*?<td class="num added">2</td>', page)


@pytest.mark.parametrize("value", ["", "sideways", "SPLIT"])
def test_a_diff_view_that_is_not_offered_is_refused(member, value):
    response = signed_in(member).post("/account/diff-view/", {"diff_view": value})
    assert response.status_code == 400
    assert "unified, split" in response.content.decode()
    member.refresh_from_db()
    assert member.diff_view == "unified"


def test_the_diff_view_choice_goes_back_only_to_this_site(member):
    response = signed_in(member).post("/account/diff-view/", {"diff_view": "split", "next": "https://evil.test/x"})
    assert response["Location"] == "/"


def test_the_diff_view_choice_needs_a_signed_in_post(member, client):
    assert client.post("/account/diff-view/", {"diff_view": "split"}).status_code == 302  # to sign-in
    assert signed_in(member).get("/account/diff-view/").status_code == 405
    assert signed_in(member, csrf=True).post("/account/diff-view/", {"diff_view": "split"}).status_code == 403


def test_whitespace_changes_can_be_hidden(member, workspace):
    session = SessionFactory(workspace=workspace, kind="dev")
    add_file(session, "a.py", before="if x:\n  y()\n", after="if x:\n    y()\n")
    client = signed_in(member)
    assert '<tr class="added">' in client.get(path_of(session)).content.decode()
    hidden = client.get(path_of(session), {"w": "1"}).content.decode()
    assert '<tr class="added">' not in hidden
    assert "Only whitespace changed in this file." in hidden
    assert "Show whitespace changes" in hidden


def test_the_file_tree_of_a_dev_session_jumps_to_each_diff(member, workspace, monkeypatch):
    monkeypatch.setattr(views, "DIFFS_PER_PAGE", 1)
    session = SessionFactory(workspace=workspace, kind="dev")
    add_file(session, "a.py", before="a\n", after="b\n")
    add_file(session, "b.py", before="a\n", after="b\n")
    page = signed_in(member).get(path_of(session)).content.decode()
    a, b = views.diff_anchor("a.py"), views.diff_anchor("b.py")
    assert f'href="#{a}" title="a.py">a.py</a>' in page
    assert f'id="{a}"' in page
    assert f'href="?diffs_from=b.py#{b}" data-pane title="b.py">b.py</a>' in page
    assert f'id="{b}"' not in page


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
    # One of them gives the test's transaction back its scope after the page's wall (tests/settings.py).
    # Four name the signed-in person in the test's transaction (a savepoint, the setting, the setting given back,
    # the release; a page served for real names them with one statement: alloy.middleware.person_behind_the_wall).
    with django_assert_max_num_queries(18):
        assert client.get(path_of(session)).status_code == 200


def test_files_show_as_a_tree(member, prototype):
    page = signed_in(member).get(path_of(prototype)).content.decode()
    assert '<summary class="folder">src/</summary>' in page
    assert 'title="src/App.jsx">App.jsx</a>' in page
    assert 'title="package.json">package.json</a>' in page
    assert "Choose a file from the tree" in page


def test_the_page_reads_behind_the_database_wall(member, workspace, prototype):
    with CaptureQueriesContext(connection) as queries:
        signed_in(member).get(path_of(prototype))
    walls = [query["sql"] for query in queries.captured_queries if "set_config('alloy.workspace_id'" in query["sql"]]
    assert walls == [
        f"SELECT current_setting('alloy.workspace_id', true), set_config('alloy.workspace_id', '{workspace.pk}', true)",
        # The scope the test's own transaction had (none), given back as the page's block ends.
        "SELECT set_config('alloy.workspace_id', '', true)",
    ]


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


def test_a_page_lays_out_diffs_up_to_its_budget_and_offers_the_rest_alone(member, workspace, monkeypatch):
    monkeypatch.setattr(views, "DIFF_ROWS_PER_PAGE", 20)
    session = SessionFactory(workspace=workspace, kind="dev")
    big = "".join(f"{n}\n" for n in range(30))
    add_file(session, "a.txt", before=None, after=big)  # over the budget, but first: laid out
    add_file(session, "b.txt", before=None, after=big)  # no room left: offered alone
    add_file(session, "c.txt", before="x\n", after="y\n")
    page = signed_in(member).get(path_of(session)).content.decode()
    assert '<td class="num">30</td>' in page  # a.txt's last line
    b = views.diff_anchor("b.txt")
    assert f'<a href="?diffs_from=b.txt#{b}" data-pane>Show this diff</a>' in page
    assert page.count('class="code diff-table unified"') == 1  # c.txt neither: the budget went on a.txt
    alone = signed_in(member).get(path_of(session), {"diffs_from": "b.txt"}).content.decode()
    shown = alone.split(f'id="{b}"')[1].split("</details>")[0]
    assert 'class="code diff-table unified"' in shown


def test_script_in_a_chat_message_never_reaches_the_page_as_markup(member, prototype):
    Message.objects.filter(session=prototype, index=0).update(
        content='<script>alert("x")</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)> **ok**'
    )
    page = signed_in(member).get(path_of(prototype)).content.decode()
    message = page.split('id="m0"')[1].split("</li>")[0]
    assert "<script" not in message
    assert "<img" not in message
    assert 'href="javascript' not in message
    assert "&lt;script&gt;" in message
    assert "<strong>ok</strong>" in message


@pytest.mark.parametrize(
    "back", ["home", "\u2572\u038b\u0263", "javascript:alert(1)", "//evil.test/x", "https://evil.test/"]
)
def test_a_return_address_that_is_not_a_path_here_goes_home(member, back):
    # "home" and other bare words were a 500: `redirect` took them for view names (found by the probes).
    response = signed_in(member).post("/account/diff-view/", {"diff_view": "split", "next": back})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("depth", [150, 500])  # 500 folders: as deep as a path of at most 1,024 characters goes
def test_a_file_as_deep_as_a_path_may_be_shows_on_the_page_in_its_pane_and_opened(member, workspace, depth):
    session = SessionFactory(workspace=workspace)
    path = "d/" * depth + "deep.txt"
    add_file(session, path, after="at the bottom\n")
    client = signed_in(member)
    for params in ({}, {"pane": "files"}, {"file": path}):
        response = client.get(path_of(session), params)
        assert response.status_code == 200
        # Folders holding only the next folder are one step of the tree (sessions_app/views.py: file_tree).
        assert f'<summary class="folder">{"d/" * depth}</summary>' in response.content.decode()
    assert "at the bottom" in response.content.decode()


def test_a_session_link_with_a_trailing_slash_opens_the_session(member, prototype, dev):
    """The tools accept these links; the pages answered 404."""
    client = signed_in(member)
    for session in (prototype, dev):
        path = urlsplit(session.link()).path
        redirected = client.get(f"{path}/", {"file": "src/App.jsx"})
        assert redirected.status_code == 302
        assert redirected["Location"] == f"{path}?file=src%2FApp.jsx"
        assert client.get(redirected["Location"]).status_code == 200


def test_a_renamed_file_says_where_it_came_from_and_shows_only_its_edits(member, dev):
    text = "".join(f"line {n}\n" for n in range(30))
    moved = add_file(dev, "api/handlers.py", before=text, after=text.replace("line 12\n", "line twelve\n"))
    SessionFile.objects.filter(pk=moved.pk).update(status="renamed", renamed_from="api/old_handlers.py", similarity=96)
    still = add_file(dev, "api/same.py", before=text, after=text)
    SessionFile.objects.filter(pk=still.pk).update(status="renamed", renamed_from="api/was.py", similarity=100)
    page = signed_in(member).get(path_of(dev) + "?pane=files&wide=1").content.decode()
    assert "from <code>api/old_handlers.py</code>, 96% similar" in page
    assert "twelve" in page
    assert "Moved without a change to its text." in page


def test_the_files_pane_alone_is_the_pane_even_on_the_wide_page(owner, dev):
    # The page's script asks for the pane alone to swap it in place; on the wide page it once got the whole
    # page back, and drew a page inside the pane.
    path = dev.link().replace("https://mcp.alloy.test", "")
    pane = signed_in(owner).get(f"{path}?wide=1&pane=files&layout=unified").content.decode()
    assert "<html" not in pane
    assert 'class="review' not in pane
