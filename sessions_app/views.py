"""The product's pages for sessions: the home page, and a session at its link's URL (members only)."""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from alloy.replicas import on_a_replica
from sessions_app import selectors
from sessions_app.announce import SessionChange
from sessions_app.diff_view import DiffLayout, diff_layout
from sessions_app.errors import InvalidArgument, SessionContextError
from sessions_app.file_tree import TreeEntry, file_tree
from sessions_app.following import session_change_events
from sessions_app.forms import SessionFilterForm, page_key
from sessions_app.highlight import highlighted_lines, lexer_for_path, stylesheet
from sessions_app.markdown import chat_html
from sessions_app.models import Session, SessionFile
from sessions_app.page_search import HitLink, hit_key, hit_position, marked
from sessions_app.pagination import Page
from sessions_app.search.in_session import session_search
from sessions_app.tenancy import as_person, only_workspace
from workspaces.access import member_or_404, person_of
from workspaces.models import User, Workspace
from workspaces.selectors import membership_for_slug, workspaces_for_user

SESSIONS_PER_PAGE = 20
# The home page counts a list's sessions up to this many ("more than 1,000" past it).
COUNTED_SESSIONS = 1_000
MESSAGES_PER_PAGE = 50
FILES_PER_PAGE = 200
DIFFS_PER_PAGE = 10
FILE_LINES_PER_PAGE = 2_000
DIFF_ROWS_PER_PAGE = 4_000
# A message longer than this starts collapsed behind "Show more" (where scripts run).
LONG_MESSAGE_CHARS = 1_500
LONG_MESSAGE_LINES = 24
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")
# Query parameters that say what the files pane shows; the chat's own (`from`) survive opening a file.
FILE_PARAMETERS = ("file", "version", "lines_from")
PANE_PARAMETER = "pane"
SEARCH_PARAMETER = "q"
SEARCH_HITS_PER_PAGE = 50
HITS_PARAMETER = "hits_from"
# `?wide=1`: the files pane across the page, the chat folded away (a dev session's diffs get the room).
WIDE_PARAMETER = "wide"
# `?layout=unified`: this page's diffs unified whatever the person's choice; the page's script asks for it
# on screens narrower than a split diff can be read on (static/alloy.js).
LAYOUT_PARAMETER = "layout"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Sessions of one of the person's workspaces: search by title, filter by kind and status, paged."""
    workspaces = list(workspaces_for_user(user=person_of(request)))
    form = SessionFilterForm(request.GET, workspace_choices=[(w.slug, w.name) for w in workspaces])
    context: dict = {"workspaces": workspaces, "form": form}
    if not workspaces:
        return render(request, "sessions_app/home.html", context)
    # An invalid form still cleans its valid fields: a bad filter keeps the chosen workspace, unfiltered.
    filters = form.cleaned_data if form.is_valid() else {}
    workspace = next((w for w in workspaces if w.slug == form.cleaned_data.get("workspace")), workspaces[0])

    listing: dict[str, Any] = {
        "workspace": workspace,
        "query": filters.get("q") or None,
        "kind": filters.get("kind") or None,
        "status": filters.get("status") or None,
    }
    start = filters.get("after")

    def read_page() -> tuple[Page[Session], Session | None, int]:
        with only_workspace(workspace.pk):
            page = selectors.session_list(**listing, start=start, limit=SESSIONS_PER_PAGE)
            before = selectors.session_list_before(**listing, start=start, limit=SESSIONS_PER_PAGE) if start else None
            return page, before, selectors.session_count(**listing, cap=COUNTED_SESSIONS)

    page, previous, total = on_a_replica(read_page)  # on a replica when there is one (alloy/replicas.py)
    number = _int_param(request, "page", 1) if start else 1
    context |= {
        "workspace": workspace,
        "sessions": page.items,
        "total": total,
        "counted": COUNTED_SESSIONS,
        "page_number": number,
        "filtered": any(filters.get(name) for name in ("q", "kind", "status")),
        "next_page": _query(request.GET, after=page_key(page.following), page=number + 1) if page.following else None,
        "previous_page": (
            _query(request.GET, after=page_key(previous), page=max(2, number - 1))
            if previous
            else _query(request.GET, after=None, page=None)
        )
        if start
        else None,
    }
    return render(request, "sessions_app/home.html", context)


def _int_param(request: HttpRequest, name: str, default: int = 0) -> int:
    """A page position from the query string; anything but 1-9 ASCII digits ("²", "-3", 10^20) means default."""
    value = request.GET.get(name, "")
    return int(value) if PAGE_NUMBER.fullmatch(value) else default


def _query(params: QueryDict, **changes: object) -> str:
    """The query string `params` make with `changes` applied (None removes one); never the pane marker."""
    merged = {key: params.get(key) for key in params if key != PANE_PARAMETER}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return "?" + urlencode(merged) if merged else "?"


def diff_anchor(path: str) -> str:
    """A fragment id for a file's diff (paths may hold characters an id should not)."""
    return "diff-" + hashlib.sha256(path.encode()).hexdigest()[:12]


@login_required
def session_page(request: HttpRequest, slug: str, session_id: str, kind: str) -> HttpResponse:
    """A session for review: the chat beside its files (the open file, or a dev session's changes).

    With `?pane=files` only the files pane is rendered: the page's script swaps it in place, so opening a
    file keeps the chat where the reader left it. Without scripts every link is a plain page load.
    """
    membership = member_or_404(request, slug)

    # The database wall too (sessions_app/tenancy.py): every read below sees only this workspace's rows,
    # on a replica when there is one (alloy/replicas.py).
    def read_page() -> HttpResponse:
        with only_workspace(membership.workspace.pk):
            return _session_page(request, membership.workspace, session_id, kind)

    return on_a_replica(read_page)


def _session_page(request: HttpRequest, workspace: Workspace, session_id: str, kind: str) -> HttpResponse:
    try:
        session, files = selectors.file_page(
            workspace=workspace, session_ref=session_id, start_path=request.GET.get("files_from"), limit=FILES_PER_PAGE
        )
    except SessionContextError:
        raise Http404("No such session.") from None
    if session.kind != kind:  # a prototype link to a dev session, or the other way round
        return redirect(session.link())
    params = request.GET
    changes_link = _query(params, **dict.fromkeys(FILE_PARAMETERS))  # the pane without a file open
    file_links = changes_link + ("&" if changes_link != "?" else "")
    wide = params.get(WIDE_PARAMETER) == "1"
    context = {
        "session": session,
        "files": files,
        "changes_link": changes_link,
        "file_links": file_links,
        "more_files": _query(params, files_from=files.following.path) if files.following else None,
        "pygments_css": stylesheet(),
        "wide": wide,
        "wide_link": _query(params, **{WIDE_PARAMETER: None if wide else "1"}),
        # The page with the chat hidden, as the person chose it: a split diff unified for want of room gets it.
        "roomy_link": _query(params, **{WIDE_PARAMETER: "1", PANE_PARAMETER: None, LAYOUT_PARAMETER: None}),
        # A search keeps the file that is open.
        "open_file_parameters": [(name, params[name]) for name in FILE_PARAMETERS if params.get(name)],
    }
    if path := params.get("file"):
        context |= _file_context(request, workspace, session, path)
    elif session.kind == Session.Kind.DEV:
        context |= _changes_context(request, workspace, session, files)
    context["tree"] = file_tree([_tree_entry(file, context, params, file_links) for file in files.items])
    if params.get(PANE_PARAMETER) == "messages":  # a running chat's new messages, for its page to add
        return render(request, "sessions_app/chat_messages.html", _chat_context(request, workspace, session))
    if params.get(PANE_PARAMETER) == "files":  # the pane alone, to swap in place (wide or not)
        return render(request, "sessions_app/files_pane.html", context)
    if wide:  # the pane across the page: no chat read
        return render(request, "sessions_app/session.html", context)
    if query := params.get(SEARCH_PARAMETER, "").strip():
        context |= _search_context(workspace, session, query, params)
    else:
        context |= _chat_context(request, workspace, session)
    return render(request, "sessions_app/session.html", context)


@login_required
def session_events(request: HttpRequest, slug: str, session_id: str) -> HttpResponseBase:
    """Server-sent events for a running session's page (sessions_app/following.py): its state, then each change
    (counts and status) as it commits. 204 for a session that is not running: nothing to follow, and a browser's
    EventSource does not reconnect after it."""
    workspace = member_or_404(request, slug).workspace
    person = person_of(request)

    def read() -> SessionChange:
        """The session as it is, while the person still belongs to its workspace; "gone" otherwise."""
        try:
            with as_person(person.pk):  # memberships are behind the wall (workspaces migration 0003)
                if membership_for_slug(user=person, slug=slug) is None:
                    raise SessionContextError("No longer a member.")
            with only_workspace(workspace.pk):
                session = selectors.session_get(workspace=workspace, ref=session_id)
        except SessionContextError:
            return SessionChange(0, 0, 0, status="gone")
        return SessionChange.of(session)

    def read_afresh() -> SessionChange:  # in a thread of its own, which gives its connection back
        try:
            return read()
        finally:
            connection.close()

    first = read()
    if first.status == "gone":
        raise Http404("No such session.")
    if first.status != Session.Status.ACTIVE:
        return HttpResponse(status=204)
    response = StreamingHttpResponse(session_change_events(first, read_afresh), content_type="text/event-stream")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # a proxy in front must pass each event on at once
    return response


def message_address(params: QueryDict, index: int) -> str:
    """Where message `index` is: the page of the chat that holds it, at its anchor. Pages start at multiples
    of MESSAGES_PER_PAGE, so a message has one address (its permalink) whatever page linked to it."""
    page_start = index - index % MESSAGES_PER_PAGE
    return _query(params, **{SEARCH_PARAMETER: None, HITS_PARAMETER: None, "from": page_start}) + f"#m{index}"


def _chat_context(request: HttpRequest, workspace: Workspace, session: Session) -> dict:
    """A page of the chat, where it sits in the whole (messages #50 to #99 of 130), each message with its
    permalink."""
    params = request.GET
    start_index = _int_param(request, "from")
    _, chat = selectors.message_page(
        workspace=workspace, session_ref=session.public_id, start_index=start_index, limit=MESSAGES_PER_PAGE
    )
    earlier = max(0, start_index - MESSAGES_PER_PAGE)
    no_params = QueryDict()  # a permalink is the message's page and anchor alone
    return {
        "messages_shown": [
            (message, chat_html(message.content), _is_long(message.content), message_address(no_params, message.index))
            for message in chat.items
        ],
        "messages_per_page": MESSAGES_PER_PAGE,
        "first_shown": chat.items[0].index if chat.items else None,
        "last_shown": chat.items[-1].index if chat.items else None,
        "earlier_messages": _query(params, **{"from": earlier}) if start_index else None,
        "earlier_range": (earlier, start_index - 1),
        "later_messages": _query(params, **{"from": chat.following.index}) if chat.following else None,
        "later_index": chat.following.index if chat.following else None,
    }


def _search_context(workspace: Workspace, session: Session, query: str, params: QueryDict) -> dict:
    """The session's hits for `query` (its chat, then its files), in place of the chat: each links to the
    message on its page of the chat or to the line in its file."""
    start = hit_position(params.get(HITS_PARAMETER, ""))
    try:
        page = session_search(
            workspace=workspace, session_ref=session.public_id, query=query, start=start, limit=SEARCH_HITS_PER_PAGE
        )
    except InvalidArgument as error:
        return {"query": query, "search_error": str(error)}
    links = []
    for hit in page.hits:
        if hit.kind == "message":
            href = message_address(params, hit.message_index or 0)
        else:
            line = hit.line or 1
            href = (
                _query(
                    params,
                    file=hit.path,
                    version="before" if hit.version == "before" else None,
                    lines_from=line - (line - 1) % FILE_LINES_PER_PAGE if line > FILE_LINES_PER_PAGE else None,
                )
                + f"#L{line}"
            )
        links.append(HitLink(hit=hit, href=href, snippet=marked(hit.snippet, page.words)))
    return {
        "query": query,
        "hits": links,
        "hits_from_start": start is not None,
        "more_hits": _query(params, **{HITS_PARAMETER: hit_key(page.following)}) if page.following else None,
        "first_hits": _query(params, **{HITS_PARAMETER: None}) if start is not None else None,
        "end_search": _query(params, **{SEARCH_PARAMETER: None, HITS_PARAMETER: None}),
    }


def _tree_entry(file: SessionFile, context: dict, params: QueryDict, file_links: str) -> TreeEntry:
    """A prototype's files open in the pane; a dev session's jump to their diff (in place when this page
    shows it), as a pull request's file list does — each diff links to its whole file."""
    current = file.path == context.get("file_path")
    if not file.status:
        return TreeEntry(file, f"{file_links}file={quote(file.path, safe='/')}", True, current)
    anchor = "#" + diff_anchor(file.path)
    if file.path in context.get("paths_on_page", ()):
        return TreeEntry(file, anchor, False, current)
    page_with_it = _query(params, **dict.fromkeys(FILE_PARAMETERS), diffs_from=file.path)
    return TreeEntry(file, page_with_it + anchor, True, current)


def _is_long(content: str) -> bool:
    return len(content) > LONG_MESSAGE_CHARS or content.count("\n") > LONG_MESSAGE_LINES


def _file_context(request: HttpRequest, workspace: Workspace, session: Session, path: str) -> dict:
    """One file, a window of its lines numbered (`#L10` and `#L10-L20` link to them)."""
    params = request.GET
    version = params.get("version") if params.get("version") in ("before", "after") else None
    first = max(1, _int_param(request, "lines_from", 1))

    def window(start: int) -> selectors.FileText:
        return selectors.file_text(
            workspace=workspace,
            session_ref=session.public_id,
            path=path,
            version=version,
            start_line=start,
            end_line=start + FILE_LINES_PER_PAGE - 1,
        )

    try:
        try:
            text = window(first)
        except InvalidArgument:
            if first == 1:
                raise
            first, text = 1, window(1)  # past the end (a stale link): the file from its start
    except SessionContextError as error:
        return {"file_error": str(error), "file_path": path}
    lines = [] if text.is_binary else highlighted_lines(text.text, lexer_for_path(text.file.path))
    context = {
        "file": text,
        "file_path": text.file.path,
        "file_lines": list(enumerate(lines, start=text.start_line)),
        "lines_per_page": FILE_LINES_PER_PAGE,
        "earlier_lines": _query(params, lines_from=max(1, first - FILE_LINES_PER_PAGE)) if first > 1 else None,
        "later_lines": _query(params, lines_from=text.end_line + 1) if text.end_line < text.total_lines else None,
    }
    if session.kind == Session.Kind.DEV and text.file.before_id and text.file.after_id:
        context["versions"] = [
            (name, _query(params, version=name, lines_from=None), name == text.version) for name in ("before", "after")
        ]
    return context


def _laid_out(entries: list[selectors.DiffEntry], params: QueryDict) -> list[tuple]:
    """(entry, anchor, layout, link to show it alone) for each diff of the page. Laying out and highlighting
    costs about 70 µs a row, so a page lays out DIFF_ROWS_PER_PAGE rows at most: the first diff always, then
    each that still fits; the others offer a link to a page that starts with them."""
    budget = DIFF_ROWS_PER_PAGE
    laid_out: list[tuple[selectors.DiffEntry, str, DiffLayout | None, str | None]] = []
    for number, entry in enumerate(entries):
        anchor = diff_anchor(entry.file.path)
        rows = len(entry.diff.lines) if entry.diff else 0
        if entry.diff is None or not (number == 0 or rows <= budget):
            alone = _query(params, diffs_from=entry.file.path) + "#" + anchor
            laid_out.append((entry, anchor, None, alone if entry.diff else None))
            continue
        budget -= rows
        laid_out.append((entry, anchor, diff_layout(entry.diff, lexer_for_path(entry.file.path)), None))
    return laid_out


def _changes_context(request: HttpRequest, workspace: Workspace, session: Session, files: Page[SessionFile]) -> dict:
    """A page of a dev session's diffs, as the person last chose to read them (unified or split), under
    a line of totals for the whole session (files changed, lines added and removed)."""
    params = request.GET
    ignore_whitespace = params.get("w") == "1"
    _, diffs = selectors.diff_page(
        workspace=workspace,
        session_ref=session.public_id,
        start_path=params.get("diffs_from"),
        limit=DIFFS_PER_PAGE,
        ignore_whitespace=ignore_whitespace,
    )
    user = person_of(request)
    return {
        "diffs": _laid_out(diffs.items, params),
        "paths_on_page": {entry.file.path for entry in diffs.items},
        "more_changes": _query(params, diffs_from=diffs.following.file.path) if diffs.following else None,
        "whitespace_link": _query(params, w=None if ignore_whitespace else "1"),
        "ignore_whitespace": ignore_whitespace,
        # Where the layout buttons come back to: the whole page (never the pane alone), the person's choice.
        "page_address": request.path + _query(params, **{LAYOUT_PARAMETER: None}),
        # What the person chose (the toggle shows it), and what this page shows: unified where it lacks room.
        "chosen_split": user.diff_view == User.DiffView.SPLIT,
        "split": user.diff_view == User.DiffView.SPLIT and params.get(LAYOUT_PARAMETER) != "unified",
        # The tree's page holds every changed file unless it was paged: add them up here, else ask the database.
        "totals": selectors.ChangeTotals.of(files.items)
        if not (files.following or params.get("files_from"))
        else selectors.change_totals(session=session),
    }
