"""One unit of work for a request: `work(principal)` with its reads walled to the caller's workspace in
the database, and only while the credential is live; what it found told to the caller (confirmed,
refused, forbidden, outage), so the transport can answer 401, 403 or 503 instead. Tools, resources and
completions all read this way, in a worker thread (workers.py).

A cached principal whose check fails (revoked, or its workspace's MCP policy changed since) is looked up afresh
once (`recheck`); the work runs again with the fresh principal when it is still admitted, and its tool still on."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from alloy.database import DATABASE_OUTAGE, outage_message
from alloy.replicas import on_a_replica
from mcp_gateway.auth.caller import Caller, caller_of
from mcp_gateway.auth.credentials import confirm_current, liveness_condition, recheck
from mcp_gateway.auth.principal import Principal
from mcp_gateway.policy.rules import PolicySnapshot, tool_refusal
from mcp_gateway.protocol.workers import run_in_worker
from sessions_app.errors import SessionContextError
from sessions_app.tenancy import walled_reads

logger = logging.getLogger(__name__)


class CredentialNotLive(Exception):
    """The caller's credential was revoked or expired since it was cached (the request gets a 401), or its
    workspace's MCP policy now refuses the request (a 403): the caller's verdict says which."""


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


def _walled_afresh(caller: Caller, work: Callable[[Principal], Any]) -> Any:
    """`_walled`, and once more with the credential looked up afresh if its cached check failed."""
    try:
        return _walled(caller.principal, work, caller)
    except CredentialNotLive:
        if caller.fresh:
            raise
    recheck(caller)
    if caller.tool and not caller.forbidden and (sentence := tool_refusal(caller.principal.policy, caller.tool)):
        caller.forbid(sentence)
    if caller.refused or caller.forbidden:
        raise CredentialNotLive
    return _walled(caller.principal, work, caller)


def in_workspace(caller: Caller, work: Callable[[Principal], Any]) -> Any:
    """`work(principal)` here (a worker thread, or a test's own), its reads walled to the caller's workspace
    while the credential is live; raises CredentialNotLive, a database outage, or the work's
    SessionContextError. The first two are told to the caller as well (refused, outage), so CredentialAuth
    answers 401 or 503 instead of whatever the handler returns."""
    try:
        # The session reads on a replica when there is one (alloy/replicas.py), the liveness check on the primary.
        return on_a_replica(lambda: _walled_afresh(caller, work))
    except CredentialNotLive:
        if not caller.forbidden:
            caller.refuse()
        raise
    except DATABASE_OUTAGE as error:
        logger.warning("Database unavailable during a tool call or read: %s", error)
        caller.outage(outage_message(error))
        raise


async def read_in_workspace(caller: Caller, work: Callable[[Principal], Any]) -> Any:
    """`in_workspace` in a worker thread: one hop off the event loop (the resources, the completions)."""
    return await run_in_worker(in_workspace, caller, work)


async def current_policy(request: Any) -> PolicySnapshot:
    """The caller's workspace's MCP policy as it is now: the caller's credential confirmed (or looked up afresh)
    first, so a list is never made from a policy since changed."""
    caller = caller_of(request)
    await _checking(confirm_current, caller)
    return caller.principal.policy


async def policy_refusal(caller: Caller, tool: str) -> str | None:
    """Why the caller's workspace refuses `tool` (its MCP policy), from the policy as it is now: a refusal from
    a cached check is checked afresh before it is believed."""
    if tool_refusal(caller.principal.policy, tool) is None:
        return None
    if not caller.fresh:
        await _checking(recheck, caller)
        if caller.refused or caller.forbidden or caller.database_outage:
            return caller.forbidden or None  # CredentialAuth answers the others with a 401 or a 503
    return tool_refusal(caller.principal.policy, tool)


async def _checking(check: Callable[[Caller], None], caller: Caller) -> None:
    """A credential check in a worker thread; the database failing it is told to the caller (CredentialAuth
    answers 503 instead)."""
    try:
        await run_in_worker(check, caller)
    except DATABASE_OUTAGE as error:
        logger.warning("Database unavailable while checking a credential: %s", error)
        caller.outage(outage_message(error))
