"""The result budget: no text block costs more than ALLOY_MCP_MAX_RESULT_TOKENS, estimated conservatively
(below). What a result costs as the JSON it is sent as, and how many items, lines or characters still fit.

Sizes here are UTF-8 bytes of that JSON: the budget is the token budget times BYTES_PER_TOKEN, for results
of code. A chat is prose: its results are estimated as prose, but for what its code fences hold
(`estimated_tokens(..., prose=True)`), so a chat page holds as much as the budget honestly allows."""

from __future__ import annotations

import math
from typing import Any

import orjson
from django.conf import settings
from pydantic import BaseModel

from mcp_gateway.protocol.tools.spec import ToolResult

# Room kept for the envelope's own fields (next_cursor, a continuation) when filling a page.
ENVELOPE_RESERVE = 600
# Code as JSON measured about 2.4 characters a token with Claude's tokenizer (a default get_file_content of
# the demo's code: 40,000 characters, 16,500 tokens); prose runs nearer 4, and a character outside ASCII
# takes 2 to 4 bytes of UTF-8 where it is often a token of its own. So a result is estimated by its UTF-8
# bytes as if it were all code: never under what it costs.
BYTES_PER_TOKEN = 2.4
# English prose runs about 4 characters a token with Claude's tokenizer (../shared/STACK-NOTES.md); 3.6 keeps
# a margin for names, numbers and the JSON around it. A byte outside ASCII counts as such a character: text
# in other scripts is overestimated, never under.
PROSE_BYTES_PER_TOKEN = 3.6
CODE_FENCE = "```"


def max_bytes() -> int:
    """The budget as UTF-8 bytes of JSON: what ALLOY_MCP_MAX_RESULT_TOKENS tokens of code take at least."""
    return int(settings.ALLOY_MCP_MAX_RESULT_TOKENS * BYTES_PER_TOKEN)


def estimated_tokens(text: str, *, prose: bool = False) -> int:
    """What `text` costs in tokens, estimated conservatively: as code (BYTES_PER_TOKEN), or with `prose`
    as prose but for what lies between code fences (and after an unclosed one), which counts as code."""
    size = len(text.encode())
    if not prose:
        return math.ceil(size / BYTES_PER_TOKEN)
    code = 0
    start = text.find(CODE_FENCE)
    while start != -1:
        end = text.find(CODE_FENCE, start + len(CODE_FENCE))
        stop = len(text) if end == -1 else end + len(CODE_FENCE)
        code += len(text[start:stop].encode())
        start = -1 if end == -1 else text.find(CODE_FENCE, stop)
    return math.ceil(code / BYTES_PER_TOKEN + (size - code) / PROSE_BYTES_PER_TOKEN)


def result_tokens(value: Any, *, prose: bool = False) -> int:
    """What a result (or a piece of one) costs as the JSON it is sent as. With `prose`, each string in it is
    estimated on its own, as prose but for its code fences, and the rest (keys, numbers, punctuation) as
    code: so the pieces of a result add up to at least what the whole costs, and a fence left open in one
    message never makes the next message count as code."""
    if not prose:
        return estimated_tokens(json_text(value))
    strings: list[str] = []
    skeleton = _hollowed(value, strings)
    return estimated_tokens(json_text(skeleton)) + sum(
        estimated_tokens(json_text(text), prose=True) for text in strings
    )


def _hollowed(value: Any, strings: list[str]) -> Any:
    """`value` with each string value (not key) set aside in `strings` and left empty."""
    if isinstance(value, str):
        strings.append(value)
        return ""
    if isinstance(value, dict):
        return {key: _hollowed(item, strings) for key, item in value.items()}
    if isinstance(value, list):
        return [_hollowed(item, strings) for item in value]
    return value


def json_text(value: Any) -> str:
    """Compact JSON, UTF-8 as is: what json.dumps(ensure_ascii=False, separators=(",", ":")) gives, at a
    tenth of the cost (orjson): results are sized message by message, then sent as text."""
    return orjson.dumps(value).decode()


def json_len(value: Any) -> int:
    """The UTF-8 bytes `value` takes as the JSON it is sent as."""
    return len(orjson.dumps(value))


def as_json_dict(model: BaseModel) -> dict[str, Any]:
    """A result model as the dict it is sent as (absent fields left out)."""
    return model.model_dump(mode="json", exclude_none=True)


def room_left(result: ToolResult) -> int:
    """Bytes still free for a result's items, given what it already holds: the budget, less the result so
    far, less room for its envelope's own fields (next_cursor, a continuation)."""
    return max_bytes() - json_len(result if isinstance(result, dict) else as_json_dict(result)) - ENVELOPE_RESERVE


def fit_count(sizes: list[int], room: int) -> int:
    """How many items, in order, fit in `room` bytes (each also costs a separating comma)."""
    used = count = 0
    for size in sizes:
        if used + size + 1 > room:
            break
        used += size + 1
        count += 1
    return count


def fit_lines(lines: list[str], room: int, start: int = 0) -> int:
    """How many whole lines, in order from `start`, fit in `room` bytes of one JSON string. Looks
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
    """The longest start of `text` whose JSON string form takes at most `room` bytes."""
    if json_len(text) <= room:
        return text
    low, high = 0, min(len(text), max(room, 0))
    while low < high:  # binary search: escapes and UTF-8 make JSON size differ from character count
        middle = (low + high + 1) // 2
        if json_len(text[:middle]) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low]
