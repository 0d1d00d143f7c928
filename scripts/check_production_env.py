"""`make serve` runs production: refuse to start without a production environment, and say what is missing.

It used to start anyway: on the embedded SQLite database with DEBUG from a checkout's .env, advertising
port 8000. `make run` is the local demo; `make serve` reads only the environment it is given.
"""

import os
import sys
from urllib.parse import urlsplit

problems = []
if os.environ.get("DEBUG", "").strip().lower() in ("1", "true", "yes", "on"):
    problems.append("DEBUG is on; production runs with DEBUG unset or false.")
if not os.environ.get("SECRET_KEY"):
    problems.append("SECRET_KEY is not set (a long random string of its own, kept secret).")
if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    problems.append("DATABASE_URL must name a PostgreSQL database (postgres://user@host:5432/name).")
serving, operations = os.environ.get("DATABASE_URL", ""), os.environ.get("DATABASE_OPS_URL", "")
if not operations.startswith(("postgres://", "postgresql://")):
    problems.append(
        "DATABASE_OPS_URL must name the same PostgreSQL database as the operations role, which owns the tables "
        "(postgres://alloy@host:5432/name); DATABASE_URL is the serving role's (README, Two database roles)."
    )
elif urlsplit(operations).username == urlsplit(serving).username:
    problems.append(
        "DATABASE_URL and DATABASE_OPS_URL name the same role; the server must serve as a role of its own, "
        "one that cannot open every workspace (README, Two database roles)."
    )
if not os.environ.get("ALLOY_PUBLIC_URL", "").startswith(("https://", "http://")):
    problems.append("ALLOY_PUBLIC_URL is not set: the address people and Claude reach this service at (https://…).")
if problems:
    print("make serve runs production and cannot start:", *(f"- {problem}" for problem in problems), sep="\n")
    print("For a local demo on the embedded database, use `make run`.")
    sys.exit(1)
