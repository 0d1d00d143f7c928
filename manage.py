#!/usr/bin/env python
"""Django's command-line utility for Alloy MCP."""

import os
import sys
from pathlib import Path

# The checkout's own environment (make setup): `./manage.py` and `python3 manage.py` run with the system
# Python, which has no Django, so they hand over to the venv's Python when there is one.
VENV_PYTHON = Path(__file__).resolve().parent / ".venv" / "bin" / "python"


def main() -> None:
    if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != VENV_PYTHON.parent.parent.resolve():
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])  # noqa: S606 - our own interpreter, our own argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alloy.settings")
    # Commands (migrations, imports, exports) take as long as their work does; requests have a budget.
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    # Commands are operations: they connect as DATABASE_OPS_URL's role, the one that may open every
    # workspace (alloy/database_roles.py). `runserver` serves, as the serving role.
    if sys.argv[1:2] != ["runserver"]:
        os.environ.setdefault("ALLOY_OPERATIONS_PROCESS", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
