"""Query and form values no column can hold get a 400 naming the parameter, on every page (they used to
be 500s: /authorize was found by tests/mcp_gateway/oauth/test_malformed_oauth_requests.py)."""

import logging

import pytest
from django.db import OperationalError, connection

from tests.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/authorize", "/login/", "/token", "/healthz"])
def test_a_nul_in_the_query_string_is_a_400_that_names_the_parameter(client, path):
    response = client.get(path, {"client_id": "abc\x00def"})
    assert response.status_code == 400
    assert response.content.decode() == (
        "The request's 'client_id' parameter contains a NUL character (\\u0000), which text cannot hold; "
        "send it without that character."
    )


def test_a_nul_in_a_form_field_is_a_400(client):
    response = client.post("/token", {"grant_type": "authorization_code", "code": "a\x00"})
    assert response.status_code == 400
    assert "'code' parameter contains a NUL" in response.content.decode()


def test_ordinary_values_pass(client):
    assert client.get("/healthz", {"probe": "²٣ and ünïcode"}).status_code == 200


def test_a_page_whose_database_is_down_is_a_503_with_retry_after(owner, caplog):
    client = signed_in(owner)

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    with connection.execute_wrapper(refuse), caplog.at_level(logging.WARNING):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "cannot reach its database" in response.content.decode()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
