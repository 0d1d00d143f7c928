#!/usr/bin/env python
"""Django's command-line utility for Alloy MCP."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alloy.settings")
    # Commands (migrations, imports, exports) take as long as their work does; requests have a budget.
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
