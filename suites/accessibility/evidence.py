"""Screenshots of failing pages with the violating elements outlined.

The outlines are boxes drawn in an overlay on top of the page, never styles on the elements themselves, so the
page's layout is what the user sees; the overlay is removed again after the screenshot.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from suites.accessibility.masking import mask_secrets, unmask_secrets
from suites.accessibility.scripts import script

if TYPE_CHECKING:
    from playwright.async_api import Page

SCREENSHOT_TIMEOUT_S = 10.0
# A screenshot of an endless page would be huge; the top of its band shows the problems well enough.
MAX_SCREENSHOT_HEIGHT = 8_000
# Page pixels shown above the highest outline and below the lowest, so each is seen in its surroundings.
SCREENSHOT_MARGIN = 200
MAX_SCREENSHOT_WIDTH = 2_000
MAX_OUTLINES = 200
OVERLAY_ID = "__golive_outlines"

REMOVE_JS = "(overlayId) => { const layer = document.getElementById(overlayId); if (layer) layer.remove(); }"


def outline_targets(violations: list[dict[str, Any]]) -> list[tuple[Any, str]]:
    """(axe target, rule id) for every node of every violation and the nodes related to it, in order."""
    targets: list[tuple[Any, str]] = []
    for violation in violations:
        rule = str(violation.get("id", ""))
        for node in violation.get("nodes", []):
            # A page-wide finding (reflow) names the elements that cause it as related nodes.
            for part in [node, *(node.get("relatedNodes") or [])]:
                if part.get("target"):
                    targets.append((part["target"], rule))
    return targets


@dataclass(frozen=True)
class ScreenshotBand:
    """The part of the page a screenshot shows, in page pixels, and whether it lies inside the visible viewport."""

    top: int
    width: int
    height: int
    in_view: bool


def screenshot_band(layout: dict[str, Any], viewport: tuple[int, int]) -> ScreenshotBand:
    """The full width of the page, from a little above the highest outline to a little below the lowest.

    At least one screenful tall, so an outline is seen with what surrounds it; a page with no outline drawn shows
    its top. Capturing this band rather than the whole page halves the cost of a typical screenshot.
    """
    page_height = max(1, int(layout["height"]) or viewport[1])
    width = max(1, min(int(layout["width"]), MAX_SCREENSHOT_WIDTH) or viewport[0])
    screenful = min(int(layout.get("viewportHeight") or viewport[1]), page_height)
    if int(layout["drawn"]):
        top = max(0, int(layout["top"]) - SCREENSHOT_MARGIN)
        bottom = min(page_height, int(layout["bottom"]) + SCREENSHOT_MARGIN)
    else:
        top, bottom = 0, screenful
    height = min(max(bottom - top, screenful), MAX_SCREENSHOT_HEIGHT)
    top = max(0, min(top, page_height - height))
    scroll_y = int(layout.get("scrollY") or 0)
    in_view = scroll_y <= top and top + height <= scroll_y + screenful
    return ScreenshotBand(top, width, height, in_view)


async def outlined_screenshot(
    page: Page, violations: list[dict[str, Any]], secrets: tuple[str, ...] = ()
) -> bytes | None:
    """A JPEG of the page with each violating element boxed and labelled with its rule; None if it failed.

    `secrets` shown in the page are masked for the capture (see masking); if they cannot be, there is no capture.

    The capture goes straight to the DevTools protocol: it costs about half of what Playwright's own screenshot
    does (no waiting for fonts and animations, no second layout), and it covers the band with outlines only.
    """
    from playwright.async_api import Error as PlaywrightError

    try:
        # Masked before the layout is measured: the masked text may take less room than the secret.
        await mask_secrets(page, secrets)
        layout = await page.evaluate(script("outline"), [outline_targets(violations), OVERLAY_ID, MAX_OUTLINES])
        size = page.viewport_size
        band = screenshot_band(layout, (size["width"], size["height"]) if size else (1280, 720))
        clip = {"x": 0, "y": band.top, "width": band.width, "height": band.height, "scale": 1}
        session = await page.context.new_cdp_session(page)
        try:
            shot = await asyncio.wait_for(
                session.send(
                    "Page.captureScreenshot",
                    # Inside the viewport the frame already drawn is used; beyond it Chromium lays out a taller one.
                    {"format": "jpeg", "quality": 60, "captureBeyondViewport": not band.in_view, "clip": clip},
                ),
                timeout=SCREENSHOT_TIMEOUT_S,
            )
        finally:
            with contextlib.suppress(PlaywrightError):
                await session.detach()
        data = base64.b64decode(str(shot["data"]))
    except (PlaywrightError, TimeoutError, KeyError, ValueError):
        return None  # a screenshot is a courtesy; the audit result stands without it
    # A journey goes on in this tab: its next audit must not see the overlay. A tab that is gone needs nothing.
    with contextlib.suppress(PlaywrightError):
        await page.evaluate(REMOVE_JS, OVERLAY_ID)
        await unmask_secrets(page)
    return data
