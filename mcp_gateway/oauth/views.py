"""The OAuth endpoints: django-oauth-toolkit's views, with the consent step and registration limits ours."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.views import AuthorizationView, RevokeTokenView, TokenView
from oauth2_provider.views.dynamic_client_registration import (
    DynamicClientRegistrationManagementView,
    DynamicClientRegistrationView,
)
from oauthlib.oauth2.rfc6749 import errors

from alloy.fixed_window import FixedWindow
from mcp_gateway.models import OAuthApplication, secret_digest
from mcp_gateway.oauth.forms import ConsentForm
from mcp_gateway.oauth.registration import registration_problem
from mcp_gateway.policy.rules import credential_refusal
from mcp_gateway.policy.selectors import mcp_policy_of
from sessions_app.tenancy import every_workspace, presenting_token
from workspaces.access import person_of
from workspaces.selectors import workspaces_for_user
from workspaces.throttle import client_address, over_limit

MINUTE = FixedWindow(seconds=60)
HOUR = FixedWindow(seconds=3600)


def oauth_too_many_requests(description: str, retry_after: int) -> JsonResponse:
    """429 in the OAuth error format (RFC 6749 §5.2 field names), with Retry-After."""
    response = JsonResponse({"error": "too_many_requests", "error_description": description}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class InvalidTarget(errors.OAuth2Error):
    """RFC 8707: the resource asked for is not one this server issues tokens for."""

    error = "invalid_target"


def shown_host(host: str) -> tuple[str, bool]:
    """The redirect host as the consent page shows it: in punycode when it is not plain ASCII ("cl\u0430ude.ai",
    its "a" Cyrillic, shows as `xn--clude-5ve.ai`), so a look-alike cannot pass for the host it mimics; and
    whether it was converted. A label that has no punycode form is shown with its code points instead."""
    if host.isascii():
        return host, False
    labels = []
    for label in host.split("."):
        try:
            labels.append(label.encode("idna").decode("ascii") if not label.isascii() else label)
        except UnicodeError:
            labels.append(label.encode("ascii", "backslashreplace").decode("ascii"))
    return ".".join(labels), True


class ConsentView(AuthorizationView):
    """/authorize: sign-in (LoginRequiredMixin sends people to Alloy's login page), then consent.

    The page names the client and where it sends the person back, and lets them pick one of their
    workspaces; the code, and every token made from it, is bound to that workspace.
    """

    template_name = "mcp_gateway/consent.html"
    form_class = ConsentForm
    chosen_workspace_id: int | None = None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not workspaces_for_user(user=person_of(request)).exists():
            return render(request, "mcp_gateway/no_workspace.html", status=403)
        # The toolkit refuses these only once the person has consented: refuse them before asking.
        if request.GET.get("code_challenge_method", "S256") != "S256":
            return self._refuse_before_consent(
                request, errors.InvalidRequestError, 'Only the "S256" code_challenge_method is supported.'
            )
        ours = settings.ALLOY_MCP_RESOURCE
        if any(resource.rstrip("/") != ours for resource in request.GET.getlist("resource")):
            return self._refuse_before_consent(
                request, InvalidTarget, f"This server only issues tokens for the resource {ours}."
            )
        return super().get(request, *args, **kwargs)

    def _refuse_before_consent(
        self, request: HttpRequest, error_class: type[errors.OAuth2Error], description: str
    ) -> HttpResponse:
        """The error sent back to the client's redirect URI, once that URI is known to be registered."""
        try:
            _, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        refusal = error_class(description=description, state=credentials.get("state"))
        return self.error_response(
            OAuthToolkitError(error=refusal, redirect_uri=credentials["redirect_uri"]), application=None
        )

    def form_invalid(self, form: ConsentForm) -> HttpResponse:
        # The form again, with its error; the page still names the client it is about.
        application = OAuthApplication.objects.filter(client_id=form.data.get("client_id", "")).first()
        if application is None:
            return render(self.request, "mcp_gateway/consent.html", {"error": {"error": "invalid_client"}}, status=400)
        return self.render_to_response(
            self.get_context_data(form=form, application=application, redirect_uri=form.data.get("redirect_uri", ""))
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        redirect_uri = context.get("redirect_uri") or ""
        context["redirect_host"], context["redirect_host_converted"] = shown_host(urlsplit(redirect_uri).netloc)
        return context

    def form_valid(self, form: ConsentForm) -> HttpResponse:
        workspace = form.cleaned_data["workspace"]
        self.chosen_workspace_id = workspace.pk
        if form.cleaned_data.get("allow"):
            # The workspace's MCP policy may refuse this app (or OAuth, or MCP): said here, before any code is
            # issued, rather than by a refusal of the token on its first call.
            application = OAuthApplication.objects.filter(client_id=form.cleaned_data["client_id"]).first()
            if application is not None:
                sentence = credential_refusal(
                    mcp_policy_of(workspace=workspace),
                    kind="oauth_token",
                    client_id=application.client_id,
                    redirect_uris=application.redirect_uris.split(),
                )
                if sentence:
                    context = {
                        "sentence": sentence,
                        "workspace": workspace,
                        "application_name": application.name or application.client_id,
                    }
                    return render(self.request, "mcp_gateway/refused_by_policy.html", context, status=403)
        return super().form_valid(form)

    def create_authorization_response(self, request: HttpRequest, scopes: str, credentials: dict, allow: bool):
        if allow:
            credentials = {**credentials, "workspace_id": self.chosen_workspace_id}
        return super().create_authorization_response(request, scopes, credentials, allow)

    def redirect(self, redirect_to: str, application: OAuthApplication | None) -> HttpResponse:
        """Every authorization response names its issuer (RFC 9207), a refusal too: the toolkit adds `iss` to
        a code's redirect only, though the metadata says both carry it. One `iss`, whatever came before."""
        parts = urlsplit(redirect_to)
        query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name != "iss"]
        query.append(("iss", settings.OAUTH2_PROVIDER["OIDC_ISS_ENDPOINT"]))
        return super().redirect(urlunsplit(parts._replace(query=urlencode(query))), application)


@method_decorator(csrf_exempt, name="dispatch")
class RegistrationView(DynamicClientRegistrationView):
    """/register (RFC 7591), open to public clients, limited per source address and hour, and checked
    before the toolkit stores anything (mcp_gateway/oauth/registration.py)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = settings.ALLOY_OAUTH_REGISTRATIONS_PER_HOUR
        bucket = f"oauth-registrations:{client_address(request)}"
        if retry_after := over_limit(bucket, limit=limit, window=HOUR):
            description = f"Too many client registrations from your address (at most {limit} an hour)."
            return oauth_too_many_requests(description, retry_after)
        if problem := registration_problem(request.body):
            return JsonResponse({"error": problem.error, "error_description": problem.description}, status=400)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 201:
            response = _with_requested_auth_method(request, response)
        return response


class RegistrationManagementView(DynamicClientRegistrationManagementView):
    """/register/<client_id> (RFC 7592). A client that deletes its registration ends its tokens in every
    workspace, where the database wall (mcp_gateway migration 0011) shows the serving role one workspace at a
    time: the deletion, once the registration access token is checked, runs as the operations role."""

    def delete(self, request: HttpRequest, client_id: str, *args: Any, **kwargs: Any) -> HttpResponse:
        registration = self._authenticate_registration_request(request, client_id)
        if isinstance(registration, HttpResponse):
            return registration
        with every_workspace():
            OAuthApplication.objects.filter(pk=registration.application.pk).delete()
        return HttpResponse(status=204)


def _with_requested_auth_method(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The toolkit answers every confidential client with client_secret_basic; /token accepts the secret
    in the body as well, so a client that asked for client_secret_post is told it got it (RFC 7591 §3.2.1)."""
    try:
        requested = json.loads(request.body).get("token_endpoint_auth_method")
    except (ValueError, AttributeError, RecursionError):
        return response
    registered = json.loads(response.content)
    if requested == "client_secret_post" and registered.get("token_endpoint_auth_method") == "client_secret_basic":
        registered["token_endpoint_auth_method"] = requested
        return JsonResponse(registered, status=response.status_code)
    return response


class ThrottledTokenView(TokenView):
    """/token, limited per source address and minute (codes and refresh tokens are not for guessing).

    The request is one transaction that presents the code or refresh token it carries to the database wall
    (mcp_gateway migration 0011): that row alone shows, and the validator goes on in its workspace."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = settings.ALLOY_OAUTH_TOKEN_REQUESTS_PER_MINUTE
        if retry_after := over_limit(f"oauth-token:{client_address(request)}", limit=limit, window=MINUTE):
            description = f"Too many token requests from your address (at most {limit} a minute)."
            return oauth_too_many_requests(description, retry_after)
        secret = request.POST.get("refresh_token" if request.POST.get("grant_type") == "refresh_token" else "code")
        with presenting_token(secret_digest(secret or "")):
            return super().post(request, *args, **kwargs)


class PresentedRevokeTokenView(RevokeTokenView):
    """/revoke (RFC 7009), one transaction that presents the token it carries to the database wall, as /token."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with presenting_token(secret_digest(request.POST.get("token") or "")):
            return super().post(request, *args, **kwargs)
