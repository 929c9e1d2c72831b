"""Checks axe-core cannot make, run in the same tab after axe: reflow at 320 CSS px and keyboard operation.

Each check returns violations in axe's own shape (``id``, ``impact``, ``help``, ``helpUrl``, ``tags``, ``nodes``
with ``target``, ``html`` and ``failureSummary``), so evaluation, waivers and screenshots treat them like axe
rules. Their ids start with ``golive-`` and each names its WCAG success criterion.

The keyboard check presses real Tab keys through the DevTools protocol: the key events are sent back to back
and Chromium handles them in order, which makes a walk of a hundred stops take tens of milliseconds rather than
the seconds one round trip per key would cost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import CDPSession, Page

REFLOW_WIDTH = 320
REFLOW_HEIGHT = 256
MAX_NODES_PER_RULE = 10
# Candidates for the keyboard walk; a page with more focusable elements than this is walked only this far.
MAX_KEYBOARD_CANDIDATES = 2000


@dataclass(frozen=True)
class CheckRule:
    """A golive check's rule as axe would describe it: id, default impact, WCAG criterion, help text."""

    id: str
    check: str
    impact: str
    criterion: str
    tags: tuple[str, ...]
    help: str
    help_url: str

    def violation(self, nodes: list[dict[str, Any]]) -> dict[str, Any]:
        """An axe-shaped violation of this rule with `nodes`."""
        return {
            "id": self.id,
            "impact": self.impact,
            "tags": [*self.tags, "golive"],
            "description": self.help,
            "help": f"{self.help} (WCAG {self.criterion})",
            "helpUrl": self.help_url,
            "wcag": self.criterion,
            "nodes": [{"impact": self.impact, **node} for node in nodes[:MAX_NODES_PER_RULE]],
            "nodes_found": len(nodes),
        }


_UNDERSTANDING = "https://www.w3.org/WAI/WCAG22/Understanding/"
REFLOW = CheckRule(
    "golive-reflow",
    "reflow",
    "serious",
    "1.4.10",
    ("wcag21aa", "wcag1410"),
    f"Content must reflow at {REFLOW_WIDTH} CSS px wide without scrolling sideways",
    _UNDERSTANDING + "reflow.html",
)
KEYBOARD_UNREACHABLE = CheckRule(
    "golive-keyboard-unreachable",
    "keyboard",
    "serious",
    "2.1.1",
    ("wcag2a", "wcag211"),
    "Every interactive element must be reachable with the Tab key",
    _UNDERSTANDING + "keyboard.html",
)
FOCUS_NOT_VISIBLE = CheckRule(
    "golive-focus-visible",
    "keyboard",
    "serious",
    "2.4.7",
    ("wcag2aa", "wcag247"),
    "Keyboard focus must be visible",
    _UNDERSTANDING + "focus-visible.html",
)
KEYBOARD_TRAP = CheckRule(
    "golive-keyboard-trap",
    "keyboard",
    "critical",
    "2.1.2",
    ("wcag2a", "wcag212"),
    "Keyboard focus must not be trapped",
    _UNDERSTANDING + "no-keyboard-trap.html",
)
RULES = {rule.id: rule for rule in (REFLOW, KEYBOARD_UNREACHABLE, FOCUS_NOT_VISIBLE, KEYBOARD_TRAP)}

# A short, unique CSS path for an element (an id when it is unique, else tag:nth-of-type steps).
_CSS_PATH_JS = """
const golivePath = (el) => {
  const parts = [];
  while (el && el.nodeType === 1 && el !== document.documentElement) {
    if (el.id && document.querySelectorAll('#' + CSS.escape(el.id)).length === 1) {
      parts.unshift('#' + CSS.escape(el.id));
      break;
    }
    let step = el.localName;
    const parent = el.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((child) => child.localName === el.localName);
      if (same.length > 1) step += `:nth-of-type(${same.indexOf(el) + 1})`;
    }
    parts.unshift(step);
    el = parent;
  }
  return parts.join(' > ') || 'html';
};
const goliveHtml = (el) => {
  const html = el.outerHTML || '';
  const open = html.indexOf('>');
  return (open > 0 && open < 250 ? html.slice(0, open + 1) : html.slice(0, 250));
};
"""

# The page's horizontal overflow at the current (narrow) viewport, and the outermost elements sticking out past
# its right edge. Content inside a scrolling or clipping container does not make the page scroll sideways, and
# 1.4.10 allows such regions (data tables, code), so it is not reported.
REFLOW_JS = (
    "(maxElements) => {"
    + _CSS_PATH_JS
    + """
  const width = document.documentElement.clientWidth;
  const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0);
  const overflow = scrollWidth - width;
  if (overflow <= 1) return { width, scrollWidth, overflow: 0, nodes: [] };
  const contained = (el) => {
    for (let up = el.parentElement; up && up !== document.body && up !== document.documentElement;
         up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      if (x !== 'visible') return true;
    }
    return false;
  };
  const sticking = new Set();
  const nodes = [];
  let scanned = 0;
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    if (++scanned > maxElements) break;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.right <= width + 1) continue;
    if (getComputedStyle(el).position === 'fixed' || contained(el)) continue;
    sticking.add(el);
    if (el.parentElement && sticking.has(el.parentElement)) continue;
    nodes.push({ target: [golivePath(el)], html: goliveHtml(el), right: Math.round(rect.right) });
  }
  return { width, scrollWidth, overflow, nodes };
}"""
)

# Prepare the keyboard walk: list the elements a keyboard user must be able to reach, snapshot how each looks
# unfocused, and log, at every Tab keydown, which element has focus and whether its look changed.
_FOCUS_PROPERTIES = (
    *("outline-style", "outline-width", "outline-color", "outline-offset", "box-shadow"),
    *("border-top-color", "border-right-color", "border-bottom-color", "border-left-color"),
    *("border-top-width", "border-right-width", "border-bottom-width", "border-left-width"),
    *("background-color", "background-image", "color", "font-weight", "transform", "opacity", "filter"),
    *("text-decoration-line", "text-decoration-color", "text-decoration-thickness"),
)
KEYBOARD_SETUP_JS = (
    "([maxCandidates, properties]) => {"
    + """
  // Frames are left out: Tab moves into their content, which their own document handles.
  const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]:not(iframe), '
    + '[contenteditable]:not([contenteditable="false"]), audio[controls], video[controls]';
  const NATIVE = 'a[href], button, input, select, textarea, summary';
  const ROLES = new Set(['button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox',
    'menuitemradio', 'option', 'textbox', 'searchbox', 'combobox', 'slider', 'spinbutton', 'treeitem']);
  const G = {};
  window.__goliveKeyboard = G;
  const start = document.activeElement;
  G.startedAtTop = !start || start === document.body || start === document.documentElement;
  if (!G.startedAtTop && typeof start.blur === 'function') start.blur();
  // Transitions would make the focused look read half-way; the walk must see the final style at once.
  G.style = document.createElement('style');
  G.style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
  (document.head || document.documentElement).appendChild(G.style);
  G.ids = new Map();
  G.elements = [];
  G.idOf = (el) => {
    if (!el || el === document.body || el === document.documentElement) return -1;
    let id = G.ids.get(el);
    if (id === undefined) { id = G.elements.length; G.ids.set(el, id); G.elements.push(el); }
    return id;
  };
  const shown = (el) => el.checkVisibility
    ? el.checkVisibility({ visibilityProperty: true }) : el.getClientRects().length > 0;
  G.candidates = [];
  for (const el of document.querySelectorAll(FOCUSABLE)) {
    if (G.candidates.length >= maxCandidates) break;
    if (el.disabled || el.closest('[inert]') || (el.localName === 'input' && el.type === 'hidden')) continue;
    if (!shown(el)) continue;
    const interactive = el.matches(NATIVE) || ROLES.has((el.getAttribute('role') || '').trim());
    // tabindex="-1" on a container or heading is for focus moved by script; on a control it hides it from Tab.
    if (el.tabIndex < 0 && !interactive) continue;
    G.idOf(el);
    G.candidates.push(el);
  }
  // An outline that is not drawn (style none or zero width) looks the same whatever its colour or offset.
  const look = (el) => [[el, null], [el, '::before'], [el, '::after'], [el.parentElement, null]].map(
    ([who, pseudo]) => {
      if (!who) return '';
      const style = getComputedStyle(who, pseudo);
      const drawn = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      return properties.map((name) => (name.startsWith('outline') && !drawn ? 'none'
        : style.getPropertyValue(name))).join('|');
    }).join('#');
  G.before = new Map(G.candidates.map((el) => [el, look(el)]));
  G.log = [];
  G.visible = new Map();
  G.listener = (event) => {
    if (event.key !== 'Tab') return;
    const el = document.activeElement;
    const id = G.idOf(el);
    G.log.push(id);
    if (id < 0 || G.visible.has(id) || !G.before.has(el)) return;
    G.visible.set(id, look(el) !== G.before.get(el));
  };
  window.addEventListener('keydown', G.listener, true);
  return G.candidates.length;
}"""
)

KEYBOARD_STATUS_JS = """() => {
  const G = window.__goliveKeyboard;
  const el = document.activeElement;
  // Elements that take several Tab presses on their own: frames, date and time fields, media controls.
  const MULTI = 'iframe, input[type=date], input[type=time], input[type=datetime-local], input[type=month], '
    + 'input[type=week], audio[controls], video[controls]';
  const multiStop = G.elements.flatMap((node, id) => (node.matches(MULTI) ? [id] : []));
  return { log: G.log, active: G.idOf(el), multiStop, startedAtTop: G.startedAtTop };
}"""

# Describe every candidate for the report, then undo what the walk set up.
KEYBOARD_REPORT_JS = (
    "() => {"
    + _CSS_PATH_JS
    + """
  const G = window.__goliveKeyboard;
  window.removeEventListener('keydown', G.listener, true);
  G.style.remove();
  if (document.activeElement && typeof document.activeElement.blur === 'function') document.activeElement.blur();
  const COMPOSITE = '[role=tablist], [role=menu], [role=menubar], [role=listbox], [role=grid], [role=tree], '
    + '[role=treegrid], [role=toolbar], [role=radiogroup]';
  const groups = new Map();
  const groupOf = (el) => {
    if (el.localName === 'input' && el.type === 'radio' && el.name) {
      return 'radio:' + (el.form ? Array.from(document.forms).indexOf(el.form) : -1) + ':' + el.name;
    }
    const widget = el.parentElement ? el.parentElement.closest(COMPOSITE) : null;
    if (!widget) return null;
    if (!groups.has(widget)) groups.set(widget, 'widget:' + groups.size);
    return groups.get(widget);
  };
  const elements = G.elements.map((el, id) => ({
    id, selector: golivePath(el), html: goliveHtml(el), tabIndex: el.tabIndex, group: groupOf(el),
    frame: el.localName === 'iframe', candidate: G.before.has(el),
    visible: G.visible.has(id) ? G.visible.get(id) : null,
  }));
  delete window.__goliveKeyboard;
  return elements;
}"""
)


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


@dataclass
class CheckOutcome:
    """What one check found on a page: axe-shaped violations, and facts about how it ran (for the artifacts)."""

    violations: list[dict[str, Any]]
    facts: dict[str, Any]


async def check_keyboard(page: Page, max_presses: int) -> CheckOutcome:
    """Walk the page with Tab (at most `max_presses`), then report unreachable elements, invisible focus, traps."""
    candidates = int(await page.evaluate(KEYBOARD_SETUP_JS, [MAX_KEYBOARD_CANDIDATES, list(_FOCUS_PROPERTIES)]))
    session = await page.context.new_cdp_session(page)
    presses = 0
    try:
        status: dict[str, Any] = {"log": [], "startedAtTop": True}
        walk = Walk()
        # One pass needs a press per element plus the step out of the page; twice that when starting mid-page.
        batch = candidates + 3
        while presses < max_presses:
            count = min(batch, max_presses - presses)
            await _press(session, TAB, count)
            presses += count
            status = await page.evaluate(KEYBOARD_STATUS_JS)
            log = [*status["log"], status["active"]]
            walk = analyse_walk(log, bool(status["startedAtTop"]), set(status["multiStop"]))
            if walk.complete or walk.cycle is not None or candidates == 0:
                break
            batch = 20 if status["startedAtTop"] else candidates + 3
        trapped = False
        if walk.cycle is not None:
            trapped = await _still_trapped(page, session, walk.cycle)
            presses += 2 * (len(walk.cycle) + 2) + 1
    finally:
        await session.detach()
    elements: list[dict[str, Any]] = await page.evaluate(KEYBOARD_REPORT_JS)
    violations = _keyboard_violations(elements, walk, trapped)
    facts = {
        "candidates": candidates,
        "presses": presses,
        "complete": walk.complete,
        "reached": len(walk.reached),
        "trap": trapped,
    }
    return CheckOutcome(violations, facts)


async def _still_trapped(page: Page, session: CDPSession, cycle: list[int]) -> bool:
    """Whether focus stays in `cycle` with Shift+Tab and with Escape then Tab (the standard ways out)."""
    members = set(cycle)
    for keys in ((SHIFT_TAB,), (ESCAPE, TAB)):
        before = len((await page.evaluate(KEYBOARD_STATUS_JS))["log"])
        for key in keys:
            await _press(session, key, 1 if key is ESCAPE else len(cycle) + 2)
        status = await page.evaluate(KEYBOARD_STATUS_JS)
        seen = [*status["log"][before:], status["active"]]
        if any(entry not in members for entry in seen):
            return False
    return True


def _keyboard_violations(elements: list[dict[str, Any]], walk: Walk, trapped: bool) -> list[dict[str, Any]]:
    by_id = {int(element["id"]): element for element in elements}
    violations: list[dict[str, Any]] = []
    if trapped and walk.cycle:
        names = ", ".join(by_id[member]["selector"] for member in walk.cycle[:5] if member in by_id)
        first = by_id.get(walk.cycle[0])
        if first is not None:
            summary = (
                f"Focus cycles among {len(walk.cycle)} element(s) ({names}); neither Tab, Shift+Tab nor Escape "
                "moves it out"
            )
            node = {"target": [first["selector"]], "html": first["html"], "failureSummary": summary}
            violations.append(KEYBOARD_TRAP.violation([node]))
    if walk.complete:
        reached_groups = {by_id[i]["group"] for i in walk.reached if i in by_id and by_id[i]["group"]}
        missed = [
            element
            for element in elements
            if element["candidate"]
            and int(element["id"]) not in walk.reached
            and not (element["group"] and element["group"] in reached_groups)
        ]
        nodes = [
            {
                "target": [element["selector"]],
                "html": element["html"],
                "failureSummary": (
                    "Tab never reaches this element" + (" (it has tabindex=-1)" if int(element["tabIndex"]) < 0 else "")
                ),
            }
            for element in missed
        ]
        if nodes:
            violations.append(KEYBOARD_UNREACHABLE.violation(nodes))
    hidden = [element for element in elements if element["visible"] is False]
    nodes = [
        {
            "target": [element["selector"]],
            "html": element["html"],
            "failureSummary": "Nothing about this element's look changes when it receives keyboard focus",
        }
        for element in hidden
    ]
    if nodes:
        violations.append(FOCUS_NOT_VISIBLE.violation(nodes))
    return violations


async def check_reflow(page: Page, restore: tuple[int, int], max_elements: int = 20_000) -> CheckOutcome:
    """Narrow the viewport to 320 CSS px, report horizontal overflow and what causes it, then restore it."""
    await page.set_viewport_size({"width": REFLOW_WIDTH, "height": REFLOW_HEIGHT})
    try:
        measured: dict[str, Any] = await page.evaluate(REFLOW_JS, max_elements)
    finally:
        await page.set_viewport_size({"width": restore[0], "height": restore[1]})
    facts = {"width": REFLOW_WIDTH, "scroll_width": measured["scrollWidth"], "overflow_px": measured["overflow"]}
    if measured["overflow"] <= 0:
        return CheckOutcome([], facts)
    nodes = measured["nodes"] or [{"target": ["html"], "html": "<html>", "right": measured["scrollWidth"]}]
    summary = (
        f"At {REFLOW_WIDTH} CSS px wide the page is {measured['scrollWidth']} px wide and scrolls sideways; "
        "this element reaches to {right} px"
    )
    for node in nodes:
        node["failureSummary"] = summary.format(right=node.pop("right", measured["scrollWidth"]))
    return CheckOutcome([REFLOW.violation(nodes)], facts)
