"""Selectors: results, pages, errors, tenancy, and constant query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app import selectors
from sessions_app.diff_cache import diffs_in_memory
from sessions_app.errors import FileNotFound, InvalidArgument, InvalidSessionLink, NotADevSession, SessionNotFound
from sessions_app.models import Message, Session
from tests.factories import MessageFactory, SessionFactory, add_file
from tests.factories import pasted_link as link

pytestmark = pytest.mark.django_db


# --- session_get --------------------------------------------------------------------------------


def test_session_get_by_id_and_by_link(workspace, prototype, dev):
    assert selectors.session_get(workspace=workspace, ref=prototype.public_id) == prototype
    found = selectors.session_get(workspace=workspace, ref=link(dev))
    assert found == dev
    assert (found.message_count, found.file_count) == (0, 3)
    assert found.created_by.email == "owner@acme.test"


def test_session_get_counts(workspace, prototype):
    found = selectors.session_get(workspace=workspace, ref=prototype.public_id)
    assert (found.message_count, found.file_count) == (5, 3)


def test_another_workspaces_session_is_not_found_exactly_like_a_missing_one(workspace, foreign):
    missing_id = "doesNotExist123"
    not_here = f"No session with id {foreign.public_id} in workspace acme."
    # A link naming another workspace says so (the link and the credential tell the caller both names).
    linked_elsewhere = (
        f"No session with id {foreign.public_id} in workspace acme: the link is to workspace globex, and this "
        "connection reads acme only. To read it, connect Alloy to globex (or use an MCP key of globex)."
    )
    for ref, missing_ref, told in [
        (foreign.public_id, missing_id, not_here),
        (link(foreign), f"https://alloy.app/globex/p/dev/{missing_id}", linked_elsewhere),
        (link(foreign, slug="acme"), f"https://alloy.app/acme/p/dev/{missing_id}", not_here),
    ]:
        with pytest.raises(SessionNotFound) as theirs:
            selectors.session_get(workspace=workspace, ref=ref)
        with pytest.raises(SessionNotFound) as nobodys:
            selectors.session_get(workspace=workspace, ref=missing_ref)
        assert str(theirs.value) == str(nobodys.value).replace(missing_id, foreign.public_id)
        assert str(theirs.value) == told


def test_session_get_rejects_junk(workspace):
    with pytest.raises(InvalidSessionLink):
        selectors.session_get(workspace=workspace, ref="please summarise my session")


def test_session_get_is_one_query(workspace, prototype, django_assert_num_queries):
    with django_assert_num_queries(1):
        session = selectors.session_get(workspace=workspace, ref=prototype.public_id)
        assert session.workspace.slug == "acme"
        assert session.created_by.email


# --- session_list -------------------------------------------------------------------------------


def test_session_list_newest_first_with_keyset_pages(workspace, foreign):
    now = timezone.now()
    made = [SessionFactory(workspace=workspace, title=f"S{n}", updated_at=now - timedelta(minutes=n)) for n in range(7)]
    # Two sessions updated at the same instant still page without loss or repetition.
    made.append(SessionFactory(workspace=workspace, title="S0-twin", updated_at=made[0].updated_at))
    seen, start = [], None
    while True:
        page = selectors.session_list(workspace=workspace, start=start, limit=3)
        seen.extend(page.items)
        if page.following is None:
            break
        start = (page.following.updated_at, page.following.pk)
    assert len(seen) == 8
    assert set(seen) == set(made)
    assert [s.updated_at for s in seen] == sorted((s.updated_at for s in seen), reverse=True)
    assert foreign not in seen


def test_session_list_filters(workspace, prototype, dev):
    SessionFactory(workspace=workspace, title="Archived thing", status=Session.Status.ARCHIVED)
    assert selectors.session_list(workspace=workspace, kind="dev").items == [dev]
    assert [s.title for s in selectors.session_list(workspace=workspace, query="TODO").items] == ["Todo app"]
    assert [s.title for s in selectors.session_list(workspace=workspace, status="archived").items] == ["Archived thing"]


def test_session_list_search_does_not_cross_workspaces(workspace, foreign):
    assert selectors.session_list(workspace=workspace, query="Secret").items == []


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"kind": "feature"}, "kind must be one of: prototype, dev"),
        ({"status": "open"}, "status must be one of: active, completed, archived"),
        ({"limit": 0}, "limit must be a whole number from 1 to 100"),
        ({"limit": 101}, "limit must be a whole number from 1 to 100"),
        ({"query": "x" * 201}, "query must be at most 200 characters"),
    ],
)
def test_session_list_bad_arguments(workspace, arguments, says):
    with pytest.raises(InvalidArgument, match=says):
        selectors.session_list(workspace=workspace, **arguments)


def test_session_list_query_count_is_constant(workspace, django_assert_num_queries):
    SessionFactory.create_batch(30, workspace=workspace)
    with django_assert_num_queries(1):
        page = selectors.session_list(workspace=workspace, limit=25)
        [(s.workspace.slug, s.created_by, s.message_count) for s in page.items]


# --- chat ---------------------------------------------------------------------------------------


def test_chat_pages_oldest_to_newest(workspace, prototype):
    for index in range(5, 12):
        MessageFactory(session=prototype, index=index)
    indexes, start = [], 0
    while True:
        _, page = selectors.message_page(workspace=workspace, session_ref=link(prototype), start_index=start, limit=5)
        indexes += [m.index for m in page.items]
        if page.following is None:
            break
        start = page.following.index
    assert indexes == list(range(12))


def test_a_chat_page_past_the_end_is_empty_not_missing(workspace, prototype):
    # No message rows come back: the session is looked up on its own to tell "none left" from "no session".
    session, page = selectors.message_page(workspace=workspace, session_ref=prototype.public_id, start_index=99)
    prototype.refresh_from_db()
    assert (session.pk, session.public_id, session.title, session.message_count) == (
        prototype.pk,
        prototype.public_id,
        prototype.title,
        prototype.message_count,
    )
    assert (page.items, page.following) == ([], None)


def test_a_chat_pages_session_holds_only_what_the_page_read(workspace, prototype):
    # It used to be a Session built from five columns: its status and updated_at silently read as the model's
    # defaults ("active", now). What the page did not read is not there to be misread.
    session, _ = selectors.message_page(workspace=workspace, session_ref=prototype.public_id)
    assert session.status == "active"  # read with the page: a running session's last page says so
    assert not hasattr(session, "updated_at")
    assert session.link() == prototype.link()


def test_chat_of_another_workspace_is_not_found(workspace, foreign):
    with pytest.raises(SessionNotFound):
        selectors.message_page(workspace=workspace, session_ref=foreign.public_id)


@pytest.mark.parametrize("size", [10, 3000])
def test_chat_page_query_count_does_not_grow_with_the_chat(workspace, size, django_assert_max_num_queries):
    session = SessionFactory(workspace=workspace)
    Message.objects.bulk_create(Message(session=session, index=i, role="user", content=f"m{i}") for i in range(size))
    with django_assert_max_num_queries(2):
        _, page = selectors.message_page(
            workspace=workspace, session_ref=session.public_id, start_index=size - 7, limit=5
        )
    assert [m.index for m in page.items] == list(range(size - 7, size - 2))
    assert page.following.index == size - 2


# --- files --------------------------------------------------------------------------------------


def test_file_page_by_path_with_prefix_and_pages(workspace, prototype):
    _, page = selectors.file_page(workspace=workspace, session_ref=prototype.public_id, limit=2)
    assert [f.path for f in page.items] == ["package.json", "src/App.jsx"]
    assert page.following.path == "src/main.jsx"
    _, rest = selectors.file_page(workspace=workspace, session_ref=prototype.public_id, start_path=page.following.path)
    assert [f.path for f in rest.items] == ["src/main.jsx"]
    assert rest.following is None
    _, src = selectors.file_page(workspace=workspace, session_ref=prototype.public_id, path_prefix="./src/")
    assert [f.path for f in src.items] == ["src/App.jsx", "src/main.jsx"]


def test_file_page_reports_dev_status_and_counts(workspace, dev):
    _, page = selectors.file_page(workspace=workspace, session_ref=dev.public_id)
    rows = {f.path: (f.status, f.additions, f.deletions) for f in page.items}
    assert rows == {
        "api/limits.py": ("added", 1, 0),
        "api/views.py": ("modified", 1, 1),
        "old.txt": ("deleted", 0, 1),
    }


def test_files_of_another_workspace_are_not_found(workspace, foreign):
    with pytest.raises(SessionNotFound):
        selectors.file_page(workspace=workspace, session_ref=link(foreign))
    with pytest.raises(SessionNotFound):
        selectors.file_text(workspace=workspace, session_ref=foreign.public_id, path="secret.py")


@pytest.mark.parametrize("size", [5, 1500])
def test_file_page_query_count_does_not_grow_with_the_session(workspace, size, django_assert_max_num_queries):
    session = SessionFactory(workspace=workspace)
    for n in range(size):
        add_file(session, f"src/file{n:05}.ts", after=f"export const n = {n % 3}\n")
    with django_assert_max_num_queries(2):
        _, page = selectors.file_page(workspace=workspace, session_ref=session.public_id, limit=50)
        assert [f.current.size for f in page.items]
    assert len(page.items) == min(size, 50)


def test_file_text_windows(workspace, prototype):
    text = selectors.file_text(workspace=workspace, session_ref=prototype.public_id, path="src/main.jsx", start_line=2)
    assert (text.text, text.start_line, text.end_line, text.total_lines) == ("render(App)\n", 2, 2, 2)
    whole = selectors.file_text(workspace=workspace, session_ref=prototype.public_id, path="/src/main.jsx")
    assert whole.text == "import App from './App'\nrender(App)\n"


@pytest.mark.parametrize(
    ("arguments", "error", "says"),
    [
        ({"path": "src/app.jsx"}, FileNotFound, "No file at src/app.jsx in this session; did you mean src/App.jsx?"),
        ({"path": "lib/App.jsx"}, FileNotFound, "did you mean src/App.jsx"),
        ({"path": "nothing/like/it.rs"}, FileNotFound, "list the session's files"),
        ({"path": "src/main.jsx", "start_line": 3}, InvalidArgument, "has 2 lines; start_line must be at most 2"),
        ({"path": "src/main.jsx", "start_line": 0}, InvalidArgument, "start_line must be 1 or more"),
        ({"path": "src/main.jsx", "start_line": 2, "end_line": 1}, InvalidArgument, "end_line at least start_line"),
        ({"path": "src/main.jsx", "version": "before"}, InvalidArgument, "Prototype files have only their current"),
        ({"path": "src/main.jsx", "version": "latest"}, InvalidArgument, 'version must be "before" or "after"'),
    ],
)
def test_file_text_errors(workspace, prototype, arguments, error, says):
    with pytest.raises(error, match=says):
        selectors.file_text(workspace=workspace, session_ref=prototype.public_id, **arguments)


def test_dev_file_versions(workspace, dev):
    ref = dev.public_id
    assert selectors.file_text(workspace=workspace, session_ref=ref, path="api/views.py").text.endswith("check()\n")
    before = selectors.file_text(workspace=workspace, session_ref=ref, path="api/views.py", version="before")
    assert before.text.endswith("pass\n")
    deleted = selectors.file_text(workspace=workspace, session_ref=ref, path="old.txt")
    assert (deleted.version, deleted.text) == ("before", "gone\n")
    with pytest.raises(InvalidArgument, match="deleted in this session"):
        selectors.file_text(workspace=workspace, session_ref=ref, path="old.txt", version="after")
    with pytest.raises(InvalidArgument, match="added in this session"):
        selectors.file_text(workspace=workspace, session_ref=ref, path="api/limits.py", version="before")


# --- diffs --------------------------------------------------------------------------------------


def test_diff_of_one_file_and_of_all(workspace, dev):
    _, one = selectors.diff_page(workspace=workspace, session_ref=link(dev), path="api/views.py")
    assert one.items[0].diff.text.endswith("-    pass\n+    check()\n")
    _, first = selectors.diff_page(workspace=workspace, session_ref=dev.public_id, limit=2)
    _, second = selectors.diff_page(
        workspace=workspace, session_ref=dev.public_id, start_path=first.following.file.path
    )
    assert [e.file.path for e in first.items + second.items] == ["api/limits.py", "api/views.py", "old.txt"]
    assert second.following is None
    assert second.items[0].diff.text.startswith("--- a/old.txt\n+++ /dev/null\n")


def test_a_diff_evicted_while_its_page_is_read_is_still_computed(workspace, dev, monkeypatch):
    diffs_in_memory.clear()
    monkeypatch.setattr(diffs_in_memory, "has", lambda key: True)  # it was cached when the page was planned
    _, page = selectors.diff_page(workspace=workspace, session_ref=dev.public_id, path="api/views.py")
    assert page.items[0].diff.text.endswith("-    pass\n+    check()\n")


def test_prototype_sessions_have_no_diffs(workspace, prototype):
    with pytest.raises(NotADevSession, match="This is a prototype session: it has files, not diffs"):
        selectors.diff_page(workspace=workspace, session_ref=prototype.public_id)


def test_diffs_of_another_workspace_are_not_found(workspace, foreign):
    with pytest.raises(SessionNotFound):
        selectors.diff_page(workspace=workspace, session_ref=link(foreign), path="secret.py")


def test_diff_of_a_missing_path_suggests(workspace, dev):
    with pytest.raises(FileNotFound, match=r"did you mean api/views\.py"):
        selectors.diff_page(workspace=workspace, session_ref=dev.public_id, path="api/view.py")


@pytest.mark.parametrize("context_lines", [-1, 51, "3"])
def test_diff_context_lines_are_checked(workspace, dev, context_lines):
    with pytest.raises(InvalidArgument, match="context_lines must be a whole number from 0 to 50"):
        selectors.diff_page(workspace=workspace, session_ref=dev.public_id, context_lines=context_lines)


def test_diff_page_query_count_is_constant(workspace, dev, django_assert_max_num_queries):
    for n in range(40):
        add_file(dev, f"gen/f{n:03}.py", before=f"x = {n}\n", after=f"x = {n + 1}\n")
    # The session, the changed files, and (diffs not computed yet) the texts of both sides, in one query.
    with django_assert_max_num_queries(3):
        _, page = selectors.diff_page(workspace=workspace, session_ref=dev.public_id, limit=20)
    assert len(page.items) == 20
    # Computed once per pair of contents (sessions_app/diff_cache.py): the texts are not read again.
    with django_assert_max_num_queries(2):
        _, again = selectors.diff_page(workspace=workspace, session_ref=dev.public_id, limit=20)
    assert [entry.diff for entry in again.items] == [entry.diff for entry in page.items]
