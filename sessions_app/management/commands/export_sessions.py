"""manage.py export_sessions WORKSPACE [--session ID] [--output PATH]: sessions as JSON Lines."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessions_app.errors import SessionNotFound
from sessions_app.exports import write_session_documents
from workspaces.commands import workspace_from_argument


class Command(BaseCommand):
    help = "Export a workspace's sessions as JSON Lines (the format import_sessions reads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workspace", help="The workspace's slug.")
        parser.add_argument("--session", dest="session_id", help="Export only this session id.")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, workspace: str, session_id: str | None, output: str | None, **options: Any) -> None:
        target = workspace_from_argument(workspace)
        try:
            if output:
                with open(output, "w", encoding="utf-8") as out:
                    count = write_session_documents(workspace=target, write=out.write, session_id=session_id)
            else:
                count = write_session_documents(
                    workspace=target, write=lambda text: self.stdout.write(text, ending=""), session_id=session_id
                )
                self.stdout.flush()
        except SessionNotFound as error:
            raise CommandError(str(error)) from None
        except BrokenPipeError:
            # The reader stopped early (`| head`): what it wanted it has. Standard output now goes nowhere, so
            # the interpreter's last flush does not fail again (the recipe of Python's signal docs).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        self.stderr.write(f"Exported {count} session(s) of {target.slug}.")
