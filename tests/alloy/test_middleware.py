"""Query and form values no column can hold get a 400 naming the parameter, on every page (they used to
be 500s: issue 9, finding 4; /authorize was found by tests/mcp_gateway/test_malformed_input.py)."""

import pytest

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
