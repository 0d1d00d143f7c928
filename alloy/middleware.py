"""What every page gets that Django's own middleware does not give: a Content-Security-Policy, and a
clear 400 for query or form values no database column can hold."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from sessions_app.storable import unstorable


def content_security_policy(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """The Content-Security-Policy of settings.CONTENT_SECURITY_POLICY on every page (Django 6 has one
    built in; 5.2 does not). A view that sets its own keeps it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response

    return middleware


def refuse_unstorable_input(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A query string or form value with a NUL character (or an unpaired surrogate) gets a 400 that says
    which parameter, before any view can send it to PostgreSQL, where it fails (a 500). /mcp has its own
    check (mcp_gateway/server.py), with tool errors."""

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
