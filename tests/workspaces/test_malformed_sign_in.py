"""Malformed sign-in forms (tests/probes.py): no 500, no stack trace, no error logged."""

import logging
import random

import pytest

from tests.probes import PROBES_PER_AREA, SEED, assert_clean, nasty_value


@pytest.mark.django_db
def test_sign_in(client, owner, caplog):
    rng = random.Random(SEED + 4)
    for _ in range(PROBES_PER_AREA):
        values = {name: str(nasty_value(rng, [owner.email])) for name in ("username", "password", "next")}
        with caplog.at_level(logging.WARNING):
            response = client.post("/login/", values)
        assert_clean(response, caplog, values)
