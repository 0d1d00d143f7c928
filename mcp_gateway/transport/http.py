"""The HTTP layer in front of the MCP server: transport checks, then credentials.

Everything here answers with JSON, in words a person can act on, and never with a stack trace.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from mcp_types import PROTOCOL_VERSION_META_KEY
from mcp_types.jsonrpc import UNSUPPORTED_PROTOCOL_VERSION
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alloy import metrics
from alloy.database import DATABASE_OUTAGE, outage_message
from mcp_gateway.activity.log import record_forbidden, record_refused_key
from mcp_gateway.auth.caller import CALLER_SCOPE_KEY, Caller
from mcp_gateway.auth.credentials import (
    authenticate,
    credential_is_live,
    fingerprint,
    not_live_message,
    principals,
    recheck,
)
from mcp_gateway.auth.key_format import is_well_formed_key, looks_like_key
from mcp_gateway.auth.resolve import InsufficientScope, InvalidCredential, RefusedByPolicy, refused_key
from mcp_gateway.policy.rules import network_refusal
from mcp_gateway.protocol.workers import run_in_worker
from mcp_gateway.transport import rate_limits

logger = logging.getLogger(__name__)

KEY_HEADERS = ("x-mcp-api-key", "x-api-key")


async def send_json(send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    """Answer with `body` as JSON: a refusal made here, before the request reaches the MCP server."""
    payload = json.dumps(body).encode()
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw_headers += [(name.encode(), value.encode()) for name, value in (headers or {}).items()]
    try:
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": payload})
    except Exception as error:  # whatever the HTTP server raises for a connection it closed
        # The HTTP server answered this request itself and closed the connection (uvicorn answers a broken
        # body with its own 400 while the refusal is on its way): there is nobody left to tell. One line and
        # no stack, since any client can make this happen as often as it likes.
        logger.warning("%d not sent: the server had already answered the request (%s)", status, type(error).__name__)


def _rpc_error(code: int, message: str, request_id: Any = None) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


REQUEST_ID_SCOPE_KEY = "alloy.request_id"
RETRY_AFTER_OUTAGE_SECONDS = 2
RATE_LIMITED = -32029  # a server error code (JSON-RPC reserves -32000 to -32099 for them): "slow down"
FORBIDDEN_BY_POLICY = -32003  # another: the workspace's MCP policy refuses this request
FORBIDDEN = "forbidden"


class HttpMiddleware:
    """An ASGI middleware of HTTP requests (`handle`); anything else (the lifespan) passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


# The protocol revisions the SDK serves: the initialize handshake's and the per-request envelope's.
SERVED_VERSIONS = (*HANDSHAKE_PROTOCOL_VERSIONS, *MODERN_PROTOCOL_VERSIONS)


class TransportGuard(HttpMiddleware):
    """Host and Origin checks (DNS rebinding), the request size limit, the protocol version, and a last line
    against 500s."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        host, _ = split_domain_port(headers.get("host", ""))
        if not host or not validate_host(host, settings.ALLOWED_HOSTS):
            await send_json(send, 421, _rpc_error(-32600, f"This server does not answer for host {host or '(none)'}."))
            return
        if settings.SECURE_SSL_REDIRECT and not _over_https(scope, headers):
            # Keys and tokens must not cross the network in the clear; a redirect would not stop that.
            message = f"Alloy's MCP endpoint is served over HTTPS only: use {settings.ALLOY_MCP_RESOURCE}."
            await send_json(send, 403, _rpc_error(-32600, message))
            return
        origin = headers.get("origin")
        allowed_origins = {allowed.rstrip("/") for allowed in settings.ALLOY_MCP_ALLOWED_ORIGINS}
        if origin is not None and origin.rstrip("/") not in allowed_origins:
            message = f"Requests from the web origin {origin} are not allowed; MCP clients send no Origin header."
            await send_json(send, 403, _rpc_error(-32600, message))
            return
        if scope["method"] != "POST":
            # Stateless: there is no event stream to hold open for a GET, and no session to DELETE.
            message = f"/mcp takes JSON-RPC messages by POST only, not {scope['method']}."
            await send_json(send, 405, _rpc_error(-32600, message), {"allow": "POST"})
            return
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            message = f"The body must be JSON sent as Content-Type: application/json, not {media_type or 'none'}."
            await send_json(send, 415, _rpc_error(-32600, message))
            return
        try:
            body = await _read_body(receive, settings.ALLOY_MCP_MAX_REQUEST_BYTES)
        except ClientDisconnect:
            return  # the client went away before sending its whole request: nobody to answer
        if body is None:
            limit = settings.ALLOY_MCP_MAX_REQUEST_BYTES
            await send_json(send, 413, _rpc_error(-32600, f"The request body is over the {limit:,}-byte limit."))
            return
        head = _request_head(body)
        scope[REQUEST_ID_SCOPE_KEY] = head.request_id
        if head.problem:
            await send_json(send, 400, _rpc_error(-32600, head.problem))
            return
        version = headers.get("mcp-protocol-version")
        if version is not None and version.strip() not in SERVED_VERSIONS:
            await send_json(send, 400, _unsupported_version(version.strip(), head))
            return
        receive = _replay(body, receive)
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except ClientDisconnect:
            return  # the client went away before sending its whole request: nobody to answer
        except DATABASE_OUTAGE as error:
            logger.warning("Database unavailable on %s: %s", scope.get("path"), error)
            if not started:
                await database_unavailable(send, scope, outage_message(error))
        except Exception:
            logger.exception("Unhandled error on %s", scope.get("path"))
            if not started:
                await send_json(send, 500, _rpc_error(-32603, "Internal error; it has been logged."))


def _over_https(scope: Scope, headers: Headers) -> bool:
    """Whether the client reached us over HTTPS: directly, or through the proxy Django trusts
    (SECURE_PROXY_SSL_HEADER, set by BEHIND_TLS_PROXY)."""
    if scope.get("scheme") == "https":
        return True
    if settings.SECURE_PROXY_SSL_HEADER is None:
        return False
    header, value = settings.SECURE_PROXY_SSL_HEADER
    forwarded = headers.get(header.removeprefix("HTTP_").replace("_", "-").lower(), "")
    return forwarded.split(",")[0].strip().lower() == value


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it passes `limit` bytes (Content-Length or chunked)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body already read, then whatever the client sends next (a disconnect)."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed


JSON_TYPE_NAMES = {dict: "an object", list: "an array", bool: "true or false", type(None): "null"}


@dataclass(frozen=True)
class RequestHead:
    """What the front reads of a request's JSON before the SDK does."""

    request_id: str | int | None = None  # its JSON-RPC id, for answers made here
    problem: str | None = None  # why that id is unusable, if it is
    # The 2026-07-28 era: the request carries its protocol version in `params._meta` (no `initialize`).
    modern: bool = False


def _unsupported_version(version: str, head: RequestHead) -> dict[str, Any]:
    """The answer to a protocol version this server does not speak, in the words of the request's era: the
    2026-07-28 revision's -32022 with the versions it accepts (SEP-2575), so a client can pick one; an
    `initialize`-era request gets -32600 with a sentence naming them (those revisions ask only for a 400)."""
    requested = version[:40]
    if head.modern:
        error = _rpc_error(UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version", head.request_id)
        error["error"]["data"] = {"supported": list(MODERN_PROTOCOL_VERSIONS), "requested": requested}
        return error
    message = (
        f"MCP-Protocol-Version {requested!r} is not one this server speaks; it speaks {', '.join(SERVED_VERSIONS)}."
    )
    return _rpc_error(-32600, message, head.request_id)


def _request_head(body: bytes) -> RequestHead:
    """The request's id, and why it is unusable if it is (the SDK takes a message whose id is neither a
    string nor an integer for a notification and answers 202, so the client would wait forever for its
    response); and which protocol era it speaks."""
    try:
        message = orjson.loads(body)
    except orjson.JSONDecodeError:
        return RequestHead()  # the SDK answers parse errors itself
    if not isinstance(message, dict):
        return RequestHead()
    params = message.get("params")
    meta = params.get("_meta") if isinstance(params, dict) else None
    modern = isinstance(meta, dict) and PROTOCOL_VERSION_META_KEY in meta
    if "id" not in message:
        return RequestHead(modern=modern)
    request_id = message["id"]
    if isinstance(request_id, str) or (isinstance(request_id, int) and not isinstance(request_id, bool)):
        return RequestHead(request_id=request_id, modern=modern)
    kind = JSON_TYPE_NAMES.get(type(request_id), "a number with a fraction")
    return RequestHead(problem=f"A request's id must be a string or an integer, not {kind}.", modern=modern)


class CredentialAuth(HttpMiddleware):
    """Resolve the caller's credential to a principal, or answer 401/403 with what to send instead.

    An MCP key is read from X-MCP-API-Key, Authorization: Bearer, or X-API-Key (Claude's connector can
    only send some header names); any other bearer credential is taken for an OAuth access token, and
    is tried before a key sent with it (see `_credentials`). A valid key never gets a 401 (mcp-remote
    would start an OAuth flow on one).

    A credential in this process's cache (mcp_gateway/auth/credentials.py) costs nothing here; its
    liveness is confirmed in the database before any answer leaves: by the tool's own transaction
    when the request calls a tool, else by one query when the response starts. A credential found
    revoked turns the response into the same 401 an unknown credential gets.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        credentials = _credentials(Headers(scope=scope))
        if not credentials:
            await _refuse(
                send,
                401,
                "missing_credential",
                "No credential was sent. Send your Alloy MCP key in the X-MCP-API-Key header "
                "(or as Authorization: Bearer <key>, or X-API-Key). Workspace owners and admins create keys.",
            )
            return
        found = await self._principal(scope, send, credentials)
        if found is None:
            return  # refused: the answer is sent
        cache_key, caller = found
        if not await _network_admits(caller):
            if caller.refused:  # looked up afresh, and no longer live
                principals.forget(cache_key)
                await _refuse(send, 401, "invalid_token", not_live_message(caller.principal))
            else:
                await forbidden(send, scope, caller)
            return
        if refusal := await rate_limits.check_call(cache_key):
            await too_many_requests(send, scope, refusal)
            return
        scope[CALLER_SCOPE_KEY] = caller
        replaced = False

        async def send_once_confirmed(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                try:
                    if caller.verdict() == "check":
                        live = await run_in_worker(credential_is_live, principal=caller.principal)
                        if live:
                            caller.confirm()
                        else:
                            await run_in_worker(recheck, caller)
                except DATABASE_OUTAGE as error:
                    logger.warning("Database unavailable while checking a credential: %s", error)
                    caller.outage(outage_message(error))
                verdict = caller.verdict()
                if verdict == "outage":
                    replaced = True
                    await database_unavailable(send, scope, caller.database_outage)
                    return
                if verdict == "refuse":
                    principals.forget(cache_key)
                    replaced = True
                    await _refuse(send, 401, "invalid_token", not_live_message(caller.principal))
                    return
                if verdict == "forbid":
                    replaced = True
                    await forbidden(send, scope, caller)
                    return
            if not replaced:
                await send(message)

        await self.app(scope, receive, send_once_confirmed)

    async def _principal(self, scope: Scope, send: Send, credentials: list[str]) -> tuple[str, Caller] | None:
        """The first of `credentials` that is accepted, with its cache key; None once a refusal is sent."""
        refusals: list[tuple[int, str, str]] = []
        for credential in credentials:
            cache_key = fingerprint(credential)
            address = scope["client"][0] if scope.get("client") else "unknown"
            request_id = scope.get(REQUEST_ID_SCOPE_KEY)
            if (principal := principals.get(cache_key)) is not None:
                cached = Caller(principal, request_id, credential=credential, cache_key=cache_key, address=address)
                return cache_key, cached
            # An address over its refused-credential limit gets 429 without a look at what it sent, except
            # a well-formed key (checksum and all: no guess is one by chance), which is still looked up by
            # its prefix: one misconfigured client behind a NAT must not lock its neighbours' keys out.
            throttled = await rate_limits.check_address(address)
            if throttled and not is_well_formed_key(credential):
                await too_many_requests(send, scope, throttled)
                return None
            try:
                principal = await run_in_worker(authenticate, credential, credential_fingerprint=cache_key)
            except DATABASE_OUTAGE as error:
                logger.warning("Database unavailable while authenticating: %s", error)
                await database_unavailable(send, scope, outage_message(error))
                return None
            except RefusedByPolicy as error:
                refusals.append((403, FORBIDDEN, str(error)))
                record_forbidden(error.principal, str(error))
            except InsufficientScope as error:
                refusals.append((403, "insufficient_scope", str(error)))
            except InvalidCredential as error:
                refusals.append((401, "invalid_token", str(error)))
                if is_well_formed_key(credential):
                    await _note_refused_key(credential)
            else:
                principals.put(cache_key, principal)
                caller = Caller(principal, request_id, credential=credential, cache_key=cache_key, address=address)
                caller.fresh = caller.confirmed = True
                return cache_key, caller
            if throttled:  # refused where a refusal says nothing more than the 429 would
                await too_many_requests(send, scope, throttled)
                return None
        if any(status == 401 for status, _, _ in refusals):
            rate_limits.record_refused_credential(address)
        status, kind, description = refusals[0]  # the first credential's: what the client should act on
        if kind == FORBIDDEN:
            await _forbidden_answer(send, scope, description)
        else:
            await _refuse(send, status, kind, description)
        return None


async def _network_admits(caller: Caller) -> bool:
    """Whether the workspace's MCP policy lets this key be used from the caller's address (the networks keys
    may be used from). A cached principal's refusal is checked afresh first (`recheck`, which checks the
    networks of the policy as it is now), so a widened list applies at once. A refusal forbids the caller."""
    principal = caller.principal
    sentence = network_refusal(principal.policy, kind=principal.credential_kind, address=caller.address)
    if sentence is None:
        return True
    if caller.fresh:
        caller.forbid(sentence)
    else:
        await run_in_worker(recheck, caller)
    return not (caller.refused or caller.forbidden)


async def forbidden(send: Send, scope: Scope, caller: Caller) -> None:
    """403 with the workspace policy's sentence, as a JSON-RPC error for the request's own id, recorded in the
    workspace's activity log unless the call that was forbidden recorded itself. No WWW-Authenticate: a new
    sign-in cannot help, and MCP clients start one on a challenge."""
    if not caller.recorded:
        record_forbidden(caller.principal, caller.forbidden)
    await _forbidden_answer(send, scope, caller.forbidden)


async def _forbidden_answer(send: Send, scope: Scope, sentence: str) -> None:
    await send_json(send, 403, _rpc_error(FORBIDDEN_BY_POLICY, sentence, scope.get(REQUEST_ID_SCOPE_KEY)))


async def _note_refused_key(key: str) -> None:
    """A revoked or expired key in use goes in its workspace's activity log; the refusal is answered
    whether or not that could be written."""
    try:
        await run_in_worker(_record_if_known, key)
    except DATABASE_OUTAGE as error:
        logger.warning("Database unavailable while noting a refused key: %s", error)


def _record_if_known(key: str) -> None:
    if (row := refused_key(key=key)) is not None:
        record_refused_key(row)


def _credentials(headers: Headers) -> list[str]:
    """The credentials to try, in order. An OAuth token sent beside a key comes first: mcp-remote sends the
    key configured for it with the token a person just signed in for, and that key may be the stale one
    whose 401 made them sign in. Otherwise the one credential sent (a key header before a bearer key)."""
    key = next((value for name in KEY_HEADERS if (value := headers.get(name, "").strip())), None)
    scheme, _, bearer = headers.get("authorization", "").strip().partition(" ")
    bearer = bearer.strip() if scheme.lower() == "bearer" else ""
    if key and bearer and not looks_like_key(bearer):
        return [bearer, key]
    return [key] if key else [bearer] if bearer else []


async def database_unavailable(send: Send, scope: Scope, message: str) -> None:
    """503 with Retry-After, and a JSON-RPC error for the request's own id, so the client retries it."""
    body = _rpc_error(-32603, message, scope.get(REQUEST_ID_SCOPE_KEY))
    await send_json(send, 503, body, {"retry-after": str(RETRY_AFTER_OUTAGE_SECONDS)})


async def too_many_requests(send: Send, scope: Scope, refusal: rate_limits.Refusal) -> None:
    metrics.rate_limited.labels(limit=refusal.limit).inc()
    """429 with Retry-After, and a JSON-RPC error for the request's own id that says when to retry."""
    body = _rpc_error(RATE_LIMITED, refusal.message, scope.get(REQUEST_ID_SCOPE_KEY))
    body["error"]["data"] = {"retry_after_seconds": refusal.retry_after}
    await send_json(send, 429, body, {"retry-after": str(refusal.retry_after)})


async def _refuse(send: Send, status: int, error: str, description: str) -> None:
    """401/403 with the RFC 6750 / RFC 9728 challenge that tells OAuth clients where to get a token."""
    metadata = f"{settings.ALLOY_PUBLIC_URL}/.well-known/oauth-protected-resource/mcp"
    challenge = f'Bearer resource_metadata="{metadata}", scope="{settings.ALLOY_MCP_SCOPE}"'
    if error != "missing_credential":
        challenge += f', error="{error}", error_description="{description}"'
    body = {"error": error, "error_description": description}
    await send_json(send, status, body, {"www-authenticate": challenge})
