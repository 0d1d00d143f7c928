"""Search within one session: where words occur in its chat and its files (both versions of a dev
session's changed files, which is where its diffs come from).

Every word must occur in a message (as a word, English-stemmed, on PostgreSQL) or a file version (as a
case-insensitive substring) for it to match; hits come in order — messages by index, then files by path,
each file's lines in order — and are keyset paged. Messages are found through the chat search table's
full-text index (migration 0009), file contents through the content search table's trigram index, keyed
by workspace (migration 0012); lines and snippets are cut here. Neither ever reads another workspace's
rows, so what a search costs does not depend on what other workspaces hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from sessions_app.errors import InvalidArgument
from sessions_app.models import Session, SessionFile
from sessions_app.pagination import check_limit
from sessions_app.search import MAX_QUERY_LENGTH
from sessions_app.selectors import session_get
from sessions_app.tenancy import planned_for_their_values
from workspaces.models import Workspace

MAX_SEARCH_PAGE = 50
MAX_WORDS = 8
SNIPPET_CHARS = 160
VERSIONS = ("after", "before")  # a file's current content first, then what it replaced
# Letters and digits in every locale, so pg_trgm never cuts a word inside one of these runs.
TRIGRAM_RUN = re.compile(r"[A-Za-z0-9]{3,}")


@dataclass(frozen=True)
class SearchHit:
    kind: Literal["message", "file"]
    snippet: str
    message_index: int | None = None
    role: str | None = None
    path: str | None = None
    version: str | None = None
    line: int | None = None

    @property
    def position(self) -> tuple:
        """Where the next page starts if this hit is its first: (0, index) or (1, path, version, line)."""
        if self.kind == "message":
            return (0, self.message_index)
        return (1, self.path, VERSIONS.index(self.version), self.line)


@dataclass(frozen=True)
class SearchPage:
    session: Session
    words: list[str]
    hits: list[SearchHit]
    following: SearchHit | None


def search_words(query: str) -> list[str]:
    words = query.split()
    if not words:
        raise InvalidArgument("query must hold at least one word to look for.")
    if len(query) > MAX_QUERY_LENGTH or len(words) > MAX_WORDS:
        raise InvalidArgument(f"query must be at most {MAX_WORDS} words and {MAX_QUERY_LENGTH} characters.")
    return words


def session_search(
    *, workspace: Workspace, session_ref: str, query: str, start: tuple | None = None, limit: int = 20
) -> SearchPage:
    """Hits for every word of `query` in the session, in order from `start` (a hit's `position`)."""
    check_limit(limit, maximum=MAX_SEARCH_PAGE)
    words = search_words(query)
    session = session_get(workspace=workspace, ref=session_ref)
    hits: list[SearchHit] = []
    if start is None or start[0] == 0:
        hits += _message_hits(session, words, start[1] if start else 0, limit + 1)
    if len(hits) <= limit:
        file_start = start[1:] if start and start[0] == 1 else None
        hits += _file_hits(session, words, file_start, limit + 1 - len(hits))
    return SearchPage(
        session=session, words=words, hits=hits[:limit], following=hits[limit] if len(hits) > limit else None
    )


def _all_words(field: str, words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__icontains": word})
    return condition


def _message_hits(session: Session, words: list[str], start_index: int, wanted: int) -> list[SearchHit]:
    rows = (
        session.messages.filter(_chat_matches(session, words), index__gte=start_index)
        .order_by("index")
        .values_list("index", "role", "content")[:wanted]
    )
    return [
        SearchHit(kind="message", message_index=index, role=role, snippet=_snippet(content, words))
        for index, role, content in rows
    ]


def _chat_matches(session: Session, words: list[str]) -> Q:
    """Messages holding every word. On PostgreSQL through the chat search table's full-text index
    (migration 0009), English-stemmed ("drop" finds "dropped"), so a 100,000-message chat costs what its
    matches cost; elsewhere each word as a case-insensitive substring, scanning the session's messages."""
    if connection.vendor != "postgresql":
        return _all_words("content", words)
    matching = RawSQL(  # the search table is reached only through this function (migration 0014)
        "SELECT * FROM sessions_app_message_matches(%s, %s, %s)", [session.workspace_id, session.pk, " ".join(words)]
    )
    return Q(index__in=matching)


def _file_hits(session: Session, words: list[str], start: tuple | None, wanted: int) -> list[SearchHit]:
    """Line hits in the file versions holding every word, from `start` = (path, version number, line)."""
    files = SessionFile.objects.filter(session=session).filter(_files_matching(session, words))
    files = files.select_related("after", "before")
    batches = _in_batches(files, start[0] if start is not None else None)
    with planned_for_their_values():  # the words decide how many candidates there are
        return _line_hits(batches, words, start, wanted)


def _line_hits(files: Iterator[SessionFile], words: list[str], start: tuple | None, wanted: int) -> list[SearchHit]:
    hits: list[SearchHit] = []
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    for file in files:
        for number, version in enumerate(VERSIONS):
            blob = getattr(file, version)
            if blob is None or blob.is_binary or (start is not None and (file.path, number) < (start[0], start[1])):
                continue
            lowered = blob.text.lower()  # once per version: a content may run to 30,000 lines
            if not all(word.lower() in lowered for word in words):
                continue
            first_line = start[2] if start is not None and (file.path, number) == (start[0], start[1]) else 1
            for line_number, line in enumerate(blob.text.splitlines(), start=1):
                if line_number >= first_line and pattern.search(line):
                    snippet = _cut(line.strip())
                    hits.append(SearchHit("file", snippet, path=file.path, version=version, line=line_number))
                    if len(hits) == wanted:
                        return hits
    return hits


def _files_matching(session: Session, words: list[str]) -> Q:
    """Files one of whose versions holds every word (a case-insensitive substring).

    On PostgreSQL the candidate contents come from the content search table (migration 0012): those of
    the session's workspace whose trigrams include every trigram inside the words' runs of ASCII letters
    and digits, through its GIN index; only they are then matched, through the wall. pg_trgm cuts a
    content into words at anything but a letter or a digit and pads each with spaces, so only the
    trigrams inside a run are sure to be in a content that holds it mid-word; they are what `show_trgm`
    gives for the run less what it gives for the run's first one and two characters and last two (its
    padded ends), so the database folds case here as it folded the contents. A word with no such
    trigram ("db", "ü") leaves the workspace's contents to the match itself.
    """
    after, before = _all_words("after__text", words), _all_words("before__text", words)
    if connection.vendor != "postgresql":
        return after | before
    # The content search table is reached only through this function (migration 0014), which holds the query.
    runs = TRIGRAM_RUN.findall(" ".join(words))
    candidates = RawSQL(
        "SELECT * FROM sessions_app_content_matches(%s::bigint, %s::text[])", [session.workspace_id, runs]
    )
    return (Q(after__in=candidates) & after) | (Q(before__in=candidates) & before)


def _in_batches(files: QuerySet[SessionFile], first_path: str | None, size: int = 10) -> Iterator[SessionFile]:
    """The files by path from `first_path`, a few (with their contents) per query: one plain SELECT each,
    as the walled reads require, and no more contents in memory than a page needs."""
    batch = list((files.filter(path__gte=first_path) if first_path is not None else files).order_by("path")[:size])
    while batch:
        yield from batch
        batch = list(files.filter(path__gt=batch[-1].path).order_by("path")[:size])


def _snippet(text: str, words: list[str]) -> str:
    """The text around the first word found, on one line, cut to about SNIPPET_CHARS."""
    flat = " ".join(text.split())
    found = min((at for word in words if (at := flat.lower().find(word.lower())) >= 0), default=0)
    begin = max(0, found - SNIPPET_CHARS // 3)
    piece = flat[begin : begin + SNIPPET_CHARS]
    return ("…" if begin else "") + piece + ("…" if begin + SNIPPET_CHARS < len(flat) else "")


def _cut(line: str) -> str:
    return line if len(line) <= SNIPPET_CHARS else line[:SNIPPET_CHARS] + "…"
