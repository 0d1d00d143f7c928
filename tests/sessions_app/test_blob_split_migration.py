"""Migrations 0011 and 0012 on a database whose workspaces share contents: each workspace gets its own
copy, every file version reads back byte for byte the same, and going back merges them again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_SPLIT = [("sessions_app", "0010_drop_blob_line_count")]
AFTER_SPLIT = [("sessions_app", "0012_contents_walled")]

pytestmark = pytest.mark.django_db(transaction=True)  # migrations run their own transactions


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def versions(apps) -> dict[tuple[str, str], tuple]:
    """Every file's two versions, as a reader gets them: (text or bytes, is_binary) each."""
    SessionFile = apps.get_model("sessions_app", "SessionFile")

    def read(blob):
        return None if blob is None else (bytes(blob.data) if blob.is_binary else blob.text, blob.is_binary)

    files = SessionFile.objects.select_related("session", "before", "after")
    return {(file.session.public_id, file.path): (read(file.before), read(file.after)) for file in files}


@pytest.fixture
def shared_contents():
    """Three workspaces at migration 0010: `shared` used by two of them (twice in one), a binary used by
    two others, one only one uses, and a content no file uses."""
    apps = migrate(BEFORE_SPLIT)
    Workspace = apps.get_model("workspaces", "Workspace")
    Session = apps.get_model("sessions_app", "Session")
    SessionFile = apps.get_model("sessions_app", "SessionFile")
    Blob = apps.get_model("sessions_app", "Blob")
    acme, globex, initech = (Workspace.objects.create(slug=slug, name=slug) for slug in ("acme", "globex", "initech"))
    shared = Blob.objects.create(digest="s" * 64, size=7, text="shared\n")
    own = Blob.objects.create(digest="o" * 64, size=4, text="own\n")
    image = Blob.objects.create(digest="i" * 64, size=4, is_binary=True, data=b"\x89PNG")
    Blob.objects.create(digest="u" * 64, size=7, text="unused\n")

    def session(workspace, public_id, kind="prototype"):
        return Session.objects.create(workspace=workspace, public_id=public_id, kind=kind, title=public_id)

    first, second = session(acme, "acme-one-session"), session(acme, "acme-two-session", "dev")
    SessionFile.objects.create(session=first, path="a.txt", after=shared)
    SessionFile.objects.create(session=first, path="b.txt", after=own)
    SessionFile.objects.create(session=second, path="a.txt", status="modified", before=shared, after=own)
    theirs = session(globex, "globex-session-1", "dev")
    SessionFile.objects.create(session=theirs, path="a.txt", status="deleted", before=shared)
    SessionFile.objects.create(session=theirs, path="logo.png", status="added", after=image)
    SessionFile.objects.create(session=session(initech, "initech-session-1"), path="logo.png", after=image)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # back to where the suite runs


def test_shared_contents_are_split_per_workspace_and_every_file_reads_the_same(shared_contents):
    before = versions(shared_contents)
    apps = migrate(AFTER_SPLIT)
    assert versions(apps) == before
    Blob = apps.get_model("sessions_app", "Blob")
    SessionFile = apps.get_model("sessions_app", "SessionFile")
    for file in SessionFile.objects.select_related("session", "before", "after"):
        for blob in (file.before, file.after):
            assert blob is None or blob.workspace_id == file.session.workspace_id
    stored = sorted(Blob.objects.values_list("workspace__slug", "digest"))
    # acme: shared and own (each once, though used three times); globex: shared and the image; initech:
    # the image. The unused content is gone.
    assert [(slug, digest[0]) for slug, digest in stored] == [
        ("acme", "o"),
        ("acme", "s"),
        ("globex", "i"),
        ("globex", "s"),
        ("initech", "i"),
    ]
    with connection.cursor() as cursor:  # the text contents are in the content search table
        cursor.execute("SELECT count(*) FROM sessions_app_blobsearch")
        assert cursor.fetchone() == (3,)


def test_going_back_stores_each_content_once_again(shared_contents):
    before = versions(shared_contents)
    migrate(AFTER_SPLIT)
    apps = migrate(BEFORE_SPLIT)
    assert versions(apps) == before
    assert sorted(apps.get_model("sessions_app", "Blob").objects.values_list("digest", flat=True)) == [
        "i" * 64,
        "o" * 64,
        "s" * 64,
    ]
