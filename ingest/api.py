"""/api/v1/workspaces/<slug>/sessions/…: the product's backend writes a session while it runs.

    POST  …/sessions/                 start one (its fields, without messages or files)
    POST  …/sessions/<id>/messages/   append messages, idempotent by index
    PUT   …/sessions/<id>/files/      record files as they are now
    PATCH …/sessions/<id>/            set status and/or title

Authenticated by an ingestion key of the workspace (`Authorization: Bearer alloy_ingest_…`), and by nothing else:
no cookie, so no CSRF. Write-only: nothing here returns a session's messages or files. Bodies are checked in the
session document's terms (ingest/bodies.py) and bounded (ALLOY_INGEST_MAX_REQUEST_BYTES); every error is JSON
{"detail": "<what was wrong and what is accepted>"}, with "problems" [{"field", "message"}] for a bad body.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from pydantic import BaseModel
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException, AuthenticationFailed, NotAuthenticated, NotFound, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.schemas.openapi import AutoSchema
from rest_framework.views import APIView

from ingest.bodies import FilesRecord, MessagesAppend, SessionChange, SessionStart
from ingest.keys import IngestKeyRefused, ingest_key_for
from ingest.models import IngestKey
from mcp_gateway.web.api import BoundedJSONParser
from sessions_app.documents import DocumentError, format_time, validated
from sessions_app.live import (
    IndexedMessage,
    LiveWriteRefused,
    SessionIdTaken,
    session_files_record,
    session_messages_append,
    session_start,
    session_update,
)
from sessions_app.models import Session, new_session_id
from sessions_app.tenancy import walled_reads

SEND_A_KEY = "Send an ingestion key of the workspace as Authorization: Bearer alloy_ingest_…."


class IngestKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <ingestion key>`; the key becomes `request.auth`."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, IngestKey]:
        header = request.headers.get("Authorization", "")
        scheme, _, credential = header.partition(" ")
        if not header:
            raise NotAuthenticated(SEND_A_KEY)
        if scheme.lower() != "bearer" or not credential.strip():
            raise AuthenticationFailed("Send the ingestion key as Authorization: Bearer alloy_ingest_….")
        try:
            return AnonymousUser(), ingest_key_for(key=credential.strip())
        except IngestKeyRefused as refusal:
            raise AuthenticationFailed(str(refusal)) from None

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="alloy-ingest"'


class WritesToItsWorkspace(BasePermission):
    """The key's workspace is the one the URL names."""

    def has_permission(self, request: Request, view: Any) -> bool:
        key = request.auth
        if not isinstance(key, IngestKey):
            raise NotAuthenticated(SEND_A_KEY)
        if key.workspace.slug != view.kwargs.get("slug"):
            raise PermissionDenied(f"This ingestion key writes to workspace {key.workspace.slug} only.")
        return True


class TooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT


class BadBody(APIException):
    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, error: DocumentError) -> None:
        super().__init__(
            {
                "detail": f"{error} (see docs/session-format.md).",
                "problems": [{"field": field, "message": message} for field, message in error.problems],
            }
        )


class BodySchema(AutoSchema):
    """The OpenAPI description of a view's body and answer, from its pydantic models (`body`, `answer`)."""

    def get_request_body(self, path: str, method: str) -> dict[str, Any]:
        body: type[BaseModel] | None = getattr(self.view, "body", {}).get(method.lower())
        if body is None:
            return {}
        return {"required": True, "content": {"application/json": {"schema": _inlined(body.model_json_schema())}}}

    def get_responses(self, path: str, method: str) -> dict[str, Any]:
        answer: dict[str, Any] = {"type": "object", "properties": {"detail": {"type": "string"}}}
        code, ok = getattr(self.view, "answers", {}).get(method.lower(), (200, {"type": "object"}))
        return {
            str(code): {"description": "Written.", "content": _json(ok)},
            "400": {"description": "A bad body: what was wrong, where.", "content": _json(answer)},
            "401": {"description": "No ingestion key, or not a live one.", "content": _json(answer)},
            "403": {"description": "A key of another workspace.", "content": _json(answer)},
            "404": {"description": "No such session in this workspace.", "content": _json(answer)},
            "409": {"description": "A conflict: an index or id taken.", "content": _json(answer)},
            "413": {"description": "A body over the limit.", "content": _json(answer)},
        }


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """Pydantic's JSON schema in OpenAPI 3.0's dialect: its `$defs` references written in place (3.0 has no
    `$defs`), and an optional field's `anyOf: [X, {"type": "null"}]` as X with `nullable` (3.0 has no null type)."""
    definitions = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return walk(definitions[node["$ref"].rsplit("/", 1)[-1]])
        node = {key: walk(value) for key, value in node.items()}
        choices = node.get("anyOf", [])
        if {"type": "null"} in choices and len(choices) == 2:
            (kept,) = [choice for choice in choices if choice != {"type": "null"}]
            node = {**{key: value for key, value in node.items() if key != "anyOf"}, **kept, "nullable": True}
        return node

    return walk(schema)


SESSION_ANSWER = {
    "type": "object",
    "properties": {
        name: {"type": "string" if name not in ("message_count", "file_count") else "integer"}
        for name in ("id", "link", "kind", "title", "status", "created_at", "updated_at", "message_count", "file_count")
    },
}


class IngestView(APIView):
    parser_classes = [BoundedJSONParser]
    authentication_classes = [IngestKeyAuthentication]
    permission_classes = [WritesToItsWorkspace]
    schema = BodySchema(tags=["Session ingestion"])
    body: dict[str, type[BaseModel]] = {}
    answers: dict[str, tuple[int, dict[str, Any]]] = {}  # by method: the status and schema of a success

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.ALLOY_INGEST_MAX_REQUEST_BYTES
        if not length.isdigit() or int(length) > limit:
            raise TooLarge(f"The body is larger than {limit:,} bytes; send messages or files in several requests.")
        super().initial(request, *args, **kwargs)

    def checked(self, request: Request, model: type[BaseModel]) -> Any:
        if not isinstance(request.data, dict):
            raise BadBody(DocumentError("", f"The body must be a JSON object, e.g. {_example(model)}"))
        try:
            return validated(model, request.data)
        except DocumentError as error:
            raise BadBody(error) from None

    @staticmethod
    def key(request: Request) -> IngestKey:
        """The ingestion key the request was authenticated by (WritesToItsWorkspace checked it is one)."""
        assert isinstance(request.auth, IngestKey)
        return request.auth

    def session(self, request: Request, session_id: str) -> Session:
        key = self.key(request)
        # One round trip behind the wall (sessions_app/tenancy.py), not a transaction's three: every write asks.
        with walled_reads(workspace_id=key.workspace_id):
            found = Session.objects.filter(workspace_id=key.workspace_id, public_id=session_id).first()
        if found is None:
            raise NotFound(
                f"No session {session_id} in workspace {key.workspace.slug}; start it with POST …/sessions/."
            )
        found.workspace = key.workspace
        return found


def _counts(**described: str) -> tuple[int, dict[str, Any]]:
    """A 200 answer of counts, each with what it counts."""
    properties = {name: {"type": "integer", "description": text} for name, text in described.items()}
    return 200, {"type": "object", "properties": properties}


def _example(model: type[BaseModel]) -> str:
    examples = {
        MessagesAppend: '{"messages": [{"index": 0, "role": "user", "content": "…"}]}',
        FilesRecord: '{"files": [{"path": "src/app.js", "content": "…"}]}',
        SessionChange: '{"status": "completed"}',
    }
    return examples.get(model, '{"kind": "prototype", "title": "…"}')


def session_answer(session: Session) -> dict[str, Any]:
    return {
        "id": session.public_id,
        "link": session.link(),
        "kind": session.kind,
        "title": session.title,
        "status": session.status,
        "created_at": format_time(session.created_at),
        "updated_at": format_time(session.updated_at),
        "message_count": session.message_count,
        "file_count": session.file_count,
    }


class SessionListView(IngestView):
    body = {"post": SessionStart}
    answers = {"post": (201, SESSION_ANSWER)}  # 200 when the session was started already

    def post(self, request: Request, slug: str) -> Response:
        fields: SessionStart = self.checked(request, SessionStart)
        fields = fields.model_copy(
            update={"id": fields.id or new_session_id(), "created_at": fields.created_at or timezone.now()}
        )
        try:
            started = session_start(workspace=self.key(request).workspace, fields=fields)
        except SessionIdTaken as taken:
            raise Conflict(str(taken)) from None
        except DocumentError as error:
            raise BadBody(error) from None
        code = status.HTTP_201_CREATED if started.created else status.HTTP_200_OK
        return Response(session_answer(started.session), status=code)


class SessionDetailView(IngestView):
    body = {"patch": SessionChange}
    answers = {"patch": (200, SESSION_ANSWER)}

    def patch(self, request: Request, slug: str, session_id: str) -> Response:
        change: SessionChange = self.checked(request, SessionChange)
        try:
            updated = session_update(
                session=self.session(request, session_id), status=change.status, title=change.title
            )
        except LiveWriteRefused as refusal:
            raise BadBody(DocumentError("", str(refusal))) from None
        return Response(session_answer(updated))


class MessagesView(IngestView):
    body = {"post": MessagesAppend}
    answers = {
        "post": _counts(
            appended="Messages new to the chat.",
            unchanged="Messages it had already, sent again.",
            message_count="The chat's length: the next message's index.",
        )
    }

    def post(self, request: Request, slug: str, session_id: str) -> Response:
        sent: MessagesAppend = self.checked(request, MessagesAppend)
        messages = [IndexedMessage(index=message.index, message=message) for message in sent.messages]
        try:
            result = session_messages_append(session=self.session(request, session_id), messages=messages)
        except LiveWriteRefused as refusal:
            raise Conflict(str(refusal)) from None
        return Response(
            {"appended": result.appended, "unchanged": result.unchanged, "message_count": result.message_count}
        )


class FilesView(IngestView):
    body = {"put": FilesRecord}
    answers = {
        "put": _counts(
            changed="Files whose content is new.",
            unchanged="Files sent again as they are.",
            file_count="The session's files now.",
        )
    }

    def put(self, request: Request, slug: str, session_id: str) -> Response:
        sent: FilesRecord = self.checked(request, FilesRecord)
        try:
            result = session_files_record(session=self.session(request, session_id), files=sent.files)
        except DocumentError as error:
            raise BadBody(error) from None
        except LiveWriteRefused as refusal:
            raise BadBody(DocumentError("", str(refusal))) from None
        return Response({"changed": result.changed, "unchanged": result.unchanged, "file_count": result.file_count})
