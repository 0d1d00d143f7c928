"""Session links: every accepted shape and tolerated variant, and clear errors for everything else."""

import pytest

from sessions_app.errors import InvalidSessionLink
from sessions_app.links import SessionRef, parse_session_ref, session_link

HOSTS = ["alloy.app", "mcp.alloy.test"]
ID = "k3J9x_Qm-2ZpV7aLcT0wYe"


def parse(text: str) -> SessionRef:
    return parse_session_ref(text, link_hosts=HOSTS)


@pytest.mark.parametrize(
    "link",
    [
        f"https://alloy.app/acme/p/{ID}/edit",
        f"http://alloy.app/acme/p/{ID}/edit",
        f"https://www.alloy.app/acme/p/{ID}/edit",
        f"https://ALLOY.APP/acme/p/{ID}/edit",
        f"https://alloy.app/acme/p/{ID}/edit/",
        f"https://alloy.app/acme/p/{ID}/edit?tab=preview",
        f"https://alloy.app/acme/p/{ID}/edit#file=src/App.jsx",
        f"https://alloy.app/acme/p/{ID}/edit/files/src/App.jsx",
        f"https://alloy.app/acme/p/{ID}",
        f"alloy.app/acme/p/{ID}/edit",
        f"  https://alloy.app/acme/p/{ID}/edit\n",
        f"https://mcp.alloy.test:8443/acme/p/{ID}/edit",
    ],
)
def test_prototype_links(link):
    assert parse(link) == SessionRef(session_id=ID, workspace_slug="acme")


@pytest.mark.parametrize(
    "link",
    [
        f"https://alloy.app/acme/p/dev/{ID}",
        f"http://www.alloy.app/acme/p/dev/{ID}/",
        f"https://alloy.app/acme/p/dev/{ID}?view=diff#L10",
        f"https://alloy.app/acme/p/dev/{ID}/files/src/api.py",
    ],
)
def test_dev_links(link):
    assert parse(link) == SessionRef(session_id=ID, workspace_slug="acme")


@pytest.mark.parametrize("bare", [ID, "abcdefgh", "A" * 64, "with_under-score"])
def test_bare_ids(bare):
    assert parse(bare) == SessionRef(session_id=bare)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (f"https://evil.example/acme/p/{ID}/edit", "Links to evil.example are not Alloy session links"),
        (f"https://alloy.app.evil.example/acme/p/{ID}/edit", "not Alloy session links"),
        (f"ftp://alloy.app/acme/p/{ID}/edit", "not a link we can read"),
        ("https://alloy.app/acme/settings", "does not point at a session"),
        ("https://alloy.app/acme/p/dev/", "does not point at a session"),
        ("https://alloy.app/acme/p/short/edit", "does not point at a session"),
        (f"https://alloy.app/Acme_Corp/p/{ID}/edit", "does not point at a session"),
        (f"https://alloy.app/acme/x/{ID}/edit", "does not point at a session"),
        ("https://alloy.app", "does not point at a session"),
        ("", "is empty"),
        ("   ", "is empty"),
        ("short", "not a link we can read"),
        ("hello world, summarise this", "not a link we can read"),
        (f"https://alloy.app/acme/p/{ID}é/edit", "plain ASCII"),
        ("ünïcödé-session-id", "plain ASCII"),
        ("https://[::1/acme/p/x", "not a link we can read"),
        ("x" * 3000, "3,000 characters"),
        ("A" * 65, "not a link we can read"),
    ],
)
def test_rejected_input_names_the_problem_and_both_shapes(text, says):
    with pytest.raises(InvalidSessionLink) as raised:
        parse(text)
    message = str(raised.value)
    assert says in message
    for shape in ("/p/<id>/edit", "/p/dev/<id>", "bare session id"):
        assert shape in message


def test_non_string_input_is_rejected():
    with pytest.raises(InvalidSessionLink):
        parse_session_ref(12345678, link_hosts=HOSTS)


def test_hosts_default_to_settings(settings):
    settings.ALLOY_LINK_HOSTS = ["alloy.example"]
    assert parse_session_ref(f"https://alloy.example/acme/p/dev/{ID}").session_id == ID
    with pytest.raises(InvalidSessionLink):
        parse_session_ref(f"https://alloy.app/acme/p/dev/{ID}")


@pytest.mark.parametrize("kind", ["prototype", "dev"])
def test_session_link_round_trips(kind):
    link = session_link(workspace_slug="acme", kind=kind, session_id=ID, base_url="https://alloy.app/")
    assert parse(link) == SessionRef(session_id=ID, workspace_slug="acme")


@pytest.mark.parametrize(
    "pasted",
    [
        f"<https://alloy.app/acme/p/dev/{ID}>",  # Slack, Markdown autolinks
        f"<https://alloy.app/acme/p/dev/{ID}|the session>".split("|")[0] + ">",
        f"https://alloy.app/acme/p/dev/{ID}.",
        f"https://alloy.app/acme/p/dev/{ID},",
        f"(see https://alloy.app/acme/p/dev/{ID})".removeprefix("(see "),
        f"(https://alloy.app/acme/p/dev/{ID})",
        f'"https://alloy.app/acme/p/dev/{ID}"',
        f"“https://alloy.app/acme/p/dev/{ID}”",
        f"`https://alloy.app/acme/p/dev/{ID}`",
        f"https://alloy.app/acme/p/dev/{ID}?!",
        f"'{ID}'.",
    ],
)
def test_what_chat_apps_and_sentences_put_around_a_link_is_dropped(pasted):
    assert parse(pasted).session_id == ID
