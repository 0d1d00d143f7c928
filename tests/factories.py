"""factory-boy factories for the models tests build on."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta

import factory
from django.db import connection
from django.db.models import F
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import set_token_value

from mcp_gateway.models import OAuthAccessToken, OAuthApplication
from sessions_app.diffs import count_changes
from sessions_app.generated import generated_kind
from sessions_app.languages import language_for_path
from sessions_app.models import Blob, Message, Session, SessionFile
from sessions_app.review_order import review_order
from workspaces.models import Membership, User, Workspace


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    password = factory.django.Password("correct horse battery staple")


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"workspace-{n}")
    name = factory.LazyAttribute(lambda workspace: workspace.slug.title())


class OAuthApplicationFactory(factory.django.DjangoModelFactory):
    """A client as dynamic registration makes one: public, authorization code, Claude's callback."""

    class Meta:
        model = OAuthApplication

    name = "Claude"
    client_type = OAuthApplication.CLIENT_PUBLIC
    authorization_grant_type = OAuthApplication.GRANT_AUTHORIZATION_CODE
    redirect_uris = "https://claude.ai/api/mcp/auth_callback"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = Membership.Role.MEMBER


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    workspace = factory.SubFactory(WorkspaceFactory)
    kind = Session.Kind.PROTOTYPE
    title = factory.Sequence(lambda n: f"Session {n}")
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyAttribute(lambda session: session.created_at)


class MessageFactory(factory.django.DjangoModelFactory):
    """A message; keeps the session's message_count as the import would."""

    class Meta:
        model = Message

    @classmethod
    def _create(cls, model_class: type[Message], *args: object, **kwargs: object) -> Message:
        message = super()._create(model_class, *args, **kwargs)
        Session.objects.filter(pk=message.session_id).update(message_count=F("message_count") + 1)
        return message

    session = factory.SubFactory(SessionFactory)
    index = factory.Sequence(int)
    role = Message.Role.USER
    author = "Ada"
    content = factory.Sequence(lambda n: f"message {n}")
    created_at = factory.LazyFunction(timezone.now)


def add_chat(session: Session, count: int, *, repeat: int = 20) -> None:
    """`count` messages in one statement, fast where factories take seconds: message i says "message i "
    `repeat` times, the assistant first and the user answering. The table is analysed afterwards, as
    autovacuum keeps it in production: planned without statistics, a chat page of a fresh 60,000-message
    session took 40 ms instead of 5."""
    with connection.cursor() as cursor:
        # Test data, not code under test: no statement budget (a busy CI machine took over 5 s for 60,000).
        cursor.execute("SET statement_timeout = 0")
        cursor.execute(
            "INSERT INTO sessions_app_message (session_id, index, role, author, content) "
            "SELECT %s, i, CASE WHEN i %% 2 = 1 THEN 'user' ELSE 'assistant' END, '', "
            "repeat(format('message %%s ', i), %s) FROM generate_series(0, %s - 1) AS i",
            [session.pk, repeat, count],
        )
        cursor.execute("ANALYZE sessions_app_message")
        cursor.execute("RESET statement_timeout")
    Session.objects.filter(pk=session.pk).update(message_count=F("message_count") + count)


def blob_for(workspace: Workspace, text: str) -> Blob:
    """The workspace's blob of this text, stored once in it (as the import stores contents)."""
    digest = hashlib.sha256(b"text\0" + text.encode()).hexdigest()
    blob, _ = Blob.objects.get_or_create(
        workspace=workspace, digest=digest, defaults={"size": len(text.encode()), "text": text}
    )
    return blob


def add_file(session: Session, path: str, *, before: str | None = None, after: str | None = None) -> SessionFile:
    """A prototype file (`after` only) or a dev change (`before` and/or `after`)."""
    status, additions, deletions, order = "", None, None, 0
    if session.kind == Session.Kind.DEV:
        status = "added" if before is None else "deleted" if after is None else "modified"
        additions, deletions = count_changes(before=before or "", after=after or "") or (None, None)
        generated = generated_kind(path, after if after is not None else before) is not None
        order = review_order(path, binary=False, generated=generated, changed_lines=(additions or 0) + (deletions or 0))
    Session.objects.filter(pk=session.pk).update(file_count=F("file_count") + 1)
    return SessionFile.objects.create(
        session=session,
        path=path,
        language=language_for_path(path),
        status=status,
        before=blob_for(session.workspace, before) if before is not None else None,
        after=blob_for(session.workspace, after) if after is not None else None,
        additions=additions,
        deletions=deletions,
        review_order=order,
    )


def pasted_link(session: Session, slug: str | None = None) -> str:
    """The link a person would paste, on alloy.app, optionally naming another workspace."""
    slug = slug or session.workspace.slug
    if session.kind == "dev":
        return f"https://alloy.app/{slug}/p/dev/{session.public_id}"
    return f"https://alloy.app/{slug}/p/{session.public_id}/edit"


def make_access_token(*, user, application, workspace, settings, overrides: dict | None = None) -> str:
    """An OAuth access token as the authorization server stores it (a checksum); returns the raw token."""
    raw = secrets.token_urlsafe(32)
    fields = {
        "user": user,
        "application": application,
        "workspace": workspace,
        "scope": "mcp",
        "expires": timezone.now() + timedelta(hours=1),
        "resource": [settings.ALLOY_MCP_RESOURCE],
    } | (overrides or {})
    token = OAuthAccessToken(**fields)
    set_token_value(token, raw)
    token.save()
    return raw


def pkce() -> tuple[str, str]:
    """A PKCE (verifier, S256 challenge) pair."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def signed_in(user: User, *, csrf: bool = False) -> Client:
    """A Django test client with this person signed in (csrf=True enforces CSRF like a browser session)."""
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client
