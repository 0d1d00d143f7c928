"""Session links: what a person pastes into Claude, and what we make of it.

Accepted shapes (ALLOY_LINK_HOSTS decides the hosts):

    https://alloy.app/<workspace>/p/<id>/edit     a prototype session
    https://alloy.app/<workspace>/p/dev/<id>      a dev session

`http`, `www.`, extra path segments, a query, a fragment and a trailing slash are tolerated, and so is
a bare session id; so are what chat apps put around a link (`<…>`, quotes) and a sentence's trailing
punctuation (`.`, `,`, `)`). Parsing is pure: no database, no settings unless the caller leaves `link_hosts` out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from sessions_app.errors import InvalidSessionLink
from workspaces.models import WORKSPACE_SLUG_PATTERN

MAX_LINK_LENGTH = 2048
ACCEPTED_SHAPES = (
    "a session link like https://alloy.app/<workspace>/p/<id>/edit (prototype) or "
    "https://alloy.app/<workspace>/p/dev/<id> (dev), or a bare session id"
)

SESSION_ID_PATTERN = r"[A-Za-z0-9_-]{8,64}"  # a session's public id: the model, imports and links check it
_SESSION_ID = re.compile(SESSION_ID_PATTERN)
_WORKSPACE_SLUG = re.compile(WORKSPACE_SLUG_PATTERN)


@dataclass(frozen=True)
class SessionRef:
    """What a link names. `workspace_slug` is None for a bare id. (The link's kind is not kept: a session
    is found by its id, and its own kind is the one that counts.)"""

    session_id: str
    workspace_slug: str | None = None


def parse_session_ref(text: str, *, link_hosts: list[str] | None = None) -> SessionRef:
    """Turn a pasted link or bare id into a `SessionRef`; raise `InvalidSessionLink` otherwise."""
    if link_hosts is None:
        link_hosts = settings.ALLOY_LINK_HOSTS
    if not isinstance(text, str):
        raise InvalidSessionLink(f"Expected {ACCEPTED_SHAPES}.")
    candidate = unwrap_pasted(text)
    if not candidate:
        raise InvalidSessionLink(f"The session is empty; give {ACCEPTED_SHAPES}.")
    if len(candidate) > MAX_LINK_LENGTH:
        raise InvalidSessionLink(
            f"That is {len(candidate):,} characters, longer than any session link; give {ACCEPTED_SHAPES}."
        )
    if not candidate.isascii():
        raise InvalidSessionLink(f"Session links and ids are plain ASCII; give {ACCEPTED_SHAPES}.")
    if _SESSION_ID.fullmatch(candidate):
        return SessionRef(session_id=candidate)
    return _parse_link(candidate, link_hosts=link_hosts)


# What chat apps and prose put around a pasted link: Slack and Markdown autolinks (<…>), quotes, and the
# punctuation of the sentence it ends. None of these can end a session id or a link's path we read.
_OPENERS = "<([{\"'`\u201c\u2018"  # \u201c \u2018: typographic opening quotes
_CLOSERS = ">)]}\"'`\u201d\u2019.,;:!?"


def unwrap_pasted(text: str) -> str:
    """`text` without the quotes, brackets and trailing punctuation around a pasted link or id."""
    candidate = text.strip()
    while candidate and (candidate[0] in _OPENERS or candidate[-1] in _CLOSERS):
        candidate = candidate.lstrip(_OPENERS).rstrip(_CLOSERS).strip()
    return candidate


def _parse_link(candidate: str, *, link_hosts: list[str]) -> SessionRef:
    # People paste links without a scheme ("alloy.app/acme/p/…"); read those as https. Text with
    # neither a scheme nor a path is no link at all (and too short or odd for an id).
    if "://" not in candidate:
        if "/" not in candidate or any(char.isspace() for char in candidate):
            raise InvalidSessionLink(f"That is not a link we can read, nor a session id; give {ACCEPTED_SHAPES}.")
        candidate = "https://" + candidate
    try:
        parts = urlsplit(candidate)
        host = (parts.hostname or "").lower()
    except ValueError:
        raise InvalidSessionLink(f"That is not a link we can read; give {ACCEPTED_SHAPES}.") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise InvalidSessionLink(f"That is not a link we can read; give {ACCEPTED_SHAPES}.")
    if host.startswith("www."):
        host = host[4:]
    if host not in link_hosts:
        hosts = ", ".join(link_hosts)
        raise InvalidSessionLink(
            f"Links to {host} are not Alloy session links (accepted hosts: {hosts}); give {ACCEPTED_SHAPES}."
        )
    segments = [segment for segment in parts.path.split("/") if segment]
    ref = _ref_from_segments(segments)
    if ref is None:
        raise InvalidSessionLink(f"That link does not point at a session; give {ACCEPTED_SHAPES}.")
    return ref


def _ref_from_segments(segments: list[str]) -> SessionRef | None:
    # <workspace>/p/dev/<id>[/…]  or  <workspace>/p/<id>[/edit][/…]
    if len(segments) < 3 or segments[1] != "p" or not _WORKSPACE_SLUG.fullmatch(segments[0]):
        return None
    workspace_slug = segments[0]
    if segments[2] == "dev" and len(segments) >= 4 and _SESSION_ID.fullmatch(segments[3]):
        return SessionRef(session_id=segments[3], workspace_slug=workspace_slug)
    if _SESSION_ID.fullmatch(segments[2]):
        return SessionRef(session_id=segments[2], workspace_slug=workspace_slug)
    return None


def session_link(*, workspace_slug: str, kind: str, session_id: str, base_url: str | None = None) -> str:
    """The canonical link for a session, on ALLOY_PUBLIC_URL unless `base_url` is given."""
    base = (base_url or settings.ALLOY_PUBLIC_URL).rstrip("/")
    if kind == "dev":
        return f"{base}/{workspace_slug}/p/dev/{session_id}"
    return f"{base}/{workspace_slug}/p/{session_id}/edit"
