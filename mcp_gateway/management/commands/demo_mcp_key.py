"""manage.py demo_mcp_key: a fresh key for the demo workspace, the Claude Desktop config using it, a session
link to paste into Claude and the web app's address (the last lines `make run` prints before serving).

`make run` calls it: the previous demo key is revoked, so only the one printed last works.
"""

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mcp_gateway.keys.selectors import mcp_keys_list
from mcp_gateway.keys.services import mcp_key_create, mcp_key_revoke
from mcp_gateway.web.client_config import claude_desktop_config
from sessions_app import selectors
from sessions_app.tenancy import only_workspace
from workspaces.models import Workspace
from workspaces.selectors import workspace_get

DEMO_WORKSPACE = "demo"
DEMO_KEY_NAME = "make run demo key"


class Command(BaseCommand):
    help = "Revoke the previous demo key, create a new one for workspace 'demo' and print the Claude Desktop config."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            workspace = workspace_get(slug=DEMO_WORKSPACE)
        except Workspace.DoesNotExist:
            raise CommandError("No demo workspace: run `manage.py seed_demo` first.") from None
        for old in mcp_keys_list(workspace=workspace).unrevoked().filter(name=DEMO_KEY_NAME):
            mcp_key_revoke(key=old, by=None)
        created = mcp_key_create(workspace=workspace, name=DEMO_KEY_NAME)
        url = settings.ALLOY_MCP_RESOURCE
        self.stdout.write(f"Demo MCP key (workspace '{DEMO_WORKSPACE}'): {created.key}")
        self.stdout.write("Claude Desktop config (claude_desktop_config.json):")
        self.stdout.write(json.dumps(claude_desktop_config(url=url, key=created.key), indent=2))
        with only_workspace(workspace.pk):
            newest = selectors.session_list(workspace=workspace, kind="dev", limit=1).items
        if newest:
            self.stdout.write(f"A session link to paste into Claude: {newest[0].link()}")
        self.stdout.write(f"Alloy is at {settings.ALLOY_PUBLIC_URL}/ (Ctrl+C stops it).")
