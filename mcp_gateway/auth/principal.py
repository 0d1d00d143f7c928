"""Who is calling: what every credential resolves to, and what every tool receives."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from mcp_gateway.policy.rules import NO_POLICY, PolicySnapshot
from workspaces.models import Workspace


@dataclass(frozen=True)
class Principal:
    """One workspace, the credential that was presented, and the person behind it where there is one.

    Tools read the workspace from here, never from their arguments. A principal is kept in this
    process's credential cache (mcp_gateway/auth/credentials.py) and read by tool threads: it never changes.
    """

    workspace: Workspace
    credential_kind: Literal["mcp_key", "oauth_token"]
    credential_id: int
    user_id: int | None
    expires_at: datetime | None = None  # an MCP key's expiry, to say so when it is refused for it
    application_id: int | None = None  # the OAuth application a token was issued to
    label: str = ""  # what the activity log calls the credential: a key's name and prefix, an app's name
    # The workspace's MCP policy when the credential was checked; every request compares its revision with the
    # workspace's (auth/credentials.py), so it is never acted on once changed. The default: a workspace without one.
    policy: PolicySnapshot = NO_POLICY
