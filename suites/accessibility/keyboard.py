"""The keyboard check: every interactive element reachable with Tab, focus visible on each, no trap.

It presses real Tab keys through the DevTools protocol: the key events are sent back to back and Chromium
handles them in order, which makes a walk of a hundred stops take tens of milliseconds rather than the seconds
one round trip per key would cost. Which elements count, and how their look is compared, is said in
`js/keyboard_setup.js`; elements whose computed styles leave visible focus undecided go to `focus.py`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from suites.accessibility.focus import judge_by_pixels
from suites.accessibility.rules import FOCUS_NOT_VISIBLE, KEYBOARD_TRAP, KEYBOARD_UNREACHABLE, CheckOutcome
from suites.accessibility.scripts import script

if TYPE_CHECKING:
    from playwright.async_api import CDPSession, Page

# Candidates for the keyboard walk; a page with more focusable elements than this is walked only this far.
MAX_KEYBOARD_CANDIDATES = 2000
# Descendants whose look is compared per element: enough for a heading, a label and an icon inside a button.
MAX_DESCENDANTS = 8
# Colour changes smaller than this on every channel (of 255) are left to the pixel comparison.
COLOUR_STEP = 32
# Elements whose look is noted before the walk; the walk stops at `max_tab_presses` anyway.
MAX_LOOKS = 400
# Pixel comparisons per page: each takes three screenshots. Beyond this, elements are left for review.
MAX_PIXEL_CHECKS = 12


@dataclass
class Walk:
    """What a sequence of Tab keydowns showed: the elements reached, whether a full pass was made, any trap."""

    reached: set[int] = field(default_factory=set)
    complete: bool = False
    cycle: list[int] | None = None


def analyse_walk(log: list[int], started_at_top: bool, multi_stop: Collection[int] = ()) -> Walk:
    """Read the focus log (element ids at each Tab press, -1 for none) of a keyboard walk.

    A full pass is made when focus leaves the page after visiting it (from the top of the page), or comes back
    round to where it started. A trap is focus revisiting an element without ever leaving the page; elements in
    `multi_stop` (a date field, a frame) may hold focus for several presses in a row.
    """
    log = [entry for index, entry in enumerate(log) if not (index and entry in multi_stop and log[index - 1] == entry)]
    walk = Walk(reached={entry for entry in log if entry >= 0})
    first = next((index for index, entry in enumerate(log) if entry >= 0), None)
    if first is None:
        # Tab never reached anything: two presses that both found nothing are a (trivially) full pass.
        walk.complete = len(log) >= 2
        return walk
    exits = [index for index in range(first + 1, len(log)) if log[index] < 0]
    if exits:
        later = log[exits[0] + 1 :]
        walk.complete = started_at_top or log[first] in later or -1 in later
        return walk
    last_seen: dict[int, int] = {}
    for index in range(first, len(log)):
        entry = log[index]
        if entry in last_seen:
            walk.cycle = list(dict.fromkeys(log[last_seen[entry] : index]))
            return walk
        last_seen[entry] = index
    return walk


def _key(key: str, code: str, key_code: int, modifiers: int = 0) -> tuple[dict[str, Any], dict[str, Any]]:
    down = {"type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": key_code, "modifiers": modifiers}
    return down, {**down, "type": "keyUp"}


TAB = _key("Tab", "Tab", 9)
SHIFT_TAB = _key("Tab", "Tab", 9, modifiers=8)
ESCAPE = _key("Escape", "Escape", 27)


async def _press(session: CDPSession, key: tuple[dict[str, Any], dict[str, Any]], times: int) -> None:
    # Sent without waiting for each answer: Chromium handles input events in the order they arrive.
    sends = []
    for _ in range(times):
        sends.append(session.send("Input.dispatchKeyEvent", key[0]))
        sends.append(session.send("Input.dispatchKeyEvent", key[1]))
    await asyncio.gather(*sends)


async def _walk(page: Page, session: CDPSession, candidates: int, max_presses: int) -> tuple[Walk, int, dict[str, Any]]:
    """Press Tab in batches until a full pass, a cycle, or `max_presses`; returns the walk, presses, last status."""
    walk = Walk()
    presses = 0
    status: dict[str, Any] = {"open": []}
    # One pass needs a press per element plus the step out of the page; twice that when starting mid-page.
    batch = candidates + 3
    while presses < max_presses:
        count = min(batch, max_presses - presses)
        await _press(session, TAB, count)
        presses += count
        status = await page.evaluate(script("keyboard_status"))
        log = [*status["log"], status["active"]]
        walk = analyse_walk(log, bool(status["startedAtTop"]), set(status["multiStop"]))
        if walk.complete or walk.cycle is not None or candidates == 0:
            break
        batch = 20 if status["startedAtTop"] else candidates + 3
    return walk, presses, status


async def _still_trapped(page: Page, session: CDPSession, cycle: list[int]) -> bool:
    """Whether focus stays in `cycle` with Shift+Tab and with Escape then Tab (the standard ways out)."""
    members = set(cycle)
    for keys in ((SHIFT_TAB,), (ESCAPE, TAB)):
        before = len((await page.evaluate(script("keyboard_status")))["log"])
        for key in keys:
            await _press(session, key, 1 if key is ESCAPE else len(cycle) + 2)
        status = await page.evaluate(script("keyboard_status"))
        seen = [*status["log"][before:], status["active"]]
        if any(entry not in members for entry in seen):
            return False
    return True


async def _undecided_by_pixels(
    page: Page, session: CDPSession, open_ids: list[int]
) -> dict[int, tuple[bool | None, str]]:
    """Pixel verdicts for the reached elements whose styles left visible focus open (at most MAX_PIXEL_CHECKS)."""
    verdicts: dict[int, tuple[bool | None, str]] = {}
    for number, element in enumerate(open_ids):
        if number >= MAX_PIXEL_CHECKS:
            verdicts[element] = (None, f"not compared: more than {MAX_PIXEL_CHECKS} elements on this page needed it")
            continue
        verdict = await judge_by_pixels(page, session, element)
        verdicts[element] = (verdict.visible, verdict.evidence)
    return verdicts


async def check_keyboard(page: Page, max_presses: int) -> CheckOutcome:
    """Walk the page with Tab (at most `max_presses`), then report unreachable elements, invisible focus, traps."""
    setup = [MAX_KEYBOARD_CANDIDATES, MAX_DESCENDANTS, COLOUR_STEP, MAX_LOOKS]
    candidates = int(await page.evaluate(script("keyboard_setup"), setup))
    session = await page.context.new_cdp_session(page)
    try:
        walk, presses, status = await _walk(page, session, candidates, max_presses)
        trapped = False
        if walk.cycle is not None:
            trapped = await _still_trapped(page, session, walk.cycle)
            presses += 2 * (len(walk.cycle) + 2) + 1
            status = await page.evaluate(script("keyboard_status"))
        pixels = await _undecided_by_pixels(page, session, [int(element) for element in status["open"]])
    finally:
        await session.detach()
    elements: list[dict[str, Any]] = await page.evaluate(script("keyboard_report"), walk.cycle or [])
    violations = [*_trap(elements, walk, trapped), *_unreachable(elements, walk)]
    focus_violations, review = _focus(elements, pixels)
    violations.extend(focus_violations)
    facts = {
        "candidates": candidates,
        "presses": presses,
        "complete": walk.complete,
        "reached": len(walk.reached),
        "trap": trapped,
        "focus_by_pixels": len(pixels),
    }
    return CheckOutcome(violations, facts, review)


def _node(element: dict[str, Any], summary: str) -> dict[str, Any]:
    return {"target": [element["selector"]], "html": element["html"], "failureSummary": summary}


def _trap(elements: list[dict[str, Any]], walk: Walk, trapped: bool) -> list[dict[str, Any]]:
    by_id = {int(element["id"]): element for element in elements}
    first = by_id.get(walk.cycle[0]) if trapped and walk.cycle else None
    if first is None or walk.cycle is None:
        return []
    names = ", ".join(by_id[member]["selector"] for member in walk.cycle[:5] if member in by_id)
    summary = (
        f"Focus cycles among {len(walk.cycle)} element(s) ({names}); neither Tab, Shift+Tab nor Escape moves it out"
    )
    return [KEYBOARD_TRAP.violation([_node(first, summary)])]


def _unreachable(elements: list[dict[str, Any]], walk: Walk) -> list[dict[str, Any]]:
    if not walk.complete:
        return []  # a walk cut short says nothing about the elements it did not get to
    by_id = {int(element["id"]): element for element in elements}
    reached_groups = {by_id[i]["group"] for i in walk.reached if i in by_id and by_id[i]["group"]}
    nodes = [
        _node(
            element,
            "Tab never reaches this element" + _why_unreachable(element),
        )
        for element in elements
        if element["candidate"]
        and int(element["id"]) not in walk.reached
        and not (element["group"] and element["group"] in reached_groups)
    ]
    return [KEYBOARD_UNREACHABLE.violation(nodes)] if nodes else []


def _why_unreachable(element: dict[str, Any]) -> str:
    if int(element["tabIndex"]) >= 0:
        return ""
    if element.get("tabindexAttribute") is not None:
        return f" (it has tabindex={element['tabindexAttribute']})"
    return " (it cannot take focus: give it tabindex=0)"


def _focus(
    elements: list[dict[str, Any]], pixels: dict[int, tuple[bool | None, str]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Focus-visible violations (pixels showed no change) and the elements left for review (pixels could not say)."""
    failing: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    for element in elements:
        verdict = pixels.get(int(element["id"]))
        if verdict is None or verdict[0] is True:
            continue
        visible, evidence = verdict
        styles = "; ".join(element.get("changes") or []) or "no style of it, its content or its label changes"
        if visible is False:
            summary = (
                f"Nothing a person can see changes when this element receives keyboard focus: {evidence} ({styles})"
            )
            failing.append(_node(element, summary))
        else:
            review.append(
                {
                    "rule": FOCUS_NOT_VISIBLE.id,
                    "wcag": [FOCUS_NOT_VISIBLE.criterion],
                    "target": [element["selector"]],
                    "html": element["html"],
                    "reason": f"Visible focus could not be decided: {evidence}. Styles: {styles}",
                }
            )
    return ([FOCUS_NOT_VISIBLE.violation(failing)] if failing else []), review
