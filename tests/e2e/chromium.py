"""Debian's Chromium for the browser tests (Playwright drives it; its own browser downloads fail here),
where their screenshots go, and the accessibility check every page passes (axe-core from npm)."""

from pathlib import Path

from playwright.sync_api import Frame, Page

from tests.e2e.conftest import node_tool

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BLOCKING_IMPACTS = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def accessibility_violations(page: Page | Frame) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (WCAG 2.1 A and AA and axe's best
    practices), one line each: rule, impact, how many elements, the first element. The context must be made
    with `bypass_csp=True`: the page's Content-Security-Policy refuses the injected script otherwise."""
    page.add_script_tag(path=node_tool("axe-core", "axe.min.js"))
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} elements): {violation['help']} — "
        f"{violation['nodes'][0]['target']}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page scrolls sideways (0 when nothing is wider than the window)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
