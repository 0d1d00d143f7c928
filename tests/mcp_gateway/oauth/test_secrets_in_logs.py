"""No secret is written to the log at any level: the configured console handler,
at DEBUG, through a whole OAuth flow and the access log."""

import io
import logging

import pytest

from tests.factories import pkce

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """What the configured console handler writes, with every logger at DEBUG."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.get_name() == "console")
    stream = io.StringIO()
    previous_stream, previous_level = handler.setStream(stream), logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    yield stream
    logging.getLogger().setLevel(previous_level)
    handler.setStream(previous_stream)


def test_an_oauth_flow_at_debug_logs_no_code_token_or_verifier(flow, workspace, console):
    verifier, challenge = pkce()
    code = flow.code(flow.authorize_params(challenge), workspace_id=workspace.pk)
    tokens = flow.exchange(code, verifier).json()
    renewed = flow.refresh(tokens["refresh_token"]).json()
    written = console.getvalue()
    assert "oauthlib" in written  # the flow was logged at DEBUG...
    for secret in (code, verifier, tokens["access_token"], tokens["refresh_token"], renewed["access_token"]):
        assert secret not in written  # ...without its values


def test_keys_bearer_credentials_and_secret_parameters_are_cut(console, key):
    logger = logging.getLogger("alloy.anything")
    logger.info("called with %s", key)
    logger.info("headers {'authorization': 'Bearer abc.def.ghi', 'x-mcp-api-key': '%s'}", key)
    logger.info("GET /callback?code=c0d3&state=xyz&client_secret=s3cr3t")
    written = console.getvalue()
    assert key not in written
    assert key[:18] + "…[redacted]" in written  # the public prefix still says which key
    for secret in ("abc.def.ghi", "c0d3", "s3cr3t"):
        assert secret not in written
    assert "state=xyz" in written


def test_the_access_log_keeps_the_path_and_drops_the_query_string(console, key):
    # The record uvicorn writes for each request (uvicorn/protocols/http/httptools_impl.py).
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "POST", f"/mcp?api_key={key}", "1.1", 401
    )
    written = console.getvalue()
    assert '"POST /mcp HTTP/1.1" 401' in written
    assert key[10:] not in written
