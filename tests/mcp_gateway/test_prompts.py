"""Prompts: the usual questions as slash commands, each taking a session completed from the
caller's workspace; clean errors; and capabilities that advertise exactly what exists."""

import logging

import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import PromptReference

from tests.factories import SessionFactory

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

PROMPT_NAMES = ["summarise_session", "review_changes", "explain_prototype", "implementation_notes"]


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_the_prompts_are_listed_with_a_required_session(mcp, key, mode):
    async with mcp(key, mode=mode) as client:
        prompts = (await client.list_prompts()).prompts
    assert [prompt.name for prompt in prompts] == PROMPT_NAMES
    for prompt in prompts:
        assert prompt.title
        assert [(argument.name, argument.required) for argument in prompt.arguments] == [("session", True)]


@pytest.mark.parametrize(
    ("name", "tools"),
    [
        ("summarise_session", ["get_session", "get_chat_history"]),
        ("review_changes", ["get_session", "list_session_files", "get_file_diff"]),
        ("explain_prototype", ["list_session_files", "get_file_content"]),
        ("implementation_notes", ["get_chat_history", "list_session_files"]),
    ],
)
async def test_each_prompt_tells_claude_which_tools_to_call_on_the_session(mcp, key, prototype, name, tools):
    link = f"<{prototype.link()}>."
    async with mcp(key) as client:
        result = await client.get_prompt(name, {"session": link})
    (message,) = result.messages
    assert message.role == "user"
    assert f'session="{prototype.link()}"' in message.content.text  # unwrapped as the tools would read it
    for tool in tools:
        assert tool in message.content.text


@pytest.mark.parametrize(
    ("name", "arguments", "says"),
    [
        (
            "summarize",
            {"session": "abcdefgh12345678"},
            "Unknown prompt 'summarize'; the prompts are: summarise_session",
        ),
        ("summarise_session", {}, "summarise_session needs the session"),
        ("summarise_session", {"session": "https://example.com/x"}, "session: Links to example.com"),
        ("summarise_session", {"session": "abcdefgh12345678", "tone": "dry"}, "has no argument tone"),
    ],
)
@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_an_unknown_prompt_or_bad_argument_is_a_clean_error(mcp, key, caplog, name, arguments, says, mode):
    async with mcp(key, mode=mode) as client:
        with caplog.at_level(logging.WARNING), pytest.raises(MCPError) as raised:
            await client.get_prompt(name, arguments)
    assert raised.value.error.code == -32602
    assert says in raised.value.error.message
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.fixture
def payments(workspace, other_workspace):
    SessionFactory(workspace=workspace, title="Onboarding emails")
    SessionFactory(workspace=other_workspace, title="Payments for globex")
    return SessionFactory(workspace=workspace, title="Payments: retry failed charges")


async def test_the_session_completes_from_the_callers_workspace_only(mcp, key, payments):
    mine = payments
    async with mcp(key) as client:
        by_title = await client.complete(
            PromptReference(name="summarise_session"), {"name": "session", "value": "paym"}
        )
        by_id = await client.complete(
            PromptReference(name="implementation_notes"), {"name": "session", "value": mine.public_id[:6]}
        )
        other = await client.complete(PromptReference(name="nope"), {"name": "session", "value": "paym"})
    assert by_title.completion.values == [mine.public_id]
    assert by_id.completion.values == [mine.public_id]
    assert other.completion.values == []


@pytest.fixture
def checkout(workspace):
    return (
        SessionFactory(workspace=workspace, kind="dev", title="Checkout: retry charges"),
        SessionFactory(workspace=workspace, kind="prototype", title="Checkout page"),
    )


async def test_a_prompt_for_one_kind_of_session_completes_to_that_kind_only(mcp, key, checkout):
    """review_changes offered prototypes (4 of 9 values), which have no diffs."""
    dev, prototype = checkout
    async with mcp(key) as client:

        async def offered(prompt: str) -> list[str]:
            answer = await client.complete(PromptReference(name=prompt), {"name": "session", "value": "checkout"})
            return answer.completion.values

        assert await offered("review_changes") == [dev.public_id]
        assert await offered("explain_prototype") == [prototype.public_id]
        assert await offered("summarise_session") == [prototype.public_id, dev.public_id]


@pytest.mark.parametrize("mode", ["legacy", "auto"])  # initialize; server/discover (2026-07-28)
async def test_capabilities_say_exactly_what_exists(mcp, key, mode):
    async with mcp(key, mode=mode) as client:
        assert client.protocol_version == ("2025-11-25" if mode == "legacy" else "2026-07-28")
        capabilities = client.server_capabilities.model_dump(by_alias=True, exclude_none=True)
        with pytest.raises(MCPError) as raised:
            await client.subscribe_resource("alloy://sessions/x/files/y")
    assert capabilities == {
        "prompts": {"listChanged": False},
        "tools": {"listChanged": False},
        "resources": {"subscribe": False, "listChanged": False},
        "completions": {},
    }
    assert raised.value.error.code == -32601
