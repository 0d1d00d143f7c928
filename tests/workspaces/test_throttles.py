"""The web side's throttles (/token, /register) when the cache they share cannot be reached: each
process counts alone and says so once, rather than turning a token refresh into a 500."""

import logging
import uuid

import pytest
from django.test import Client

from alloy.fixed_window import FixedWindow
from workspaces.throttle import over_limit

UNREACHABLE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_with_the_shared_cache_unreachable_a_limit_still_counts_in_the_process(settings, caplog):
    settings.CACHES = UNREACHABLE
    bucket = f"test:{uuid.uuid4()}"
    with caplog.at_level(logging.WARNING, logger="workspaces.throttle"):
        waits = [over_limit(bucket, limit=2, window=FixedWindow(seconds=60)) for _ in range(3)]
    assert waits[:2] == [None, None]
    assert 1 <= waits[2] <= 60
    assert caplog.text.count("counted in this process alone") <= 1


@pytest.mark.django_db
def test_token_and_registration_answer_as_usual_with_the_cache_unreachable(settings):
    settings.CACHES = UNREACHABLE
    client = Client(REMOTE_ADDR="203.0.113.77")
    token = client.post("/token", {"grant_type": "refresh_token", "refresh_token": "nope", "client_id": "nobody"})
    assert token.status_code == 401
    assert token.json()["error"] == "invalid_client"
    registration = {"client_name": "Claude", "redirect_uris": ["https://claude.ai/api/mcp/auth_callback"]}
    registration |= {"token_endpoint_auth_method": "none", "grant_types": ["authorization_code"]}
    assert client.post("/register", registration, content_type="application/json").status_code == 201
