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
        "/api/v1/workspaces/{slug}/sessions/",
        "/api/v1/workspaces/{slug}/sessions/{session_id}/",
        "/api/v1/workspaces/{slug}/sessions/{session_id}/messages/",
        "/api/v1/workspaces/{slug}/sessions/{session_id}/files/",
    }
    policy = schema["paths"]["/api/v1/workspaces/{slug}/mcp-policy/"]
    assert set(policy) >= {"get", "patch"}


def test_the_ingestion_bodies_are_described_in_the_documents_terms(db):
    paths = Client().get("/api/v1/schema/").json()["paths"]
    append = paths["/api/v1/workspaces/{slug}/sessions/{session_id}/messages/"]
    assert set(append) == {"post"}  # write-only: nothing to GET
    body = append["post"]["requestBody"]["content"]["application/json"]["schema"]
    message = body["properties"]["messages"]["items"]
    assert {"index", "role", "author", "content", "created_at"} <= set(message["properties"])
    assert message["properties"]["role"]["enum"] == ["user", "assistant", "system", "tool"]
    assert "409" in append["post"]["responses"]
    files = paths["/api/v1/workspaces/{slug}/sessions/{session_id}/files/"]["put"]["requestBody"]
    file = files["content"]["application/json"]["schema"]["properties"]["files"]["items"]
    assert {"path", "content", "before", "after"} <= set(file["properties"])
    assert "201" in paths["/api/v1/workspaces/{slug}/sessions/"]["post"]["responses"]
