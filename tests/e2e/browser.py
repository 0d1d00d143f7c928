#!/usr/bin/env python3
"""A stand-in for a person at a browser, for mcp-remote's $BROWSER: sign in, pick a workspace, allow,
and follow the redirect back to mcp-remote's loopback callback. Reads who to be from the environment:
ALLOY_E2E_EMAIL and ALLOY_E2E_WORKSPACE (the workspace's label on the consent page)."""

import asyncio
import os
import sys
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.e2e.people import sign_in_and_consent


async def main(authorize_url: str) -> None:
    location = await sign_in_and_consent(
        authorize_url, email=os.environ["ALLOY_E2E_EMAIL"], workspace_label=os.environ["ALLOY_E2E_WORKSPACE"]
    )
    async with httpx2.AsyncClient(timeout=30) as client:
        await client.get(str(location))  # mcp-remote's callback receives the code


if __name__ == "__main__":
    asyncio.run(main(sys.argv[-1]))
