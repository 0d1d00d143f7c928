"""What every page gets that Django's own middleware does not give: a Content-Security-Policy, a clear
400 for query or form values no database column can hold, a 503 rather than a 500 when the database
cannot be reached, a signed-in person's own workspaces' memberships and keys through the database wall, and,
for the admin's staff only, every workspace's rows through it."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse

from alloy.database import DATABASE_OUTAGE, outage_message
from sessions_app.storable import unstorable
from sessions_app.tenancy import as_person, every_workspace

logger = logging.getLogger(__name__)


def content_security_policy(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """The Content-Security-Policy of settings.CONTENT_SECURITY_POLICY on every page (Django 6 has one
    built in; 5.2 does not). A view that sets its own keeps it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response

    return middleware


def admin_sees_every_workspace(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """The Django admin works across workspaces on purpose, so its requests by active staff see every
    workspace's sessions, chats and files (sessions_app/tenancy.py); every other page sees only what it
    restricts itself to. The whole request (its templates render inside) is one transaction."""

    admin_prefix = None  # the admin's URL, looked up once (the URLconf is not loaded yet at start-up)

    def middleware(request: HttpRequest) -> HttpResponse:
        nonlocal admin_prefix
        admin_prefix = admin_prefix or reverse("admin:index")
        if not request.path.startswith(admin_prefix):
            return get_response(request)
        try:
            if not (request.user.is_active and request.user.is_staff):
                return get_response(request)
            with every_workspace():
                return get_response(request)
        except DATABASE_OUTAGE as error:
            return outage_response(request, error)

    return middleware


def person_behind_the_wall(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A signed-in person's request sees, through the database wall, the memberships and MCP keys of the
    workspaces they belong to and no others (workspaces migration 0003, mcp_gateway 0010): the whole request
    (its templates render inside) is one transaction that names the person."""

    def middleware(request: HttpRequest) -> HttpResponse:
        # Who is signed in, and naming them, need the database: an outage gets the 503 a view's outage gets.
        # (get_response itself never raises: Django turns a view's exception into its response.)
        try:
            if not request.user.is_authenticated:
                return get_response(request)
            with as_person(request.user.pk):
                return get_response(request)
        except DATABASE_OUTAGE as error:
            return outage_response(request, error)

    return middleware


def refuse_unstorable_input(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A query string or form value with a NUL character (or an unpaired surrogate) gets a 400 that says
    which parameter, before any view can send it to PostgreSQL, where it fails (a 500). /mcp has its own
    check (mcp_gateway/protocol/server.py), with tool errors."""

    def middleware(request: HttpRequest) -> HttpResponse:
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for source in sources:
            for name, values in source.lists():
                for text in (name, *values):
                    if problem := unstorable(text):
                        message = f"The request's {name!r} parameter {problem}; send it without that character."
                        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware


class DatabaseOutage:
    """A page whose database is unreachable (refused, dropped, pool timeout) or busy past the request's
    budget answers 503 with Retry-After,
    logged as one warning, as /mcp does (mcp_gateway/transport/http.py); any other failure stays a logged 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return outage_response(request, exception) if isinstance(exception, DATABASE_OUTAGE) else None


def outage_response(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 503 with Retry-After a page gets when its database is unreachable or busy, logged as one warning."""
    logger.warning("Database unavailable on %s: %s", request.path, exception)
    response = HttpResponse(outage_message(exception), status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "2"
    # Logged above as what it is; django.request would log every 5xx again at ERROR.
    response._has_been_logged = True  # type: ignore[attr-defined]  # the flag django.utils.log reads
    return response
