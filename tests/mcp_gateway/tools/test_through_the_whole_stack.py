"""One call of each tool through the whole stack — front door, credential check, the SDK's argument and
output-schema validation, a worker thread — answering exactly what the tool's unit of work answers when
the other tests call it directly (tests/mcp_gateway/conftest.py, `tool`)."""

import asyncio

import pytest

from mcp_gateway.protocol.tools import TOOLS
from tests.factories import MessageFactory, pasted_link

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

ARGUMENTS = {
    "get_session": {},
    "list_sessions": None,  # takes no session
    "get_chat_history": {"limit": 2},
    "list_session_files": {},
    "get_file_content": {"path": "api/views.py"},
    "get_file_diff": {"path": "api/views.py"},
    "search_session": {"query": "check"},
}


def test_every_tool_has_a_call_here():
    assert set(ARGUMENTS) == {spec.name for spec in TOOLS}


@pytest.fixture
def discussed(dev):
    MessageFactory(session=dev, index=0, content="Shall we check the limit? Yes, check it.")
    return dev


@pytest.mark.parametrize("name", list(ARGUMENTS))
async def test_each_tool_answers_through_the_stack_what_it_answers_directly(name, call, tool, key, discussed):
    dev = discussed
    extra = ARGUMENTS[name]
    arguments = {} if extra is None else {"session": pasted_link(dev)} | extra
    through_the_stack = await call(key, name, arguments)
    # Directly, in a thread of its own: the ORM does not run on an event loop's thread.
    directly = await asyncio.to_thread(tool, key, name, arguments)
    assert not through_the_stack.is_error, through_the_stack.content[0].text
    assert through_the_stack.structured_content == directly.structured_content
    assert [block.model_dump() for block in through_the_stack.content] == [
        block.model_dump() for block in directly.content
    ]


async def test_another_workspaces_session_is_not_found_through_the_stack(call, key, foreign):
    result = await call(key, "get_session", {"session": pasted_link(foreign)})
    assert result.is_error
    assert result.structured_content is None
    assert "No session with id" in result.content[0].text
