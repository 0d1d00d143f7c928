"""Migration 0013 on sessions stored before it: a deleted file and the added file it became are folded into
one renamed file, every changed file gets its place in review order, and going back splits them again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("sessions_app", "0012_contents_walled")]
AFTER = [("sessions_app", "0013_review_order_and_renames")]
TEXT = "".join(f"line {n}\n" for n in range(30))

pytestmark = pytest.mark.django_db(transaction=True)  # migrations run their own transactions


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def stored_before():
    apps = migrate(BEFORE)
    Workspace = apps.get_model("workspaces", "Workspace")
    Session = apps.get_model("sessions_app", "Session")
    SessionFile = apps.get_model("sessions_app", "SessionFile")
    Blob = apps.get_model("sessions_app", "Blob")
    workspace = Workspace.objects.create(slug="acme", name="acme")

    def blob(text: str, digest: str):
        return Blob.objects.create(workspace=workspace, digest=digest * 64, size=len(text), text=text)

    session = Session.objects.create(
        workspace=workspace, public_id="dev-session-0001", kind="dev", title="A move", file_count=4
    )
    old, new, source = blob(TEXT, "a"), blob(TEXT.replace("line 7\n", "line seven\n"), "b"), blob("x = 1\n", "c")
    lock = blob('{"lockfileVersion": 3}\n', "d")
    rows = [
        ("src/old.py", "deleted", old, None, 0, 30),
        ("src/new.py", "added", None, new, 30, 0),
        ("src/app.py", "added", None, source, 1, 0),
        ("package-lock.json", "added", None, lock, 1, 0),
    ]
    for path, status, before, after, additions, deletions in rows:
        SessionFile.objects.create(
            session=session,
            workspace=workspace,
            path=path,
            status=status,
            before=before,
            after=after,
            additions=additions,
            deletions=deletions,
        )
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # back to where the suite runs


def test_renames_are_folded_and_each_change_gets_its_review_order(stored_before):
    apps = migrate(AFTER)
    SessionFile = apps.get_model("sessions_app", "SessionFile")
    Session = apps.get_model("sessions_app", "Session")
    files = {f.path: f for f in SessionFile.objects.all()}
    assert set(files) == {"src/new.py", "src/app.py", "package-lock.json"}
    moved = files["src/new.py"]
    assert (moved.status, moved.renamed_from, moved.similarity, moved.additions, moved.deletions) == (
        "renamed",
        "src/old.py",
        96,
        1,
        1,
    )
    assert moved.before.text == TEXT
    assert Session.objects.get().file_count == 3
    in_order = [f.path for f in SessionFile.objects.order_by("review_order", "path")]
    assert in_order == ["src/new.py", "src/app.py", "package-lock.json"]  # source, larger first; lock file last


def test_going_back_splits_each_rename_into_the_files_it_was(stored_before):
    migrate(AFTER)
    apps = migrate(BEFORE)
    SessionFile = apps.get_model("sessions_app", "SessionFile")
    statuses = dict(SessionFile.objects.values_list("path", "status"))
    assert statuses == {
        "src/old.py": "deleted",
        "src/new.py": "added",
        "src/app.py": "added",
        "package-lock.json": "added",
    }
