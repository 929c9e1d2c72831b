"""Visible focus decided by pixels, for the elements whose computed styles left it open.

The keyboard walk first compares computed styles (see `js/keyboard_setup.js`); only an element whose look did
not change, or changed by a slight colour shift alone, comes here. Its box plus `FOCUS_MARGIN` CSS px on every
side (outlines and shadows draw outside the box) is captured unfocused, twice, then focused, and the two
unfocused-versus-focused captures are compared pixel by pixel (`pixels.changed_pixels`). Focus is visible when
at least `needed_pixels` pixels changed. When the comparison cannot be trusted (the region changes by itself,
the element moves or will not take focus, a capture fails) the answer is None: a person must look.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from suites.accessibility.pixels import ImageError, changed_pixels, decode_png
from suites.accessibility.scripts import script

if TYPE_CHECKING:
    from playwright.async_api import CDPSession, Page

FOCUS_MARGIN = 8
# A region taller or wider than this is cut to it: the indicator of a huge element shows near its edges anyway.
MAX_REGION = 600
CAPTURE_TIMEOUT_S = 5.0
MIN_CHANGED = 16
ANIMATION_GAP_MS = 100
MAX_CHANGED_NEEDED = 200


@dataclass(frozen=True)
class PixelVerdict:
    """Whether focus showed in pixels (None: could not be decided) and the evidence in one sentence."""

    visible: bool | None
    evidence: str


def needed_pixels(width: float, height: float) -> int:
    """Changed pixels that make focus visible: half the box's width plus height, between 16 and 200.

    That is a 1 px line along half the box's outline, or the underline of a short word; 200 pixels (a 100 x 2
    px bar) is clearly visible on any element.
    """
    return max(MIN_CHANGED, min(MAX_CHANGED_NEEDED, round((width + height) / 2)))


def region(box: list[float], page: list[float]) -> dict[str, float]:
    """The capture clip: `box` (x, y, width, height in page px) grown by FOCUS_MARGIN, kept inside the page."""
    x = max(0.0, box[0] - FOCUS_MARGIN)
    y = max(0.0, box[1] - FOCUS_MARGIN)
    width = min(box[2] + 2 * FOCUS_MARGIN, MAX_REGION, max(1.0, page[0] - x))
    height = min(box[3] + 2 * FOCUS_MARGIN, MAX_REGION, max(1.0, page[1] - y))
    return {"x": round(x), "y": round(y), "width": max(1, round(width)), "height": max(1, round(height)), "scale": 1}


async def _capture(session: CDPSession, clip: dict[str, float]) -> bytes:
    import base64

    shot: dict[str, Any] = await asyncio.wait_for(
        session.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": False}),
        timeout=CAPTURE_TIMEOUT_S,
    )
    return base64.b64decode(str(shot["data"]))


def _moved(before: list[float], after: list[float]) -> bool:
    return any(abs(old - new) > 1 for old, new in zip(before, after, strict=True))


async def judge_by_pixels(page: Page, session: CDPSession, element: int) -> PixelVerdict:
    """Compare the element's region unfocused and focused; raises only Playwright errors of a lost page."""
    from playwright.async_api import Error as PlaywrightError

    try:
        unfocused = await page.evaluate(script("focus_shot"), [element, "blur"])
        if unfocused is None:
            return PixelVerdict(None, "the element left the page before its focus could be compared")
        clip = region(unfocused["box"], unfocused["page"])
        first = await _capture(session, clip)
        # Far enough apart that an animation or a video shows between the two captures.
        await page.wait_for_timeout(ANIMATION_GAP_MS)
        again = await _capture(session, clip)
        focused = await page.evaluate(script("focus_shot"), [element, "focus"])
        if focused is None or not focused["focused"]:
            return PixelVerdict(None, "the element did not keep focus when focused again for the comparison")
        if _moved(unfocused["box"], focused["box"]):
            return PixelVerdict(None, "the element moved or changed size when focused, so pixels cannot be compared")
        after = await _capture(session, clip)
        still = decode_png(first)
        if again != first and changed_pixels(still, decode_png(again)):
            return PixelVerdict(None, "the region changes by itself (an animation or video), so focus cannot be seen")
        changed = changed_pixels(still, decode_png(after))
    except (TimeoutError, KeyError, ImageError) as error:
        return PixelVerdict(None, f"a screenshot for the comparison failed ({type(error).__name__})")
    except PlaywrightError as error:
        if page.is_closed():
            raise
        return PixelVerdict(None, f"a screenshot for the comparison failed ({str(error).splitlines()[0][:120]})")
    width, height = unfocused["box"][2], unfocused["box"][3]
    needed = needed_pixels(width, height)
    area = (
        f"{clip['width']}x{clip['height']} px region (the {round(width)}x{round(height)} px box and "
        f"{FOCUS_MARGIN} px around it)"
    )
    if changed >= needed:
        return PixelVerdict(True, f"{changed} pixels of the {area} change on focus")
    return PixelVerdict(
        False,
        f"only {changed} pixels of the {area} change when it receives keyboard focus; at least {needed} are needed "
        "to see it",
    )
