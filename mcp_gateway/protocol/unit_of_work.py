"""One unit of work for a request: `work(principal)` with its reads walled to the caller's workspace in
the database, and only while the credential is live; what it found told to the caller (confirmed,
refused, outage), so the transport can answer 401 or 503 instead. Tools, resources and completions
all read this way, in a worker thread (workers.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from alloy.database import DATABASE_OUTAGE, outage_message
from alloy.replicas import on_a_replica
from mcp_gateway.auth.caller import Caller
from mcp_gateway.auth.credentials import liveness_condition
from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.workers import run_in_worker
from sessions_app.errors import SessionContextError
from sessions_app.tenancy import walled_reads

logger = logging.getLogger(__name__)


class CredentialNotLive(Exception):
    """The caller's credential was revoked or expired since it was cached: the request gets a 401."""


def _walled(principal: Principal, work: Callable[[Principal], Any], caller: Caller) -> Any:
    """The work's reads, walled to the principal's workspace in the database too, and only while its
    credential is live (sessions_app/tenancy.py: one round trip per read, the check riding along)."""
    condition, params = liveness_condition(principal)
    with walled_reads(workspace_id=principal.workspace.pk, condition=condition, condition_params=params) as reads:
        try:
            result = work(principal)
        except SessionContextError:
            if reads.checks > 0 and reads.condition_held:
                caller.confirm()
            if not reads.condition_held:
                raise CredentialNotLive from None
            raise
    if not reads.condition_held:
        raise CredentialNotLive
    if reads.checks > 0:
        caller.confirm()
    return result


def in_workspace(caller: Caller, work: Callable[[Principal], Any]) -> Any:
    """`work(principal)` here (a worker thread, or a test's own), its reads walled to the caller's workspace
    while the credential is live; raises CredentialNotLive, a database outage, or the work's
    SessionContextError. The first two are told to the caller as well (refused, outage), so CredentialAuth
    answers 401 or 503 instead of whatever the handler returns."""
    try:
        # The session reads on a replica when there is one (alloy/replicas.py), the liveness check on the primary.
        return on_a_replica(lambda: _walled(caller.principal, work, caller))
    except CredentialNotLive:
        caller.refuse()
        raise
    except DATABASE_OUTAGE as error:
        logger.warning("Database unavailable during a tool call or read: %s", error)
        caller.outage(outage_message(error))
        raise


async def read_in_workspace(caller: Caller, work: Callable[[Principal], Any]) -> Any:
    """`in_workspace` in a worker thread: one hop off the event loop (the resources, the completions)."""
    return await run_in_worker(in_workspace, caller, work)
