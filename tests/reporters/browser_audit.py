"""Auditing a page golive writes in real Chromium with axe-core (WCAG 2.2 AA), at desktop width and at 320 px."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from suites.accessibility.browser import choose_executable, launch_chromium

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_OPEN_DETAILS = "document.querySelectorAll('details').forEach(d => d.open = true)"
_AXE_RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


def _axe_script() -> Path:
    spec = importlib.util.find_spec("axe_playwright_python")
    assert spec is not None and spec.origin is not None, "axe-playwright-python is not installed"
    return Path(spec.origin).parent / "axe.min.js"


def audit_page(url: str, screenshot: Path | None = None) -> tuple[list[dict[str, Any]], int, int]:
    """axe violations at desktop width, then the document's scroll width at 320 px and 1280 px."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, choose_executable("", None))
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(path=str(_axe_script()))
            page = context.new_page()
            page.goto(url, wait_until="load")
            # Open every <details> so that axe audits the collapsed parts too.
            page.evaluate(_OPEN_DETAILS)
            results = page.evaluate(_AXE_RUN, AXE_TAGS)
            if screenshot is not None:
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
                page.screenshot(path=str(screenshot), full_page=True)
            wide = int(page.evaluate("document.documentElement.scrollWidth"))
            page.set_viewport_size({"width": 320, "height": 640})
            page.evaluate(_OPEN_DETAILS)
            narrow = int(page.evaluate("document.documentElement.scrollWidth"))
            context.close()
        finally:
            browser.close()
    return list(results["violations"]), narrow, wide


@dataclass(frozen=True)
class WidthAudit:
    """What one viewport width showed: axe's violations and how wide the document is (wider: the page scrolls)."""

    width: int
    violations: list[dict[str, Any]]
    scroll_width: int


@dataclass(frozen=True)
class PageAudit:
    """A page audited at several widths, with what its links answered and the facts a test asked for."""

    widths: list[WidthAudit]
    link_statuses: dict[str, int]
    facts: Any


def audit_widths(url: str, widths: Sequence[int] = (1280, 320), facts_script: str = "() => null") -> PageAudit:
    """Load `url` once per viewport width (a fresh load, so the layout is that width's own), open every
    <details>, run axe and measure the scroll width; then follow every link of the page (GET, same browser) and
    evaluate `facts_script` in the page for the test's own assertions on what a reader sees."""
    from playwright.sync_api import sync_playwright

    audits = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, choose_executable("", None))
        try:
            for width in widths:
                context = browser.new_context(viewport={"width": width, "height": 900})
                context.add_init_script(path=str(_axe_script()))
                page = context.new_page()
                page.goto(url, wait_until="load")
                page.evaluate(_OPEN_DETAILS)
                results = page.evaluate(_AXE_RUN, AXE_TAGS)
                scroll_width = int(page.evaluate("document.documentElement.scrollWidth"))
                audits.append(WidthAudit(width, list(results["violations"]), scroll_width))
                if width == widths[0]:
                    links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
                    facts = page.evaluate(facts_script)
                    statuses = {link: page.request.get(link).status for link in dict.fromkeys(links)}
                context.close()
        finally:
            browser.close()
    return PageAudit(audits, statuses, facts)


def violation_summary(violations: list[dict[str, Any]]) -> list[tuple[str, str, list[Any]]]:
    """Each violation's rule, impact and first few elements, for an assertion message."""
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
