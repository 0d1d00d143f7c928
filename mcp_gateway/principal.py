"""Who is calling: what every credential resolves to, and what every tool receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from workspaces.models import Workspace


@dataclass(frozen=True)
class Principal:
    """One workspace, the credential that was presented, and the person behind it where there is one.

    Tools read the workspace from here, never from their arguments. The workspace is a detached
    instance (id, slug and name only), so building a principal from the cache costs no query.
    """

    workspace: Workspace
    credential_kind: Literal["mcp_key", "oauth_token"]
    credential_id: int
    user_id: int | None

    def to_cache(self) -> dict:
        return {
            "workspace": [self.workspace.pk, self.workspace.slug, self.workspace.name],
            "credential_kind": self.credential_kind,
            "credential_id": self.credential_id,
            "user_id": self.user_id,
        }

    @classmethod
    def from_cache(cls, data: dict) -> Principal:
        workspace_id, slug, name = data["workspace"]
        return cls(
            workspace=Workspace(pk=workspace_id, slug=slug, name=name),
            credential_kind=data["credential_kind"],
            credential_id=data["credential_id"],
            user_id=data["user_id"],
        )
