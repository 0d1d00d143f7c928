"""/metrics in-process: a missing page unless the token is configured and sent; a tool call counted under
its tool and outcome, a tool a caller made up under "unknown" (callers cannot add series)."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from mcp.shared.exceptions import MCPError

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

TOKEN = "a-metrics-token-0123456789"


def scrape() -> str:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return response.content.decode()


def sample(text: str, line_start: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(line_start))


async def test_calls_are_counted_by_tool_and_outcome(call, mcp, key, prototype, settings):
    settings.ALLOY_METRICS_TOKEN = TOKEN
    ok = 'alloy_mcp_requests_total{method="tools/call",outcome="ok",tool="get_session"}'
    unknown = 'alloy_mcp_requests_total{method="tools/call",outcome="invalid",tool="unknown"}'
    before = await sync_to_async(scrape)()
    await call(key, "get_session", {"session": prototype.public_id})
    async with mcp(key) as client:
        with pytest.raises(MCPError, match="Unknown tool"):
            await client.call_tool("get_sesion", {"session": prototype.public_id})  # a typo: no series of its own
    after = await sync_to_async(scrape)()
    assert sample(after, ok) == sample(before, ok) + 1
    assert sample(after, unknown) >= sample(before, unknown) + 1
    assert "get_sesion" not in after


def test_without_a_configured_token_or_the_right_one_it_is_a_missing_page(settings):
    settings.ALLOY_METRICS_TOKEN = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    settings.ALLOY_METRICS_TOKEN = TOKEN
    for header in ("", f"Basic {TOKEN}", TOKEN, "Bearer nope"):
        assert Client().get("/metrics", HTTP_AUTHORIZATION=header).status_code == 404
