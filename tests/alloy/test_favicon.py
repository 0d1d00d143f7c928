"""The favicon: every page names it, and browsers asking the old path find it (it was a 404 on every page)."""

import pytest

pytestmark = pytest.mark.django_db


def test_every_page_names_a_favicon_and_the_old_path_finds_it(client):
    assert 'rel="icon"' in client.get("/login/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
