"""list_session_files: a session's files (prototype) or changed files (dev), by path; with their text, or
with a map of each (its symbols and their lines) to read only what matters."""

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.cursors import decode_cursor, encode_cursor
from mcp_gateway.protocol.file_uris import links_to_files
from mcp_gateway.protocol.tools.budget import as_json_dict, json_len, room_left
from mcp_gateway.protocol.tools.calls import run_tool
from mcp_gateway.protocol.tools.results import FileView, PagedResult, SessionRefView, file_view, session_ref_view
from mcp_gateway.protocol.tools.spec import CursorArgument, SessionArgument, ToolSpec, read_only
from sessions_app import selectors
from sessions_app.models import MAX_PATH_LENGTH
from sessions_app.outline import Symbol

DESCRIPTION = """\
A session's files by path: size, language, binary; for a dev session, status and lines added and
removed. with_outline: each code file's symbols ("kind name:line", * where the change touched it).
with_content: each text file's text; the next page goes on where one is full.

Use it first: with_outline to see how the code is built, then read only the files or lines that matter;
with_content to read a small prototype whole.

Example: list_session_files(session="hBt7Qm2xLp9VwK4sRz8dNa", with_outline=true)"""

NO_MAP_WORDS = {
    "no_parser": "no parser here for its kind",
    "generated": "a lock file or generated",
    "too_large": "too large to map",
}


class SessionFilesResult(PagedResult):
    session: SessionRefView
    files: list[FileView]
    notes: list[str] | None = Field(default=None, description="What this page left out, and how to read it.")


async def list_session_files(
    session: SessionArgument,
    ctx: Context,
    path_prefix: Annotated[
        str | None,
        Field(description="Only paths starting with this, e.g. src/components/.", max_length=MAX_PATH_LENGTH),
    ] = None,
    with_content: Annotated[bool, Field(description="Also each text file's whole text.")] = False,
    with_outline: Annotated[bool, Field(description="Also each code file's symbols and their lines.")] = False,
    cursor: CursorArgument = None,
    limit: Annotated[int, Field(description="Files per page.", ge=1, le=selectors.MAX_FILES_PAGE)] = 200,
) -> Annotated[CallToolResult, SessionFilesResult]:
    return await run_tool(
        ctx,
        SPEC,
        session=session,
        path_prefix=path_prefix,
        with_content=with_content,
        with_outline=with_outline,
        cursor=cursor,
        limit=limit,
    )


def session_files(
    principal: Principal,
    *,
    session: str,
    path_prefix: str | None,
    with_content: bool = False,
    with_outline: bool = False,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """A page of files by path, as many as fit the budget; the cursor is the path the next page starts at.
    `with_content`: each text file with its whole text (never cut): the page ends before a file whose text
    does not fit, so the next page gives it whole; a file whose text could fit no page comes without it, and
    a note says how to read it. `with_outline`: each text file's symbols; a file without a map is named in
    a note with the reason."""
    (start_path,) = decode_cursor(cursor, "files", (str,)) if cursor else (None,)
    found, page = selectors.file_page(
        workspace=principal.workspace,
        session_ref=session,
        path_prefix=path_prefix,
        start_path=start_path,
        limit=limit,
    )
    # Built as the dict it is sent as (SessionFilesResult is its schema).
    result: dict[str, Any] = {"session": session_ref_view(found), "files": []}
    texts = selectors.current_texts(session=found, files=page.items) if with_content else {}
    maps = selectors.file_maps(session=found, files=page.items) if with_outline else {}
    notes = _Notes()
    room = page_room = room_left(result) - notes.reserve(with_content, with_outline)
    following = page.following
    for file in page.items:
        view = as_json_dict(file_view(file))
        mapped = maps.get(file.pk)
        if isinstance(mapped, selectors.FileMap):
            view["symbols"] = [_label(symbol, symbol in mapped.touched) for symbol in mapped.outline.symbols]
            if mapped.outline.more:
                view["more_symbols"] = mapped.outline.more
        size = json_len(view) + 1
        text, too_long = texts.get(file.pk), False
        if text is not None:
            with_text = size + json_len(text) + len(',"content":')
            if with_text <= room:
                view["content"], size = text, with_text
            elif with_text <= page_room and result["files"]:
                following = file  # it fits a page of its own: the next page begins with it, whole
                break
            else:
                too_long = True  # no page could hold it: listed without it, and said
        if size > room:
            following = file
            break
        result["files"].append(view)
        room -= size
        # Said only of the files this page lists: a file left for the next page is said there.
        if isinstance(mapped, str):
            notes.no_map(file.path, NO_MAP_WORDS[mapped])
        if too_long:
            notes.without_content(file.path)
    if following is not None:
        result["next_cursor"] = encode_cursor("files", following.path)
    if sentences := notes.sentences(found.public_id):
        result["notes"] = sentences
    return result


def _label(symbol: Symbol, touched: bool) -> str:
    return f"{symbol.kind} {symbol.name}:{symbol.line}{'*' if touched else ''}"


class _Notes:
    """The sentences that say what a page left out (a file without its text, files without a map)."""

    # Room kept for them: a sentence and a few paths each.
    RESERVE = 400

    def __init__(self) -> None:
        self.unmapped: dict[str, list[str]] = {}
        self.too_long: list[str] = []

    def reserve(self, with_content: bool, with_outline: bool) -> int:
        return self.RESERVE * (with_content + with_outline)

    def no_map(self, path: str, why: str) -> None:
        self.unmapped.setdefault(why, []).append(path)

    def without_content(self, path: str) -> None:
        self.too_long.append(path)

    def sentences(self, session_id: str) -> list[str]:
        said = [
            f"No map for {_paths(paths)} ({why}): read with get_file_content."
            for why, paths in sorted(self.unmapped.items())
        ]
        if self.too_long:
            said.append(
                f"{_paths(self.too_long)} came without content: longer than one result. Read by lines with"
                f' get_file_content(session="{session_id}", path=…, start_line=…, end_line=…).'
            )
        return said


def _paths(paths: list[str], shown: int = 5) -> str:
    named = ", ".join(paths[:shown])
    return named if len(paths) <= shown else f"{named} and {len(paths) - shown} more"


SPEC = ToolSpec(
    name="list_session_files",
    description=DESCRIPTION,
    handler=list_session_files,
    work=session_files,
    links=lambda result: links_to_files(result["session"]["id"], result["files"]),
    annotations=read_only("List Alloy session files"),
    shows_session=True,
)
