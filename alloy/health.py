"""GET /healthz: whether this process can serve, for load balancers and orchestrators; GET /metrics: the
Prometheus exposition, for whoever holds ALLOY_METRICS_TOKEN."""

import hmac

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from alloy.metrics import exposition, sample_pool


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not (served over plain http too)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The metrics of every live worker. Without the token (or with none configured) this is a missing
    page like any other: nothing tells a scanner that something is here."""
    expected = settings.ALLOY_METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme != "Bearer" or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Http404("No such page.")
    sample_pool()
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
