"""The URIs that name a session's files, as resources and in the tools' `resource_link` items.

`alloy://sessions/{session}/files/{+path}`: a prototype's file, or a dev session's changed file after the
change (before it, for a file the session deleted). `alloy://sessions/{session}/before/{+path}`: a dev
session's file before the change. The session is its public id; the path is percent-encoded but for its
slashes, so a `#`, `?` or space in a path cannot end the URI early.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from mcp_types import ResourceLink, ResourceTemplate

from sessions_app.storable import unstorable

FILES_PREFIX = "alloy://sessions/"
FILE_TEMPLATE = ResourceTemplate(
    uri_template="alloy://sessions/{session}/files/{+path}",
    name="session-file",
    title="Alloy session file",
    description=(
        "A file of an Alloy session: a prototype's file as the AI wrote it, or a dev session's changed file "
        "after the change. session: the session's id; path: the file's path, as list_session_files shows it."
    ),
)
BEFORE_TEMPLATE = ResourceTemplate(
    uri_template="alloy://sessions/{session}/before/{+path}",
    name="session-file-before",
    title="Alloy session file, before the change",
    description="A dev session's changed file as it was before the change (not for added files or prototypes).",
)
TEMPLATES = (FILE_TEMPLATE, BEFORE_TEMPLATE)
TEMPLATE_ARGUMENTS = ("session", "path")


@dataclass(frozen=True)
class FileAddress:
    """What a file URI names: a session (its id), a path, and "before" or None (the file's current content)."""

    session: str
    path: str
    version: str | None


def file_uri(session_id: str, path: str, *, before: bool = False) -> str:
    return f"{FILES_PREFIX}{quote(session_id, safe='')}/{'before' if before else 'files'}/{quote(path, safe='/')}"


def parse_file_uri(uri: str) -> FileAddress | None:
    """The file a URI names, or None when it is not one of the two shapes above."""
    if not uri.startswith(FILES_PREFIX):
        return None
    session, _, rest = uri[len(FILES_PREFIX) :].partition("/")
    kind, _, path = rest.partition("/")
    session, path = unquote(session), unquote(path)
    if not session or not path or kind not in ("files", "before") or unstorable(session) or unstorable(path):
        return None
    return FileAddress(session=session, path=path, version="before" if kind == "before" else None)


# Code Python's table does not know, or knows as something else (.ts is MPEG transport, to it).
CODE_TYPES = {".ts": "text/typescript", ".tsx": "text/typescript", ".jsx": "text/javascript", ".mjs": "text/javascript"}
TEXT_APPLICATION_TYPES = ("application/json", "application/javascript", "application/xml", "application/toml")


def media_type_of(path: str, *, media_type: str | None, binary: bool) -> str:
    """The MIME type a file is served with: the one it was imported with, else one from its name; a text
    file is never served as a binary type its name happens to suggest."""
    if media_type:
        return media_type
    extension = "." + path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    guessed = CODE_TYPES.get(extension) or mimetypes.guess_type(path, strict=False)[0]
    if binary:
        return guessed or "application/octet-stream"
    if guessed and (guessed.startswith("text/") or guessed in TEXT_APPLICATION_TYPES):
        return guessed
    return "text/plain"


def file_link(
    session_id: str, path: str, *, media_type: str | None, binary: bool, before: bool = False
) -> ResourceLink:
    """A link to a file, with what a host needs to open and attach it and nothing the result's JSON already
    says (its path is in the URI; its name is the file's name; its size is in the JSON)."""
    return ResourceLink(
        uri=file_uri(session_id, path, before=before),
        name=path.rsplit("/", 1)[-1],
        mime_type=media_type_of(path, media_type=media_type, binary=binary),
    )


def links_to_files(
    session_id: str, items: Iterable[Mapping[str, Any]], *, both_sides_of_changes: bool = False
) -> list[ResourceLink]:
    """A link to each file a result's items name (files, diffs or search hits), in order, each URI once. An
    item's `status` deleted or `version` before names the before version; with `both_sides_of_changes`
    (diffs), a modified file is linked before and after."""
    links: dict[str, ResourceLink] = {}
    for item in items:
        if (path := item.get("path")) is None:
            continue
        status = item.get("status")
        if both_sides_of_changes and status == "modified":
            sides = [False, True]
        else:
            sides = [item.get("version") == "before" or status == "deleted"]
        for before in sides:
            link = file_link(
                session_id,
                path,
                media_type=item.get("media_type"),
                binary=bool(item.get("binary")),
                before=before,
            )
            links.setdefault(link.uri, link)
    return list(links.values())
