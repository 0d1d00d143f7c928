"""What a model pays to know the tools: the tool list a client receives, lean (no generated titles, no
"or null, by default null" for optional arguments), within its size, with every closed value an enum, and
every schema still a valid JSON Schema the SDK checks results against."""

import json

import jsonschema
import pytest

from mcp_gateway.protocol.lean_schema import lean_schema

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

# What a model reads of each tool, and the sizes the tool list keeps to (about 1,800 and 4,200 tokens). The
# wire grew by what the outline, the map and the reviewer's diffs added to the output schemas, which hosts
# keep and models do not read, and then by a running session's `live` and a file's `changed_at` (issue 36).
MODEL_READS = ("name", "description", "inputSchema")
MAX_READ_CHARS = 7_400
MAX_WIRE_CHARS = 17_600


@pytest.fixture
async def tools(mcp, key):
    async with mcp(key) as client:
        return [
            tool.model_dump(by_alias=True, exclude_none=True, mode="json") for tool in (await client.list_tools()).tools
        ]


def walk(schema):
    """Every schema node of `schema`."""
    yield schema
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from walk(schema[key])
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            yield from walk(branch)
    for key in ("properties", "$defs"):
        for value in schema.get(key, {}).values():
            yield from walk(value)


async def test_the_tool_list_fits_what_a_model_should_pay(tools):
    read = json.dumps([{name: tool[name] for name in MODEL_READS} for tool in tools])
    wire = json.dumps(tools, separators=(",", ":"))
    assert len(read) <= MAX_READ_CHARS, f"the model reads {len(read)} characters of the tool list"
    assert len(wire) <= MAX_WIRE_CHARS, f"the tool list is {len(wire)} characters on the wire"


async def test_no_schema_carries_generated_boilerplate(tools):
    for tool in tools:
        for node in walk(tool["inputSchema"]):
            assert "title" not in node, (tool["name"], node)
            assert {"type": "null"} not in node.get("anyOf", []), (tool["name"], node)
        for node in walk(tool["outputSchema"]):
            assert "title" not in node, (tool["name"], node)


async def test_every_schema_is_valid_json_schema(tools):
    for tool in tools:
        jsonschema.Draft202012Validator.check_schema(tool["inputSchema"])
        jsonschema.Draft202012Validator.check_schema(tool["outputSchema"])


async def test_closed_values_are_enums(tools):
    by_name = {tool["name"]: tool["outputSchema"] for tool in tools}
    session = by_name["get_session"]["properties"]
    assert session["status"]["enum"] == ["active", "completed", "archived"]
    assert session["kind"]["enum"] == ["prototype", "dev"]
    hit = by_name["search_session"]["$defs"]["SearchHitView"]["properties"]
    assert hit["kind"]["enum"] == ["message", "file"]
    assert {"enum": ["user", "assistant", "system", "tool"], "type": "string"} in hit["role"]["anyOf"]
    (version,) = (branch for branch in hit["version"]["anyOf"] if branch != {"type": "null"})
    assert sorted(version["enum"]) == ["after", "before"]


async def test_the_session_argument_is_described_once_briefly(tools):
    descriptions = {
        tool["inputSchema"]["properties"]["session"]["description"] for tool in tools if tool["name"] != "list_sessions"
    }
    assert descriptions == {"An Alloy session link the user pasted, or a session id."}


def test_an_optional_input_is_its_type_and_a_nullable_output_keeps_null():
    optional = {"anyOf": [{"type": "string", "maxLength": 9}, {"type": "null"}], "default": None, "title": "Path"}
    assert lean_schema(optional, for_input=True) == {"type": "string", "maxLength": 9}
    assert lean_schema(optional, for_input=False) == {"anyOf": optional["anyOf"]}
    plain = {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None, "description": "Lines."}
    assert lean_schema(plain, for_input=False) == {"type": ["integer", "null"]}
    linked = {"anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}], "default": None}
    assert lean_schema(linked, for_input=False) == {"anyOf": linked["anyOf"]}


def test_a_property_named_title_is_kept():
    schema = {"title": "SessionView", "properties": {"title": {"title": "Title", "type": "string"}}, "type": "object"}
    assert lean_schema(schema, for_input=False) == {"properties": {"title": {"type": "string"}}, "type": "object"}
