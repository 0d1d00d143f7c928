"""The tools' JSON schemas without what pydantic generates and no reader needs: a `title` on every property
("Limit" for `limit`) and on every schema, and an optional argument spelled as "a string, or null, by default
null". A model reads the input schemas of every tool in every conversation; that boilerplate was 14% of it.
Output schemas also lose their descriptions: no model reads them (clients validate results against them),
and docs/mcp-responses.md describes every field; the tools list cost 6,300 tokens on the wire with them.

What a schema accepts is unchanged where a client checks it: an optional argument leaves `required` as it was
(absent is still allowed; an explicit null is what the server's own validation still accepts), and output
schemas keep their nullable branches, since a result may carry a null that a client validates.
"""

from __future__ import annotations

from typing import Any

NULL = {"type": "null"}
# Keywords whose value is one schema, or a list or map of schemas.
ONE_SCHEMA = ("items", "additionalProperties", "not")
LIST_OF_SCHEMAS = ("anyOf", "oneOf", "allOf", "prefixItems")
MAP_OF_SCHEMAS = ("properties", "$defs", "patternProperties")


def lean_schema(schema: dict[str, Any], *, for_input: bool) -> dict[str, Any]:
    """A copy of `schema` without titles; `X | None = None` as plain `X` in an input schema, and in an
    output schema as `"type": [X, "null"]` where X is a plain type (a default is no constraint on output)."""
    dropped = ("title",) if for_input else ("title", "description")
    node = {key: value for key, value in schema.items() if key not in dropped}
    if _nullable(node) and node.get("default", ...) is None:
        (other,) = (branch for branch in node["anyOf"] if branch != NULL)
        if for_input:
            del node["anyOf"], node["default"]
            node = {**other, **node}
        elif set(other) == {"type"} and isinstance(other["type"], str):
            del node["anyOf"]
            node = {"type": [other["type"], "null"], **node}
    if not for_input and node.get("default", ...) is None:
        node.pop("default")
    for key in ONE_SCHEMA:
        if isinstance(node.get(key), dict):
            node[key] = lean_schema(node[key], for_input=for_input)
    for key in LIST_OF_SCHEMAS:
        if isinstance(node.get(key), list):
            node[key] = [lean_schema(branch, for_input=for_input) for branch in node[key]]
    for key in MAP_OF_SCHEMAS:
        if isinstance(node.get(key), dict):
            node[key] = {name: lean_schema(value, for_input=for_input) for name, value in node[key].items()}
    return node


def _nullable(node: dict[str, Any]) -> bool:
    branches = node.get("anyOf")
    return isinstance(branches, list) and len(branches) == 2 and NULL in branches
