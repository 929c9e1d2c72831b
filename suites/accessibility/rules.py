"""The rules of golive's own checks, described as axe describes its rules, and WCAG criteria from axe's tags."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_NODES_PER_RULE = 10
# axe tags a rule with the success criteria it tests: wcag111 is 1.1.1, wcag1410 is 1.4.10, wcag2411 is 2.4.11.
# Level tags (wcag2a, wcag21aa) contain letters and do not match.
_CRITERION_TAG = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")


def wcag_criteria(tags: Iterable[object]) -> list[str]:
    """The WCAG success criteria named by axe-style tags, in tag order, e.g. ``["1.4.3"]``."""
    found: list[str] = []
    for tag in tags:
        match = _CRITERION_TAG.match(str(tag))
        if match is not None:
            criterion = ".".join(match.groups())
            if criterion not in found:
                found.append(criterion)
    return found


@dataclass(frozen=True)
class CheckRule:
    """A golive check's rule as axe would describe it: id, default impact, WCAG criterion, help text."""

    id: str
    check: str
    impact: str
    criterion: str
    help: str
    help_url: str

    @property
    def tags(self) -> list[str]:
        """axe-style tags: the criterion's level tag and its own tag (``wcag1410``), then ``golive``."""
        return [*_LEVEL_TAGS[self.criterion], "wcag" + self.criterion.replace(".", ""), "golive"]

    def violation(self, nodes: list[dict[str, Any]]) -> dict[str, Any]:
        """An axe-shaped violation of this rule with `nodes` (at most MAX_NODES_PER_RULE kept)."""
        return {
            "id": self.id,
            "impact": self.impact,
            "tags": self.tags,
            "description": self.help,
            "help": f"{self.help} (WCAG {self.criterion})",
            "helpUrl": self.help_url,
            "wcag": [self.criterion],
            "nodes": [{"impact": self.impact, **node} for node in nodes[:MAX_NODES_PER_RULE]],
            "nodes_found": len(nodes),
        }


_LEVEL_TAGS = {"1.4.10": ["wcag21aa"], "2.1.1": ["wcag2a"], "2.4.7": ["wcag2aa"], "2.1.2": ["wcag2a"]}
_UNDERSTANDING = "https://www.w3.org/WAI/WCAG22/Understanding/"
REFLOW_WIDTH = 320
REFLOW = CheckRule(
    "golive-reflow",
    "reflow",
    "serious",
    "1.4.10",
    f"Content must reflow at {REFLOW_WIDTH} CSS px wide without scrolling sideways",
    _UNDERSTANDING + "reflow.html",
)
KEYBOARD_UNREACHABLE = CheckRule(
    "golive-keyboard-unreachable",
    "keyboard",
    "serious",
    "2.1.1",
    "Every interactive element must be reachable with the Tab key",
    _UNDERSTANDING + "keyboard.html",
)
FOCUS_NOT_VISIBLE = CheckRule(
    "golive-focus-visible",
    "keyboard",
    "serious",
    "2.4.7",
    "Keyboard focus must be visible",
    _UNDERSTANDING + "focus-visible.html",
)
KEYBOARD_TRAP = CheckRule(
    "golive-keyboard-trap",
    "keyboard",
    "critical",
    "2.1.2",
    "Keyboard focus must not be trapped",
    _UNDERSTANDING + "no-keyboard-trap.html",
)
RULES = {rule.id: rule for rule in (REFLOW, KEYBOARD_UNREACHABLE, FOCUS_NOT_VISIBLE, KEYBOARD_TRAP)}


@dataclass
class CheckOutcome:
    """What one check found on a page: axe-shaped violations, elements it could not decide, facts about the run.

    `review` entries (``rule``, ``target``, ``html``, ``reason``) are reported as needing review: they never
    fail the verdict.
    """

    violations: list[dict[str, Any]]
    facts: dict[str, Any]
    review: list[dict[str, Any]] = field(default_factory=list)
