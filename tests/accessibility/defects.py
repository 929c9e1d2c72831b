"""The known-bad set and its near misses for golive's own checks: small pages, each built for one case.

`BAD` holds one page per defect each check exists for, with the one rule it must raise; `GOOD` holds pages
close to those defects that are not defects (what axe-level precision means for these checks), each with why.
`REVIEW` holds pages where a check cannot decide and must say so rather than fail or pass. The benchmark reads
the same sets, so its recall is measured on exactly what the tests assert.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.accessibility.pages import document

REFLOW = "golive-reflow"
UNREACHABLE = "golive-keyboard-unreachable"
FOCUS = "golive-focus-visible"
TRAP = "golive-keyboard-trap"


@dataclass(frozen=True)
class Case:
    """A page, the rule it must raise (None: no finding at all), and why."""

    html: str
    rule: str | None
    why: str
    # How many elements of the page the rule must name (a reflow finding is one per page).
    count: int = 1


def _styled(title: str, style: str, body: str) -> str:
    return document(title, f"<style>{style}</style>{body}")


# Tab (and Shift+Tab) bounce between two fields and Escape does nothing: a keyboard user cannot get out.
_TRAP_SCRIPT = (
    "<script>const pair = [document.getElementById('a'), document.getElementById('b')];"
    "document.addEventListener('keydown', (event) => {"
    "  if (event.key === 'Escape' && window.escapable) { window.released = true; return; }"
    "  if (event.key !== 'Tab' || window.released || !pair.includes(document.activeElement)) return;"
    "  event.preventDefault(); (document.activeElement === pair[0] ? pair[1] : pair[0]).focus(); });</script>"
)
_TRAP_FIELDS = (
    "<a href='/clean'>Before</a> <label>First <input id='a'></label> <label>Second <input id='b'></label> "
    "<a href='/clean#after'>After</a>"
)
_WIDE_CHILDREN = "".join(
    f"<div style='width:740px;background:#eee'>Section {n}: a fixed-width block of text</div>" for n in range(1, 9)
)
_LONG_LINE = "The quick brown fox jumps over the lazy dog " * 4
# A desktop-only layout: the page itself is 768 px wide, so every part of it sticks out at 320 px.
_FIXED_768 = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Fixed layout</title>"
    "<style>body { margin: 0; width: 768px } .wide { width: 740px; background: #eee }</style></head><body>"
    "<header><p class='wide'>Service name</p></header>"
    f"<main><h1>Fixed layout</h1>{_WIDE_CHILDREN}</main>"
    "<footer><p class='wide'>Footer links</p></footer></body></html>"
)

BAD: dict[str, Case] = {
    "/bad/fixed-width-box": Case(
        document("Too wide", "<div style='width:600px'>A fixed-width box wider than a phone</div>"),
        REFLOW,
        "a 600 px box makes a 320 px page scroll sideways",
    ),
    "/bad/fixed-768-layout": Case(
        _FIXED_768,
        REFLOW,
        "a layout fixed at 768 px: the header, the main content, the footer and all they hold are one defect, "
        "one finding",
    ),
    "/bad/nowrap-text": Case(
        document("No wrap", f"<p style='white-space:nowrap'>{_LONG_LINE}</p>"),
        REFLOW,
        "a paragraph that may not wrap runs past the right edge",
    ),
    "/bad/button-tabindex-minus-one": Case(
        document("Skipped", "<a href='/clean'>Home</a> <button type='button' tabindex='-1'>Save</button>"),
        UNREACHABLE,
        "a button taken out of the Tab order cannot be used from the keyboard",
    ),
    "/bad/clickable-div": Case(
        document("Div button", "<a href='/clean'>Home</a> <div role='button' onclick='void 0'>Send</div>"),
        UNREACHABLE,
        "an element with a button role that cannot take focus",
    ),
    "/bad/link-tabindex-minus-one": Case(
        document("Hidden link", "<a href='/clean'>Home</a> <a href='/help' tabindex='-1'>Help</a>"),
        UNREACHABLE,
        "a link taken out of the Tab order",
    ),
    "/bad/outline-none": Case(
        _styled("No focus", "a:focus { outline: none; }", "<a href='/clean'>Home</a>"),
        FOCUS,
        "the browser's focus ring is removed and nothing replaces it",
    ),
    "/bad/faint-colour-shift": Case(
        _styled(
            "Faint focus",
            "button { background: #f3f2f1; border: 0; padding: 8px } "
            "button:focus { outline: none; background: #f1f0ef; }",
            "<button type='button'>Continue</button>",
        ),
        FOCUS,
        "the only change on focus is a background two shades darker: a person cannot see it",
    ),
    "/bad/text-field-without-focus-style": Case(
        _styled(
            "Field",
            "input { border: 2px solid #0b0c0c } input:focus { outline: none; }",
            "<label>Name <input type='text' name='name'></label>",
        ),
        FOCUS,
        "a text field whose focus shows nothing but the caret",
    ),
    "/bad/trap": Case(
        document("Trap", _TRAP_FIELDS + _TRAP_SCRIPT),
        TRAP,
        "Tab, Shift+Tab and Escape all keep focus between two fields",
    ),
}

GOOD: dict[str, Case] = {
    "/good/scrolling-table": Case(
        document(
            "Scrolling table",
            "<div style='overflow-x:auto'><table><tr><td style='min-width:700px'>Wide data</td></tr></table></div>",
        ),
        None,
        "the wide table scrolls inside its own container; the page does not",
    ),
    "/good/wide-data-table": Case(
        document(
            "Data table",
            "<table><caption>Rates</caption><tr><th>Band</th><td style='min-width:600px'>Rates by band</td></tr>"
            "</table>",
        ),
        None,
        "a data table is exempt from WCAG 1.4.10",
    ),
    "/good/long-code-line": Case(
        document("Code", f"<pre><code>{'x = 1; ' * 40}</code></pre>"),
        None,
        "preformatted code is exempt from WCAG 1.4.10",
    ),
    "/good/hidden-menu-toggle": Case(
        document(
            "Toggle",
            "<a href='/clean'>Home</a> <button type='button' hidden aria-hidden='true'>Menu</button>"
            "<button type='button' style='display:none'>More</button>",
        ),
        None,
        "buttons that are not rendered (hidden, display:none) cannot be expected to take focus",
    ),
    "/good/zero-size-button": Case(
        document(
            "Zero",
            "<a href='/clean'>Home</a> <button type='button' tabindex='-1' "
            "style='width:0;height:0;padding:0;border:0;overflow:hidden'>x</button>",
        ),
        None,
        "a 0x0 box is not rendered",
    ),
    "/good/code-tabindex-minus-one": Case(
        document(
            "Code block",
            "<a href='/clean'>Home</a><pre><code tabindex='-1'>print('hi')</code></pre><h2 tabindex='-1'>Results</h2>",
        ),
        None,
        "tabindex=-1 on code or a heading is for focus moved by script: not interactive, not a defect",
    ),
    "/good/unavailable-controls": Case(
        document(
            "Unavailable",
            "<a href='/clean'>Home</a> <button type='button' disabled>Send</button>"
            "<div inert><a href='/a'>Inert link</a></div>"
            "<details><summary>More</summary><a href='/b'>Inside closed details</a></details>"
            "<dialog><button type='button'>Inside a closed dialog</button></dialog>"
            "<a href='/c' style='visibility:hidden'>Invisible</a>",
        ),
        None,
        "disabled, inert, in a closed details or dialog, or invisible: none of them should take focus",
    ),
    "/good/roving-toolbar": Case(
        document(
            "Toolbar",
            "<div role='toolbar' aria-label='Format'><button type='button'>Bold</button>"
            "<button type='button' tabindex='-1'>Italic</button></div>",
        ),
        None,
        "a toolbar's items are one Tab stop (arrow keys move among them)",
    ),
    "/good/focus-on-children": Case(
        _styled(
            "Accordion",
            "button { background: none; border: 0; padding: 8px; font: inherit } button:focus { outline: none } "
            "button:focus .heading { background: #fd0; text-decoration: underline 3px }",
            "<h2><button type='button' aria-expanded='false'><span class='heading'>Section one</span> "
            "<span>Show</span></button></h2>",
        ),
        None,
        "focus shows on the button's children, as GOV.UK's accordion does",
    ),
    "/good/focus-visible-ring": Case(
        _styled(
            "Focus visible",
            "a:focus { outline: none } a:focus-visible { outline: 3px solid #fd0; outline-offset: 2px }",
            "<a href='/clean'>Home</a>",
        ),
        None,
        "a :focus-visible outline",
    ),
    "/good/box-shadow": Case(
        _styled("Own focus", "a:focus { outline: none; box-shadow: 0 0 0 3px #fd0; }", "<a href='/clean'>Home</a>"),
        None,
        "a box shadow instead of an outline",
    ),
    "/good/custom-radio": Case(
        _styled(
            "Radios",
            ".r { position: relative; padding-left: 40px } .r input { position: absolute; left: 0; opacity: 0; "
            "width: 32px; height: 32px; margin: 0 } .r label::before { content: ''; position: absolute; left: 0; "
            "width: 28px; height: 28px; border: 2px solid #0b0c0c; border-radius: 50% } "
            ".r input:focus + label::before { box-shadow: 0 0 0 4px #fd0 }",
            "<div class='r'><input type='radio' id='r1' name='c' checked><label for='r1'>Yes</label></div>"
            "<div class='r'><input type='radio' id='r2' name='c'><label for='r2'>No</label></div>",
        ),
        None,
        "an invisible radio whose label's ::before shows focus; one Tab stop for the group",
    ),
    "/good/focus-within-card": Case(
        _styled(
            "Card",
            ".card { padding: 16px; border: 1px solid #ccc } .card:focus-within { outline: 3px solid #fd0 } "
            ".card a:focus { outline: none }",
            "<div class='card'><a href='/clean'>Read more</a></div>",
        ),
        None,
        "the card around the link shows focus with :focus-within",
    ),
    "/good/thick-underline": Case(
        _styled("Underline", "a:focus { outline: none; text-decoration-thickness: 5px }", "<a href='/clean'>Home</a>"),
        None,
        "a thick underline on focus",
    ),
    "/good/escapable-loop": Case(
        document("Loop", _TRAP_FIELDS + "<script>window.escapable = true;</script>" + _TRAP_SCRIPT),
        None,
        "focus loops, but Escape lets go of it, as a modal dialog does",
    ),
}

# A link without a focus style beside a canvas that redraws itself all the time: pixels around the link change
# by themselves, so whether focus shows cannot be decided. It must be listed for review, not failed or passed.
_ANIMATED = (
    "<style>a:focus { outline: none }</style><p style='position:relative'><a href='/clean'>Home</a>"
    "<canvas id='c' width='60' height='30' style='position:absolute;left:0;top:0;pointer-events:none'></canvas></p>"
    "<script>const c = document.getElementById('c').getContext('2d');"
    # The hue turns 20 degrees every 100 ms: two captures that far apart always differ.
    "setInterval(() => { c.fillStyle = `hsl(${(performance.now() / 5) % 360}, 100%, 50%)`;"
    " c.fillRect(0, 0, 60, 30); }, 4);"
    "</script>"
)
REVIEW: dict[str, Case] = {
    "/review/animated-neighbour": Case(
        document("Animated", _ANIMATED),
        FOCUS,
        "the region around the link changes by itself, so the comparison cannot be trusted",
    ),
}
