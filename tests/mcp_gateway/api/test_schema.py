"""The OpenAPI schema at /api/v1/schema/ is valid OpenAPI 3 and describes every endpoint."""

from django.test import Client
from openapi_spec_validator import validate


def test_schema_is_valid_and_complete(db):
    schema = Client().get("/api/v1/schema/").json()
    validate(schema)
    assert set(schema["paths"]) == {
        "/api/v1/workspaces/{slug}/mcp-keys/",
        "/api/v1/workspaces/{slug}/mcp-keys/{key_id}/",
        "/api/v1/workspaces/{slug}/mcp-activity/",
        "/api/v1/workspaces/{slug}/connected-apps/",
        "/api/v1/workspaces/{slug}/connected-apps/{client_id}/revoke/",
        "/api/v1/workspaces/{slug}/mcp-policy/",
        "/api/v1/workspaces/{slug}/audit-trail/",
    }
    policy = schema["paths"]["/api/v1/workspaces/{slug}/mcp-policy/"]
    assert set(policy) >= {"get", "patch"}
