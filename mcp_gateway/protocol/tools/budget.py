"""The result budget: no text block is longer than ALLOY_MCP_MAX_RESULT_CHARS. What a result costs as the
JSON it is sent as, and how many items, lines or characters still fit."""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings
from pydantic import BaseModel

from mcp_gateway.protocol.tools.spec import ToolResult

# Room kept for the envelope's own fields (next_cursor, a continuation) when filling a page.
ENVELOPE_RESERVE = 600


def max_chars() -> int:
    return settings.ALLOY_MCP_MAX_RESULT_CHARS


def json_text(value: Any) -> str:
    """Compact JSON, UTF-8 as is: what json.dumps(ensure_ascii=False, separators=(",", ":")) gives, at a
    tenth of the cost (orjson): results are sized message by message, then sent as text."""
    return orjson.dumps(value).decode()


def json_len(value: Any) -> int:
    return len(json_text(value))


def as_json_dict(model: BaseModel) -> dict[str, Any]:
    """A result model as the dict it is sent as (absent fields left out)."""
    return model.model_dump(mode="json", exclude_none=True)


def room_left(result: ToolResult) -> int:
    """Characters still free for a result's items, given what it already holds: the budget, less the
    result so far, less room for its envelope's own fields (next_cursor, a continuation)."""
    return max_chars() - json_len(result if isinstance(result, dict) else as_json_dict(result)) - ENVELOPE_RESERVE


def fit_count(sizes: list[int], room: int) -> int:
    """How many items, in order, fit in `room` characters (each also costs a separating comma)."""
    used = count = 0
    for size in sizes:
        if used + size + 1 > room:
            break
        used += size + 1
        count += 1
    return count


def fit_lines(lines: list[str], room: int, start: int = 0) -> int:
    """How many whole lines, in order from `start`, fit in `room` characters of one JSON string. Looks
    at no more lines than fit, so a page of a long file costs what the page holds."""
    used = count = 0
    for index in range(start, len(lines)):
        cost = json_len(lines[index]) - 2  # without the quotes: the lines share one string
        if used + cost > room:
            break
        used += cost
        count += 1
    return count


def cut_to_fit(text: str, room: int) -> str:
    """The longest start of `text` whose JSON string form takes at most `room` characters."""
    if json_len(text) <= room:
        return text
    low, high = 0, min(len(text), max(room, 0))
    while low < high:  # binary search: escapes make JSON length differ from character count
        middle = (low + high + 1) // 2
        if json_len(text[:middle]) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low]
