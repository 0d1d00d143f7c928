"""Malformed query strings and forms on the session pages, the home page and the diff view preference
(tests/probes.py): no 500, no stack trace, no error logged."""

import logging
import random
from urllib.parse import urlsplit

import pytest

from tests.factories import signed_in
from tests.probes import PROBES_PER_AREA, SEED, assert_clean, nasty_value


@pytest.mark.django_db
def test_session_page_query_strings(member, prototype, dev, caplog):
    rng = random.Random(SEED + 2)
    client = signed_in(member)
    for _ in range(PROBES_PER_AREA):
        session = rng.choice([prototype, dev])
        names = (
            "from",
            "file",
            "files_from",
            "diffs_from",
            "version",
            "lines_from",
            "w",
            "pane",
            "wide",
            "layout",
            "q",
            "hits_from",
        )
        query = {name: str(nasty_value(rng, ["api/views.py", "src/App.jsx", "before", "files", "1", "unified",
                                             "m3", "f0.1.api/views.py"]))
                 for name in names if rng.random() < 0.5}  # fmt: skip
        with caplog.at_level(logging.WARNING):
            response = client.get(urlsplit(session.link()).path, query)
        assert_clean(response, caplog, query)


@pytest.mark.django_db
def test_home_page_filters(member, prototype, caplog):
    rng = random.Random(SEED + 5)
    client = signed_in(member)
    for _ in range(PROBES_PER_AREA):
        names = ("workspace", "q", "kind", "status", "after", "page")
        query = {name: str(nasty_value(rng, ["acme", "dev", "active", "2026-01-01T00:00:00+00:00_1"]))
                 for name in names if rng.random() < 0.5}  # fmt: skip
        with caplog.at_level(logging.WARNING):
            response = client.get("/", query)
        assert_clean(response, caplog, query)


@pytest.mark.django_db
def test_diff_view_preference(member, caplog):
    rng = random.Random(SEED + 6)
    client = signed_in(member)
    for _ in range(PROBES_PER_AREA):
        values = {name: str(nasty_value(rng, ["split", "unified", "/"])) for name in ("diff_view", "next")}
        with caplog.at_level(logging.WARNING):
            response = client.post("/account/diff-view/", values)
        assert_clean(response, caplog, values)
        assert response.status_code in (302, 400)
        assert response.status_code == 400 or urlsplit(response["Location"]).netloc in ("", "testserver")
