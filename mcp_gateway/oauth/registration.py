"""What a client registration (RFC 7591) must be before anything of it is stored.

django-oauth-toolkit stores what it is given: a NUL in a redirect URI was a 500 (PostgreSQL refuses
it), JSON nested 50,000 deep a 500 (Python's parser recurses), and one client held 20,000 redirect URIs.
Here a registration is checked first — size, nesting, characters (no controls, and no invisible formatting
such as a right-to-left override, which would make a client's name or address read as another on the
consent page), how many redirect URIs and how long each field — and each problem is a 400 in RFC 7591's
format that says what is accepted.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from alloy.visible import INVISIBLE

MAX_BODY_BYTES = 65_536
MAX_DEPTH = 8  # a JWKS inside the metadata is 4 deep
MAX_REDIRECT_URIS = 10
MAX_NAME_CHARS = 255  # the application's name column
MAX_TEXT_CHARS = 2_000  # any other text: a redirect URI, a URL, a scope


@dataclass(frozen=True)
class RegistrationProblem:
    error: str  # invalid_client_metadata or invalid_redirect_uri (RFC 7591 §3.2.2)
    description: str


def registration_problem(body: bytes) -> RegistrationProblem | None:
    """Why this registration request cannot be stored; None when it may go on to the toolkit."""
    if len(body) > MAX_BODY_BYTES:
        return _metadata(f"The registration is {len(body):,} bytes; at most {MAX_BODY_BYTES:,} are accepted.")
    try:
        document = json.loads(body)
    except RecursionError:
        return _metadata(f"The registration is nested too deeply; at most {MAX_DEPTH} levels are accepted.")
    except ValueError:
        return _metadata("The registration must be a JSON object (RFC 7591).")
    if not isinstance(document, dict):
        return _metadata("The registration must be a JSON object (RFC 7591).")
    if problem := _shape_problem(document):
        return problem
    return _redirect_uris_problem(document.get("redirect_uris"))


def _metadata(description: str) -> RegistrationProblem:
    return RegistrationProblem("invalid_client_metadata", description)


def _shape_problem(document: dict[str, Any]) -> RegistrationProblem | None:
    """Depth, characters and lengths of everything in the document, walked without recursion."""
    todo: list[tuple[str, Any, int]] = [(name, value, 1) for name, value in document.items()]
    while todo:
        field, value, depth = todo.pop()
        if depth > MAX_DEPTH:
            return _metadata(f"{field} is nested too deeply; at most {MAX_DEPTH} levels are accepted.")
        if isinstance(value, dict):
            todo += [(f"{field}.{name}", item, depth + 1) for name, item in value.items()]
            texts = list(value)
        elif isinstance(value, list):
            todo += [(f"{field}[{index}]", item, depth + 1) for index, item in enumerate(value)]
            texts = []
        else:
            texts = [value] if isinstance(value, str) else []
        for text in texts:
            if problem := _text_problem(field, text):
                return problem
    return None


def _text_problem(field: str, text: str) -> RegistrationProblem | None:
    error = "invalid_redirect_uri" if field.startswith("redirect_uris[") else "invalid_client_metadata"
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in text):
        return RegistrationProblem(error, f"{field} holds a control character (such as NUL); send it without.")
    if invisible := next((char for char in text if char in INVISIBLE), None):
        # A right-to-left override (U+202E) makes a name or a path read as something else on the consent page.
        return RegistrationProblem(
            error,
            f"{field} holds U+{ord(invisible):04X}, an invisible formatting character (such as a direction"
            " override) that changes how the text reads; send it without.",
        )
    limit = MAX_NAME_CHARS if field == "client_name" else MAX_TEXT_CHARS
    if len(text) > limit:
        return RegistrationProblem(error, f"{field} is {len(text):,} characters long; at most {limit:,} are accepted.")
    return None


def _redirect_uris_problem(redirect_uris: Any) -> RegistrationProblem | None:
    """How many (each one's characters and length were checked with the rest)."""
    if not isinstance(redirect_uris, list):
        return None  # the toolkit says what it needs
    if len(redirect_uris) > MAX_REDIRECT_URIS:
        return RegistrationProblem(
            "invalid_redirect_uri",
            f"{len(redirect_uris):,} redirect URIs were sent; at most {MAX_REDIRECT_URIS} are accepted.",
        )
    return None
