"""The reflow check (WCAG 1.4.10): at 320 CSS px wide the page must not scroll sideways.

One page that scrolls sideways is one finding, however many elements stick out: its evidence names the widest
of them (the outermost element that sticks out is the cause; what it contains only follows it). Content that
1.4.10 exempts, data tables, maps, diagrams, images, video, preformatted text and code, is left out; a page
that overflows only because of such content passes, and its facts say which elements were exempt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from suites.accessibility.rules import REFLOW, REFLOW_WIDTH, CheckOutcome
from suites.accessibility.scripts import script

if TYPE_CHECKING:
    from playwright.async_api import Page

REFLOW_HEIGHT = 256
MAX_ELEMENTS = 20_000
# Offending elements named in the evidence, widest first.
MAX_LISTED = 5
EXEMPTION = "data tables, maps, diagrams, images, video, preformatted text and code are exempt under WCAG 1.4.10"


async def check_reflow(page: Page, restore: tuple[int, int]) -> CheckOutcome:
    """Narrow the viewport to 320 CSS px, measure horizontal overflow and its causes, then restore it."""
    await page.set_viewport_size({"width": REFLOW_WIDTH, "height": REFLOW_HEIGHT})
    try:
        measured: dict[str, Any] = await page.evaluate(script("reflow"), [MAX_ELEMENTS, MAX_LISTED])
    finally:
        await page.set_viewport_size({"width": restore[0], "height": restore[1]})
    return reflow_outcome(measured)


def reflow_outcome(measured: dict[str, Any]) -> CheckOutcome:
    """One violation for a page that scrolls sideways because of content that is not exempt; else none."""
    facts: dict[str, Any] = {
        "width": REFLOW_WIDTH,
        "scroll_width": measured["scrollWidth"],
        "overflow_px": measured["overflow"],
        "offending": measured["offenderCount"],
        "exempt": [entry["target"][0] for entry in measured["exempt"]],
    }
    if measured["overflow"] <= 0 or (not measured["offenders"] and measured["exempt"]):
        if measured["exempt"]:
            facts["exemption"] = EXEMPTION
        return CheckOutcome([], facts)
    offenders = measured["offenders"]
    widest = "; ".join(f"{entry['target'][0]} reaches {entry['right']} px" for entry in offenders) or (
        "no single element could be named"
    )
    more = measured["offenderCount"] - len(offenders)
    summary = (
        f"At {REFLOW_WIDTH} CSS px wide the page is {measured['scrollWidth']} px wide and scrolls sideways. "
        f"Widest: {widest}{f' (+{more} more)' if more > 0 else ''}."
    )
    if measured["exemptCount"]:
        summary += f" Left out: {measured['exemptCount']} exempt element(s) ({EXEMPTION})."
    node = {
        "target": ["html"],
        "html": "<html>",
        "failureSummary": summary,
        # Outlined in the screenshot as the elements to look at.
        "relatedNodes": [{"target": entry["target"], "html": entry["html"]} for entry in offenders],
    }
    return CheckOutcome([REFLOW.violation([node])], facts)
