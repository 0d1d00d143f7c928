"""The session view: an MCP App (extension io.modelcontextprotocol/ui) that hosts such as Claude render
inside the chat beside the session tools' results.

The view is one self-contained HTML file built from `session_view/` (its README says how, and why the
built file is committed). It asks the network for nothing: its scripts and styles are inline, so its
`_meta.ui.csp` declares no origin, and everything it shows comes from the host — the tool's input and
result, and the tools it calls through the host (get_chat_history's next page, a file, a diff).
Clients without the extension ignore `_meta` and see exactly the tools they always saw.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from mcp_types import Resource, TextResourceContents

VIEW_URI = "ui://alloy/session-view.html"
VIEW_MIME_TYPE = "text/html;profile=mcp-app"
BUILT_VIEW = settings.BASE_DIR / "session_view" / "dist" / "session-view.html"

# No origin at all: the view fetches nothing, loads nothing, and frames nothing.
VIEW_UI_META: dict[str, Any] = {"csp": {"connectDomains": [], "resourceDomains": [], "frameDomains": []}}

# What a session tool carries so that a host renders the view with its result: the nested form of the
# 2026-01-26 specification and the flat key hosts of the first drafts read (ext-apps' registerAppTool
# writes both).
TOOL_UI_META: dict[str, Any] = {"ui": {"resourceUri": VIEW_URI}, "ui/resourceUri": VIEW_URI}

VIEW_RESOURCE = Resource(
    uri=VIEW_URI,
    name="session-view",
    title="Alloy session view",
    description="The chat, files and changes of an Alloy session, shown inside the host (an MCP App).",
    mime_type=VIEW_MIME_TYPE,
    _meta={"ui": VIEW_UI_META},
)


@functools.cache
def view_html() -> str:
    """The built view, read once per process (about 100 KB)."""
    return BUILT_VIEW.read_text(encoding="utf-8")


def view_contents() -> TextResourceContents:
    return TextResourceContents(uri=VIEW_URI, mime_type=VIEW_MIME_TYPE, text=view_html(), _meta={"ui": VIEW_UI_META})
