"""import_sessions / export_sessions: validation naming line and field, atomic sessions, round trips."""

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sessions_app.models import Blob, Message, Session, SessionFile
from sessions_app.services import session_delete
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db

DEMO_FIXTURE = Path(__file__).resolve().parents[2] / "sessions_app" / "fixtures" / "demo.jsonl"


def document(number: int, **changes) -> dict:
    base = {
        "workspace": "acme",
        "id": f"session-{number:04}",
        "kind": "prototype",
        "title": f"Session {number}",
        "status": "active",
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-01T11:00:00Z",
        "created_by": "owner@acme.test",
        "messages": [
            {"role": "user", "author": "Olive", "content": "Build me a thing", "created_at": "2026-11-01T10:00:00Z"},
            {"role": "assistant", "author": "Alloy", "content": "Built.", "created_at": "2026-11-01T10:01:00Z"},
        ],
        "files": [{"path": "src/app.js", "content": "console.log('hi')\n"}],
    }
    return base | changes


def write_lines(path: Path, documents: list) -> Path:
    path.write_text("".join((d if isinstance(d, str) else json.dumps(d)) + "\n" for d in documents))
    return path


def run_import(*arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_sessions", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_export(workspace: str, *arguments: str) -> list[dict]:
    out = io.StringIO()
    call_command("export_sessions", workspace, *arguments, stdout=out, stderr=io.StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture
def people(owner, member, outsider):
    return owner, member, outsider


def test_a_bad_third_line_names_line_and_field_and_the_others_import(tmp_path, people):
    bad = document(3)
    bad["messages"][1]["role"] = "robot"
    path = write_lines(tmp_path / "in.jsonl", [document(1), document(2), bad, document(4)])
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 line"):
        call_command("import_sessions", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 3: field messages[1].role: should be 'user', 'assistant', 'system' or 'tool'" in err.getvalue()
    assert sorted(Session.objects.values_list("public_id", flat=True)) == [
        "session-0001",
        "session-0002",
        "session-0004",
    ]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"kind": "feature"}, "field kind: should be 'prototype' or 'dev'"),
        ({"id": "x"}, "field id: must be 8 to 64 of A-Z"),
        ({"title": None}, "field title: should be a valid string"),
        ({"created_at": "yesterday"}, "field created_at: should be a valid datetime"),
        ({"created_at": "2026-11-01T10:00:00"}, "field created_at: should have timezone info"),
        ({"updated_at": "2026-10-01T10:00:00Z"}, "field updated_at: must not be earlier than created_at"),
        ({"colour": "red"}, "field colour: is not a field of this format"),
        ({"workspace": "nope"}, "field workspace: no workspace 'nope'"),
        (
            {"created_by": "outsider@globex.test"},
            "field created_by: outsider@globex.test is not a member of workspace acme",
        ),
        ({"files": [{"path": "../etc/passwd", "content": "x"}]}, "field files[0].path: must be a relative path"),
        (
            {"files": [{"path": "a", "content": "x"}, {"path": "a", "content": "y"}]},
            "field files[1].path: a appears twice",
        ),
        ({"files": [{"path": "a"}]}, "field files[0].content: is required"),
        ({"files": [{"path": "a", "before": "x", "after": "y"}]}, "field files[0]: prototype files have content"),
        ({"files": [{"path": "a", "content_base64": "!!"}]}, "field files[0].content_base64: is not valid base64"),
        (
            {"files": [{"path": "a", "content": "x", "media_type": "text/x"}]},
            "field files[0].media_type: is only for binary",
        ),
        ({"messages": [{"role": "user", "content": "a\u0000b"}]}, "field messages[0].content: contains a NUL"),
        ({"messages": [{"role": "user", "content": "\ud800"}]}, "field messages[0].content: contains an unpaired"),
        ({"messages": "hello"}, "field messages: should be a valid list"),
    ],
)
def test_invalid_documents_are_refused_with_the_field(tmp_path, people, change, says):
    path = write_lines(tmp_path / "in.jsonl", [document(1, **change)])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_sessions", str(path), stdout=io.StringIO(), stderr=err)
    assert f"line 1: {says}" in err.getvalue()
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ([{"path": "a.py", "content": "x"}], "dev session files have before and/or after"),
        ([{"path": "a.py"}], "needs before (deleted), after (added) or both"),
        ([{"path": "a.py", "before": "same\n", "after": "same\n"}], "before and after are the same"),
        ([{"path": "a.py", "before": "x", "before_base64": "eA=="}], "give before or before_base64, not both"),
    ],
)
def test_invalid_dev_files(tmp_path, people, files, says):
    path = write_lines(tmp_path / "in.jsonl", [document(1, kind="dev", files=files)])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_sessions", str(path), stdout=io.StringIO(), stderr=err)
    assert says in err.getvalue()


def test_lines_that_are_not_json_objects(tmp_path, people):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"workspace": \n[1, 2]\n\xff\xfe\n\n' + json.dumps(document(1)).encode() + b"\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 line"):
        call_command("import_sessions", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 1: is not valid JSON" in err.getvalue()
    assert "line 2: each line must be a JSON object" in err.getvalue()
    assert "line 3: is not UTF-8 text" in err.getvalue()
    assert Session.objects.get().public_id == "session-0001"


def test_a_line_nested_too_deeply_is_that_lines_error_and_the_others_go_on(tmp_path, people):
    """A 100,000-deep array raised an uncaught RecursionError: the lines after it were never read."""
    deep_array = b"[" * 100_000 + b"]" * 100_000
    deep_object = b'{"a":' * 20_000 + b"1" + b"}" * 20_000
    deep_but_parsed = document(2, messages=[{"role": "user", "content": "x", "extra": [[[[[[[["deep"]]]]]]]]}])
    path = tmp_path / "in.jsonl"
    lines = [deep_array, deep_object, json.dumps(deep_but_parsed).encode(), json.dumps(document(1)).encode()]
    path.write_bytes(b"\n".join(lines) + b"\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 line"):
        call_command("import_sessions", str(path), stdout=io.StringIO(), stderr=err)
    for number in (1, 2, 3):
        assert f"line {number}: is nested too deeply; a session is at most 8 levels deep" in err.getvalue()
    assert Session.objects.get().public_id == "session-0001"


def test_missing_input_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.jsonl: No such file or directory"):
        run_import(str(tmp_path / "missing.jsonl"))


def test_dry_run_validates_and_writes_nothing(tmp_path, people):
    path = write_lines(tmp_path / "in.jsonl", [document(1), document(2, workspace="nope")])
    err = io.StringIO()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_sessions", str(path), "--dry-run", stdout=out, stderr=err)
    assert "Dry run: 1 valid, 1 invalid; nothing was written." in out.getvalue()
    assert "line 2: field workspace" in err.getvalue()
    assert not Session.objects.exists()


def test_reads_standard_input(monkeypatch, people):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((json.dumps(document(7)) + "\n").encode())))
    out, _ = run_import("-")
    assert "1 created" in out
    assert Session.objects.get().title == "Session 7"


def test_import_stores_what_the_document_says(tmp_path, people, workspace):
    png = b"\x89PNG\r\n\x1a\n\x00binary"
    dev = document(
        2,
        kind="dev",
        files=[
            {"path": "api/new.py", "after": "x = 1\n"},
            {"path": "api/old.py", "before": "y = 2\n"},
            {"path": "api/views.py", "before": "a\nb\n", "after": "a\nc\nd\n"},
            {"path": "logo.png", "before_base64": base64.b64encode(png).decode(), "media_type": "image/png"},
        ],
    )
    run_import(str(write_lines(tmp_path / "in.jsonl", [document(1), dev])))
    session = Session.objects.get(public_id="session-0002")
    assert (session.workspace, session.kind, session.created_by.email) == (workspace, "dev", "owner@acme.test")
    files = {f.path: f for f in SessionFile.objects.filter(session=session).select_related("before", "after")}
    assert (files["api/new.py"].status, files["api/old.py"].status, files["api/views.py"].status) == (
        "added",
        "deleted",
        "modified",
    )
    assert (files["api/views.py"].additions, files["api/views.py"].deletions) == (2, 1)
    assert files["logo.png"].before.is_binary
    assert bytes(files["logo.png"].before.data) == png
    assert files["logo.png"].media_type == "image/png"
    assert files["api/views.py"].language == "python"
    assert list(Message.objects.filter(session__public_id="session-0001").values_list("index", "role")) == [
        (0, "user"),
        (1, "assistant"),
    ]


def test_identical_content_is_stored_once(tmp_path, people):
    run_import(str(write_lines(tmp_path / "in.jsonl", [document(n) for n in range(1, 6)])))
    assert SessionFile.objects.count() == 5
    assert Blob.objects.count() == 1


def test_reimport_updates_in_place_and_drops_unused_content(tmp_path, people):
    run_import(str(write_lines(tmp_path / "v1.jsonl", [document(1)])))
    session_pk = Session.objects.get().pk
    changed = document(
        1,
        title="Renamed",
        messages=[{"role": "user", "content": "only one now"}],
        files=[{"path": "src/app.js", "content": "console.log('bye')\n"}],
    )
    out, _ = run_import(str(write_lines(tmp_path / "v2.jsonl", [changed])))
    assert "0 created, 1 updated, 0 unchanged" in out
    session = Session.objects.get()
    assert (session.pk, session.title, session.messages.count()) == (session_pk, "Renamed", 1)
    assert Blob.objects.get().text == "console.log('bye')\n"


def test_the_same_content_in_two_workspaces_is_stored_once_in_each_and_cleaned_up_in_each(tmp_path, people):
    theirs = document(9, workspace="globex", created_by="outsider@globex.test")
    run_import(str(write_lines(tmp_path / "in.jsonl", [document(1), document(2), theirs])))
    stored = Blob.objects.filter(text="console.log('hi')\n")
    assert sorted(stored.values_list("workspace__slug", flat=True)) == ["acme", "globex"]
    acme_copy, globex_copy = stored.get(workspace__slug="acme"), stored.get(workspace__slug="globex")
    changed = {"files": [{"path": "src/app.js", "content": "console.log('bye')\n"}]}
    # session-0002 still uses acme's copy; once it changes too, acme's copy goes and globex's stays.
    run_import(str(write_lines(tmp_path / "v2.jsonl", [document(1, **changed)])))
    assert Blob.objects.filter(pk=acme_copy.pk).exists()
    run_import(str(write_lines(tmp_path / "v3.jsonl", [document(2, **changed)])))
    assert not Blob.objects.filter(pk=acme_copy.pk).exists()
    assert Blob.objects.get(pk=globex_copy.pk).text == "console.log('hi')\n"
    assert SessionFile.objects.get(session__public_id="session-0009").after_id == globex_copy.pk


def test_deleting_a_session_drops_its_unused_contents_and_nothing_of_another_workspace(tmp_path, people):
    theirs = document(9, workspace="globex", created_by="outsider@globex.test")
    run_import(str(write_lines(tmp_path / "in.jsonl", [document(1), document(2), theirs])))
    their_rows = (
        list(Blob.objects.filter(workspace__slug="globex").values_list("pk", "text")),
        list(Message.objects.filter(session__public_id="session-0009").values_list("pk", "content")),
    )
    session_delete(session=Session.objects.get(public_id="session-0001"))
    assert Blob.objects.filter(workspace__slug="acme").count() == 1  # session-0002 still uses it
    session_delete(session=Session.objects.get(public_id="session-0002"))
    assert not Blob.objects.filter(workspace__slug="acme").exists()
    assert not Message.objects.filter(session__workspace__slug="acme").exists()
    assert (
        list(Blob.objects.filter(workspace__slug="globex").values_list("pk", "text")),
        list(Message.objects.filter(session__public_id="session-0009").values_list("pk", "content")),
    ) == their_rows


def test_a_failed_reimport_leaves_the_session_as_it_was(tmp_path, people):
    run_import(str(write_lines(tmp_path / "v1.jsonl", [document(1)])))
    broken = document(1, title="Renamed", created_by="nobody@acme.test")
    with pytest.raises(CommandError):
        run_import(str(write_lines(tmp_path / "v2.jsonl", [broken])))
    session = Session.objects.get()
    assert (session.title, session.messages.count(), session.files.count()) == ("Session 1", 2, 1)


def test_a_session_id_of_another_workspace_is_refused(tmp_path, people, other_workspace):
    run_import(str(write_lines(tmp_path / "a.jsonl", [document(1)])))
    err = io.StringIO()
    theirs = document(1, workspace="globex", created_by="outsider@globex.test", title="Hijack")
    with pytest.raises(CommandError):
        call_command(
            "import_sessions", str(write_lines(tmp_path / "b.jsonl", [theirs])), stdout=io.StringIO(), stderr=err
        )
    assert "field id: session session-0001 already belongs to another workspace" in err.getvalue()
    assert Session.objects.get().title == "Session 1"


def test_demo_fixture_round_trips_and_a_second_import_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    original = [json.loads(line) for line in DEMO_FIXTURE.read_text().splitlines()]
    exported = run_export("demo") + run_export("other")
    assert sorted(exported, key=lambda d: d["id"]) == sorted(original, key=lambda d: d["id"])

    before = list(Message.objects.order_by("pk").values_list("pk", flat=True))
    out, _ = run_import(str(DEMO_FIXTURE))
    assert "Imported 10 sessions: 0 created, 0 updated, 10 unchanged; 0 failed." in out
    assert list(Message.objects.order_by("pk").values_list("pk", flat=True)) == before


def test_export_one_session_and_errors(people, tmp_path):
    run_import(str(write_lines(tmp_path / "in.jsonl", [document(1), document(2)])))
    assert [d["id"] for d in run_export("acme", "--session", "session-0002")] == ["session-0002"]
    with pytest.raises(CommandError, match="No workspace 'nope'"):
        run_export("nope")
    WorkspaceFactory(slug="empty")
    assert run_export("empty") == []
    # Another workspace's session is not found from this one.
    with pytest.raises(CommandError, match="No session with id session-0001 in workspace empty"):
        run_export("empty", "--session", "session-0001")


def test_export_to_a_file(people, tmp_path):
    run_import(str(write_lines(tmp_path / "in.jsonl", [document(1)])))
    target = tmp_path / "out.jsonl"
    call_command("export_sessions", "acme", "--output", str(target), stderr=io.StringIO())
    assert json.loads(target.read_text())["id"] == "session-0001"


def test_large_sessions_stream_through_import_and_export(tmp_path, people):
    messages = [{"role": "user", "content": f"message {n}"} for n in range(100_000)]
    files = [{"path": f"src/module{n:04}.py", "content": f"VALUE = {n}\n"} for n in range(5_000)]
    path = write_lines(
        tmp_path / "big.jsonl", [document(1, messages=messages, files=[]), document(2, files=files, messages=[])]
    )
    out, _ = run_import(str(path))
    assert "2 created" in out
    assert Message.objects.count() == 100_000
    assert SessionFile.objects.count() == 5_000
    exported = run_export("acme")
    assert len(exported[0]["messages"]) == 100_000
    assert exported[0]["messages"][-1]["content"] == "message 99999"
    assert len(exported[1]["files"]) == 5_000


@pytest.mark.django_db(transaction=True)  # committed: the export runs in a process of its own
def test_an_export_into_a_pipe_closed_early_ends_quietly(people, tmp_path):
    """`export_sessions acme | head` printed "CommandError: Cannot write None: Broken pipe"."""
    messages = [{"role": "user", "content": f"message {n} " * 10} for n in range(5_000)]  # far past a pipe's buffer
    run_import(str(write_lines(tmp_path / "big.jsonl", [document(1, messages=messages)])))
    database = connection.settings_dict
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }
    export = subprocess.Popen(
        [sys.executable, "manage.py", "export_sessions", "acme"],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert b'"id":"session-0001"' in export.stdout.read(100)
    export.stdout.close()  # as head does once it has its lines
    _, errors = export.communicate(timeout=60)
    assert errors.decode() == ""
    assert export.returncode == 0


def test_every_problem_of_a_line_is_told_and_one_session_is_one_session(people, tmp_path):
    """A line with four mistakes had one reported, and one import said "Imported 1 sessions"."""
    four_mistakes = document(1, kind="demo", status="paused", colour="red")
    four_mistakes["messages"][0]["role"] = "robot"
    path = write_lines(tmp_path / "in.jsonl", [four_mistakes, document(2)])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"^1 line failed; nothing of those sessions was written\.$"):
        call_command("import_sessions", str(path), stdout=out, stderr=err)
    told = [line for line in err.getvalue().splitlines() if line.startswith("line 1: ")]
    assert [line.split(":")[1].strip() for line in told] == [
        "field kind",
        "field status",
        "field messages[0].role",
        "field colour",
    ]
    assert "Imported 1 session: 1 created, 0 updated, 0 unchanged; 1 failed." in out.getvalue()
