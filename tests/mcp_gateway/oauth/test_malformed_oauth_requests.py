"""Malformed requests to /token, /register and /authorize (tests/probes.py): no 500, no stack trace, no
error logged."""

import json
import logging
import random

import pytest

from tests.factories import OAuthApplicationFactory
from tests.probes import PROBES_PER_AREA, SEED, assert_clean, nasty_value


@pytest.mark.django_db
def test_oauth_endpoints(client, owner, workspace, caplog):
    client.force_login(owner)
    application = OAuthApplicationFactory(
        redirect_uris="http://127.0.0.1:4321/callback",
    )
    rng = random.Random(SEED + 3)
    fields = ["grant_type", "code", "client_id", "redirect_uri", "code_verifier", "refresh_token", "resource"]
    for _ in range(PROBES_PER_AREA):
        endpoint = rng.choice(["/token", "/register", "/authorize"])
        values = {name: str(nasty_value(rng, [application.client_id])) for name in fields if rng.random() < 0.6}
        if rng.random() < 0.5:
            values["client_id"] = application.client_id
        with caplog.at_level(logging.WARNING):
            if endpoint == "/register":
                response = client.post(endpoint, json.dumps(values), content_type="application/json")
            elif endpoint == "/token":
                response = client.post(endpoint, values)
            else:
                response = client.get(endpoint, values)
        assert_clean(response, caplog, (endpoint, values))
