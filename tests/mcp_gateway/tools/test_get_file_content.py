"""get_file_content: text, line windows, versions, binary files, cuts with the arguments for the rest."""

import pytest

from sessions_app.models import Blob, SessionFile
from tests.factories import SessionFactory, add_file, pasted_link

pytestmark = pytest.mark.django_db


def test_whole_file(tool, key, prototype):
    result = (
        tool(key, "get_file_content", {"session": pasted_link(prototype), "path": "src/main.jsx"})
    ).structured_content
    assert result["content"] == "import App from './App'\nrender(App)\n"
    assert (result["start_line"], result["end_line"], result["total_lines"], result["version"]) == (1, 2, 2, "after")
    assert "truncated" not in result


def test_line_window_and_dev_versions(tool, key, dev):
    before = (
        tool(
            key,
            "get_file_content",
            {"session": dev.public_id, "path": "api/views.py", "version": "before", "start_line": 2},
        )
    ).structured_content
    assert before["content"] == "    pass\n"
    deleted = tool(key, "get_file_content", {"session": dev.public_id, "path": "old.txt"}).structured_content
    assert (deleted["version"], deleted["content"]) == ("before", "gone\n")


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"path": "src/app.jsx"}, "No file at src/app.jsx in this session; did you mean src/App.jsx"),
        ({"path": "src/main.jsx", "start_line": 9}, "src/main.jsx has 2 lines"),
        ({"path": "src/main.jsx", "version": "before"}, "Prototype files have only their current content"),
    ],
)
def test_errors_a_person_can_act_on(tool, key, prototype, arguments, says):
    result = tool(key, "get_file_content", {"session": prototype.public_id} | arguments)
    assert result.is_error
    assert says in result.content[0].text


def test_other_workspaces_files_are_not_found(assert_not_found_like_missing, key, foreign):
    assert_not_found_like_missing(
        key, "get_file_content", {"session": foreign.public_id, "path": "secret.py"}, foreign.public_id
    )


@pytest.fixture
def big_file(workspace):
    session = SessionFactory(workspace=workspace, kind="dev")
    text = "".join(f'const line{n} = {n}  // é "q"\n' for n in range(5000))
    add_file(session, "src/big.js", before="x\n", after=text)
    return session, text


def test_a_long_file_is_cut_at_a_line_with_the_arguments_for_the_rest(tool, key, big_file, settings):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 4_167  # 10_000 bytes
    session, text = big_file
    arguments, pieces = {"session": session.public_id, "path": "src/big.js"}, []
    while True:
        result = tool(key, "get_file_content", arguments)
        assert len(result.content[0].text) <= 10_000
        page = result.structured_content
        pieces.append(page["content"])
        if "truncated" not in page:
            break
        assert page["truncated"]["remaining_lines"] == 5000 - page["end_line"]
        arguments = page["truncated"]["fetch_rest_with"]
        assert arguments["version"] == "after"
    assert "".join(pieces) == text
    assert len(pieces) > 5


@pytest.fixture
def binary_file(workspace):
    session = SessionFactory(workspace=workspace)
    blob = Blob.objects.create(workspace=workspace, digest="b" * 64, size=4, is_binary=True, data=b"\x89PNG")
    SessionFile.objects.create(session=session, path="logo.png", after=blob, media_type="image/png")
    return session


def test_binary_files_have_no_text(tool, key, binary_file):
    result = tool(key, "get_file_content", {"session": binary_file.public_id, "path": "logo.png"}).structured_content
    assert result["binary"] is True
    assert "content" not in result
    assert "image/png" in result["note"]
    # No line range: it answered start_line 1, end_line 0.
    assert not {"start_line", "end_line", "total_lines"} & set(result)
