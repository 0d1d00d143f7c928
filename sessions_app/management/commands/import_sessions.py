"""manage.py import_sessions PATH|- [--dry-run]: load sessions from JSON Lines (docs/session-format.md)."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import DatabaseError

from sessions_app.documents import MAX_DOCUMENT_DEPTH, DocumentError, parse_document
from sessions_app.services import resolve_document, session_import


class Progress:
    """A one-line progress bar on a terminal (stderr); silent when output is piped or logged."""

    def __init__(self, stream: OutputWrapper, total_bytes: int | None, enabled: bool) -> None:
        self.stream, self.total, self.enabled = stream, total_bytes, enabled

    def update(self, done_bytes: int, sessions: int) -> None:
        if not self.enabled:
            return
        if self.total:
            share = min(done_bytes / self.total, 1.0)
            bar = "#" * int(share * 30)
            self.stream.write(f"\r[{bar:<30}] {share:4.0%}  {sessions:,} sessions", ending="")
        else:
            self.stream.write(f"\r{sessions:,} sessions", ending="")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("")


class Command(BaseCommand):
    help = "Import sessions from a JSON Lines file (one session per line), or '-' for standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A .jsonl file, or - to read standard input.")
        parser.add_argument("--dry-run", action="store_true", help="Validate every line; write nothing.")

    def handle(self, *args: Any, path: str, dry_run: bool, **options: Any) -> None:
        if path == "-":
            stream, total = sys.stdin.buffer, None
        else:
            try:
                stream, total = open(path, "rb"), os.path.getsize(path)  # noqa: SIM115 - closed below
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        progress = Progress(self.stderr, total, enabled=self.stderr.isatty() and options["verbosity"] > 0)
        try:
            counts = self._import_lines(stream, dry_run=dry_run, progress=progress)
        finally:
            progress.finish()
            if stream is not sys.stdin.buffer:
                stream.close()
        self._summarise(counts, dry_run=dry_run)

    def _import_lines(self, stream: IO[bytes], *, dry_run: bool, progress: Progress) -> Counter[str]:
        counts: Counter[str] = Counter()
        done_bytes = 0
        for number, raw in enumerate(stream, start=1):
            done_bytes += len(raw)
            if raw.strip():
                outcome = self._import_line(number, raw, dry_run=dry_run)
                counts[outcome] += 1
            progress.update(done_bytes, counts.total())
        return counts

    def _import_line(self, number: int, raw: bytes, *, dry_run: bool) -> str:
        try:
            decoded = json.loads(raw)
        except UnicodeDecodeError:
            return self._fail(number, "is not UTF-8 text")
        except json.JSONDecodeError as error:
            return self._fail(number, f"is not valid JSON ({error.msg} at column {error.colno})")
        except RecursionError:  # arrays or objects nested past what the parser follows
            return self._fail(number, f"is nested too deeply; a session is at most {MAX_DOCUMENT_DEPTH} levels deep")
        try:
            document = parse_document(decoded)
            if dry_run:
                resolve_document(document=document)
                return "valid"
            return session_import(document=document).value
        except DocumentError as error:
            for field, message in error.problems:
                self._fail(number, f"field {field}: {message}" if field else message)
            return "failed"
        except DatabaseError as error:
            # e.g. the same new session imported concurrently; nothing of this line was written.
            return self._fail(number, f"could not be stored ({error.__class__.__name__}); nothing of it was written")

    def _fail(self, number: int, message: str) -> str:
        self.stderr.write(f"line {number}: {message}")
        return "failed"

    def _summarise(self, counts: Counter[str], *, dry_run: bool) -> None:
        failed = counts.pop("failed", 0)
        if dry_run:
            summary = f"Dry run: {counts['valid']} valid, {failed} invalid; nothing was written."
        else:
            summary = (
                f"Imported {_sessions(counts.total())}: {counts['created']} created, "
                f"{counts['updated']} updated, {counts['unchanged']} unchanged; {failed} failed."
            )
        self.stdout.write(summary)
        if failed:
            lines = "1 line" if failed == 1 else f"{failed} lines"
            raise CommandError(f"{lines} failed; nothing of those sessions was written.")


def _sessions(count: int) -> str:
    return "1 session" if count == 1 else f"{count:,} sessions"
