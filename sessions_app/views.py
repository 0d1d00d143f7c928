"""The product's pages for sessions: the home page, and a session at its link's URL (members only)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sessions_app import selectors
from sessions_app.errors import SessionContextError
from sessions_app.highlight import highlight_diff, highlight_file, stylesheet
from sessions_app.models import Session, SessionFile
from sessions_app.tenancy import restrict_to_workspace
from workspaces.models import Workspace
from workspaces.selectors import membership_for_slug, workspaces_for_user

MESSAGES_PER_PAGE = 50
FILES_PER_PAGE = 200
DIFFS_PER_PAGE = 10
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    workspaces = list(workspaces_for_user(user=request.user))
    recent = Session.objects.filter(workspace__in=workspaces).select_related("workspace").order_by("-updated_at")[:10]
    return render(request, "sessions_app/home.html", {"workspaces": workspaces, "recent": recent})


@dataclass
class FileTreeNode:
    """A folder of the file tree: its sub-folders and its files (as SessionFile rows)."""

    name: str
    folders: dict[str, FileTreeNode] = field(default_factory=dict)
    files: list[SessionFile] = field(default_factory=list)

    @property
    def sorted_folders(self) -> list[FileTreeNode]:
        return [self.folders[name] for name in sorted(self.folders)]


def file_tree(files: list[SessionFile]) -> FileTreeNode:
    root = FileTreeNode(name="")
    for file in files:
        node = root
        *folders, _ = file.path.split("/")
        for folder in folders:
            node = node.folders.setdefault(folder, FileTreeNode(name=folder))
        node.files.append(file)
    return root


def _int_param(request: HttpRequest, name: str) -> int:
    """A page position from the query string; anything but 1-9 ASCII digits ("²", "-3", 10^20) means 0."""
    value = request.GET.get(name, "0")
    return int(value) if PAGE_NUMBER.fullmatch(value) else 0


@login_required
def session_page(request: HttpRequest, slug: str, session_id: str, kind: str) -> HttpResponse:
    """A session: metadata, the chat (paged), the files (paged), one file, and a dev session's diffs."""
    membership = membership_for_slug(user=request.user, slug=slug)
    if membership is None:
        raise Http404("No such session.")
    with transaction.atomic():
        # The database wall too (sessions_app/tenancy.py): every read below sees only this workspace's rows.
        restrict_to_workspace(membership.workspace.pk)
        return _session_page(request, membership.workspace, session_id, kind)


def _session_page(request: HttpRequest, workspace: Workspace, session_id: str, kind: str) -> HttpResponse:
    try:
        session, chat = selectors.message_page(
            workspace=workspace,
            session_ref=session_id,
            start_index=_int_param(request, "from"),
            limit=MESSAGES_PER_PAGE,
        )
    except SessionContextError:
        raise Http404("No such session.") from None
    if session.kind != kind:  # a prototype link to a dev session, or the other way round
        return redirect(session.link())
    # The session in full (a chat page carries only what the chat shows of it).
    session, files = selectors.file_page(
        workspace=workspace, session_ref=session_id, start_path=request.GET.get("files_from"), limit=FILES_PER_PAGE
    )
    context = {
        "session": session,
        "chat": chat,
        "files": files,
        "tree": file_tree(files.items),
        "pygments_css": stylesheet(),
    }
    if path := request.GET.get("file"):
        try:
            text = selectors.file_text(workspace=workspace, session_ref=session_id, path=path)
        except SessionContextError as error:
            context["file_error"] = str(error)
        else:
            context["file"] = text
            context["file_html"] = None if text.is_binary else highlight_file(text.file.path, text.text)
    if session.kind == Session.Kind.DEV:
        _, diffs = selectors.diff_page(
            workspace=workspace, session_ref=session_id, start_path=request.GET.get("diffs_from"), limit=DIFFS_PER_PAGE
        )
        context["diffs"] = diffs
        context["diff_html"] = [
            (entry, None if entry.diff is None else highlight_diff(entry.diff.text)) for entry in diffs.items
        ]
    return render(request, "sessions_app/session.html", context)
