"""Who makes one /mcp request, and what the request learnt about their credential while it ran.

The transport (`mcp_gateway/transport/http.py`, CredentialAuth) puts a `Caller` in the request's scope; the tools,
resources and completions take it with `caller_of(request)` and say what they found — the credential was
live (`confirm`), it no longer is (`refuse`), the workspace's MCP policy refuses it (`forbid`), the database
failed them (`outage`) — and the transport reads `verdict()` when the answer starts: a refused credential's
answer becomes a 401, a forbidden one's a 403 with the policy's sentence, an outage's a 503.

A cached principal found not live (or checked against a policy since changed) is checked afresh once
(`mcp_gateway.auth.credentials.recheck`), which replaces it or refuses or forbids the caller: `fresh` says the
principal was looked up during this request, so nothing is refused on a cached check alone.
Handlers never import the transport, and the transport never looks inside a handler's result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from mcp_gateway.auth.principal import Principal

CALLER_SCOPE_KEY = "alloy.caller"

Verdict = Literal["answer", "check", "refuse", "forbid", "outage"]


@dataclass
class Caller:
    principal: Principal
    request_id: str | int | None = None  # the JSON-RPC id of the request, for the request log
    confirmed: bool = False  # found live in the database during this request
    refused: bool = False  # found revoked, expired or no longer a member during this request
    forbidden: str = ""  # why the workspace's MCP policy refuses this request, if it does
    # The credential as sent and its cache key (credentials.fingerprint), to look it up afresh.
    credential: str = field(default="", repr=False)
    cache_key: str = field(default="", repr=False)
    fresh: bool = False  # the principal was looked up during this request, not taken from the cache
    tool: str = ""  # the tool this request calls, if it calls one
    address: str = ""  # where the request came from (the networks a workspace's keys may be used from)
    recorded: bool = False  # the request is in the activity log already (a tool call or resource read)
    # What to tell the client if the database failed the request (alloy/database.py); else "".
    database_outage: str = ""

    def confirm(self) -> None:
        self.confirmed = True

    def refuse(self) -> None:
        self.refused = True

    def forbid(self, sentence: str) -> None:
        self.forbidden = sentence

    def outage(self, message: str) -> None:
        self.database_outage = message

    def verdict(self) -> Verdict:
        """What the transport does with this request's answer: send it, check the credential first (nothing
        during the request read the database), or replace it with a 401, a 403 or a 503."""
        if self.database_outage:
            return "outage"
        if self.refused:
            return "refuse"
        if self.forbidden:
            return "forbid"
        return "answer" if self.confirmed else "check"


def caller_of(request: Any) -> Caller:
    """The caller CredentialAuth authenticated for this HTTP request (a Starlette request)."""
    if request is None:
        raise RuntimeError("An MCP handler ran outside an HTTP request: there is no caller.")
    return request.scope[CALLER_SCOPE_KEY]
