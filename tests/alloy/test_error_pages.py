"""Error pages: Alloy's own, saying why and leading back (Django's were unstyled text, with no way back)."""

import pytest

from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_branded_404_that_says_why_and_leads_back(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/here")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Not found</h1>" in page
    assert "There is no page at this address." in page
    assert 'href="/"' in page
    assert "alloy.css" in page


def test_a_refused_page_is_a_branded_403_with_the_reason(member, workspace, settings):
    settings.DEBUG = False
    response = signed_in(member).post("/acme/settings/mcp/", {"name": "mine"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Not allowed</h1>" in page
    assert "Only owners and admins of acme can create MCP keys." in page
    assert 'href="/"' in page
