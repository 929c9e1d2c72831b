"""The reviewed true positives of golive's own checks on the GOV.UK Frontend examples, each with why it is true.

The corpus test requires exactly these findings from the own checks, no more and no fewer: a new finding is
either a false alarm to fix or a true one to review and add here, with its reason.
"""

from __future__ import annotations

TRUE_POSITIVES: dict[tuple[str, str], str] = {
    ("/components/summary-list/extreme", "golive-reflow"): (
        "the example's row 'No wrapping allowed' sets white-space: nowrap on an e-mail address; at 320 CSS px "
        "it runs past the right edge and the page scrolls sideways by 9 px. It is text, not a table or code, so "
        "WCAG 1.4.10 does not exempt it."
    ),
}
