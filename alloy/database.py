"""When a request's database work fails for want of the database: it cannot be reached, or it is busy
past the request's budget (DATABASE_STATEMENT_TIMEOUT: a statement, or its wait for a lock, ran too long).
Either way the request answers 503 with Retry-After — /mcp in mcp_gateway/transport/http.py, the pages in
alloy/middleware.py — and says which it was."""

from __future__ import annotations

from django.conf import settings
from django.db import InterfaceError, OperationalError
from psycopg.errors import LockNotAvailable, QueryCanceled

# Failures of the database server or the way to it (refused, dropped, pool timeout, a statement past its
# budget), as opposed to a statement that fails: answered 503 with Retry-After, logged as one line.
DATABASE_OUTAGE = (OperationalError, InterfaceError)


def outage_message(error: BaseException) -> str:
    """What the client is told, ending with what to do."""
    if isinstance(error.__cause__, (QueryCanceled, LockNotAvailable)):
        return (
            "Alloy's database is busy: this request waited longer than its budget of "
            f"{settings.DATABASE_STATEMENT_TIMEOUT:g} s; retry in a few seconds."
        )
    return "Alloy cannot reach its database right now; retry in a few seconds."
