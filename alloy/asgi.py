"""The front door (`alloy.asgi:application`): one ASGI app for the whole service.

- `/mcp` and `/mcp/` go to the MCP gateway — both paths, no redirect, since MCP clients treat a 404
  or 405 on POST as "no Streamable HTTP here" and fall back to the old SSE transport.
- Everything else goes to Django (admin, sign-in, OAuth, settings pages).
- The lifespan (startup/shutdown) is ours: Django's ASGI handler refuses lifespan events, and the MCP
  SDK's session manager must run for the whole life of the process.
"""

import gc
import logging
import os
import sys

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alloy.settings")

django_application = get_asgi_application()

# Tool work runs in threads that mostly wait on PostgreSQL; each wake-up needs the GIL back from the
# event loop, which by default keeps it up to 5 ms. 1 ms: +50% calls/s at 32 connections (make bench).
sys.setswitchinterval(settings.ALLOY_GIL_SWITCH_INTERVAL_SECONDS)

from mcp_gateway.protocol.server import Gateway, build_gateway  # noqa: E402 - needs Django set up first

logger = logging.getLogger(__name__)
MCP_PATHS = ("/mcp", "/mcp/")


class FrontDoor:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http" and scope["path"] in MCP_PATHS:
            await self.gateway.app({**scope, "path": "/mcp", "raw_path": b"/mcp"}, receive, send)
        else:
            await django_application(scope, receive, send)

    async def _lifespan(self, receive, send) -> None:
        await receive()  # lifespan.startup
        try:
            running = self.gateway.running()
            await running.__aenter__()
        except Exception as error:
            logger.exception("The MCP gateway did not start")
            await send({"type": "lifespan.startup.failed", "message": str(error)})
            return
        # What start-up made (Django, the SDK, pydantic's models: 150,000 objects) lives as long as the
        # process. Frozen, the collector stops scanning it: a full collection under load took 80 ms
        # with it, a stall of every call in flight (the p99 of make bench's 32 connections).
        gc.collect()
        gc.freeze()
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        await running.__aexit__(None, None, None)
        await send({"type": "lifespan.shutdown.complete"})


application = FrontDoor(build_gateway())
