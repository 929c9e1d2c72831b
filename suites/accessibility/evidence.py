"""Screenshots of failing pages with the violating elements outlined.

The outlines are boxes drawn in an overlay on top of the page, never styles on the elements themselves, so the
page's layout is what the user sees; the overlay is removed again after the screenshot.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import Page

SCREENSHOT_TIMEOUT_S = 10.0
# A full-page screenshot of an endless page would be huge; the top of it shows the problems well enough.
MAX_SCREENSHOT_HEIGHT = 8_000
MAX_SCREENSHOT_WIDTH = 2_000
MAX_OUTLINES = 200
OVERLAY_ID = "__golive_outlines"

# Resolve each axe target (a selector, or a list of selectors through shadow roots) in the top document; a
# target inside a frame is outlined as its frame. The page-wide <html> and <body> are not outlined.
OUTLINE_JS = (
    "([targets, overlayId, maxOutlines]) => {"
    + """
  const resolve = (target) => {
    const first = target[0];
    let root = document;
    let el = null;
    for (const selector of Array.isArray(first) ? first : [first]) {
      try { el = root.querySelector(selector); } catch (error) { return null; }
      if (!el) return null;
      root = el.shadowRoot || el;
    }
    return el;
  };
  const layer = document.createElement('div');
  layer.id = overlayId;
  layer.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0;z-index:2147483647;pointer-events:none';
  const drawn = new Set();
  for (const [target, label] of targets) {
    if (drawn.size >= maxOutlines) break;
    const el = resolve(target);
    if (!el || drawn.has(el) || el === document.documentElement || el === document.body) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    drawn.add(el);
    const box = document.createElement('div');
    box.style.cssText = `position:absolute;box-sizing:border-box;left:${rect.left + scrollX - 3}px;`
      + `top:${rect.top + scrollY - 3}px;width:${rect.width + 6}px;height:${rect.height + 6}px;`
      + 'border:3px solid #d4351c;background:rgba(212,53,28,0.08)';
    const tag = document.createElement('div');
    tag.textContent = label;
    tag.style.cssText = 'position:absolute;left:-3px;bottom:100%;font:bold 12px/16px sans-serif;color:#fff;'
      + 'background:#d4351c;padding:0 4px;white-space:nowrap';
    if (rect.top + scrollY < 20) { tag.style.bottom = ''; tag.style.top = '100%'; }
    box.appendChild(tag);
    layer.appendChild(box);
  }
  document.documentElement.appendChild(layer);
  return { drawn: drawn.size, width: document.documentElement.scrollWidth,
           height: document.documentElement.scrollHeight };
}"""
)
REMOVE_JS = "(overlayId) => { const layer = document.getElementById(overlayId); if (layer) layer.remove(); }"


def outline_targets(violations: list[dict[str, Any]]) -> list[tuple[Any, str]]:
    """(axe target, rule id) for every node of every violation, in order."""
    return [
        (node.get("target") or [], str(violation.get("id", "")))
        for violation in violations
        for node in violation.get("nodes", [])
        if node.get("target")
    ]


async def outlined_screenshot(page: Page, violations: list[dict[str, Any]]) -> bytes | None:
    """A JPEG of the page with each violating element boxed and labelled with its rule; None if it failed.

    The capture goes straight to the DevTools protocol: for a full page it costs about half of what Playwright's
    own screenshot does (no waiting for fonts and animations, no second layout), and its height is capped.
    """
    from playwright.async_api import Error as PlaywrightError

    try:
        size = await page.evaluate(OUTLINE_JS, [outline_targets(violations), OVERLAY_ID, MAX_OUTLINES])
        viewport = page.viewport_size or {"width": 1280, "height": 720}
        clip = {
            "x": 0,
            "y": 0,
            "width": max(1, min(int(size["width"]), MAX_SCREENSHOT_WIDTH) or viewport["width"]),
            "height": max(1, min(int(size["height"]), MAX_SCREENSHOT_HEIGHT) or viewport["height"]),
            "scale": 1,
        }
        session = await page.context.new_cdp_session(page)
        try:
            shot = await asyncio.wait_for(
                session.send(
                    "Page.captureScreenshot",
                    {"format": "jpeg", "quality": 60, "captureBeyondViewport": True, "clip": clip},
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
    return data
