"""Why pages could not be audited, said once per cause: "connection refused (/a, /b, /c)" rather than once per page.

A page record's error is Chromium's or golive's own words; Chromium's codes are put into words (net_errors), the
URL Playwright appends is dropped, and pages that failed for the same reason are named together, with what to
do about it said once at the end.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from suites.accessibility.artifacts import PageRecord, PageStatus
from suites.accessibility.net_errors import explain
from suites.accessibility.urls import display_path

MAX_PAGES_NAMED = 5
# A page the run never reached has no error of its own: the cause is whatever stopped the run, said apart.
NOT_REACHED = "not reached before the audit stopped"
# golive's own words for a page that was too slow (audit.py), and what helps.
_SLOW = ("did not load within", "took longer than")
_SLOW_HINT = "raise accessibility.page_timeout if the pages are only slow"


def cause_of(record: PageRecord) -> tuple[str, str]:
    """The words for why `record` could not be audited, and what a reader can do about it ("" if nothing)."""
    if record.status is PageStatus.NOT_AUDITED:
        return NOT_REACHED, ""
    if record.status is PageStatus.LOAD_ERROR and record.http_status is not None and record.http_status >= 400:
        # One wording for an error status, however it was recorded (by older golive versions too).
        return f"the page answered HTTP {record.http_status}", ""
    explained = explain(record.error or "no reason was recorded", record.http_status)
    if not explained.hint and any(marker in explained.text for marker in _SLOW):
        return explained.text, _SLOW_HINT
    return explained.text, explained.hint


def name_pages(records: Sequence[PageRecord], base: str) -> str:
    """Up to MAX_PAGES_NAMED pages as a reader names them, then how many more."""
    names = [display_path(record.url, base) for record in records[:MAX_PAGES_NAMED]]
    more = len(records) - MAX_PAGES_NAMED
    return ", ".join(names) + (f", +{more} more" if more > 0 else "")


def grouped_causes(records: Sequence[PageRecord], base: str) -> str:
    """Each cause once with the pages it stopped, then each distinct hint once.

    e.g. "connection refused (/a, /b, /c) — check that the service listens at target.url".
    """
    groups: dict[str, list[PageRecord]] = {}
    hints: list[str] = []
    for record in records:
        text, hint = cause_of(record)
        groups.setdefault(text, []).append(record)
        if hint and hint not in hints:
            hints.append(hint)
    said = "; ".join(f"{text} ({name_pages(pages, base)})" for text, pages in groups.items())
    return said + (f" — {'; '.join(hints)}" if hints else "")


def all_not_reached(records: Sequence[PageRecord]) -> bool:
    """Whether no page was even tried: the run stopped (the browser did not start, Ctrl-C) before the first."""
    return bool(records) and all(record.status is PageStatus.NOT_AUDITED for record in records)


def chromium_did_not_start(configured: str, error: Exception) -> str:
    """Why the audit's Chromium did not start, naming `browser.executable` when that is what to fix."""
    if not configured:
        return f"Chromium could not start: {error}"
    path = configured if os.sep in configured else (shutil.which(configured) or configured)
    if not Path(path).exists():
        what = f"{configured} does not exist"
    elif not Path(path).is_file() or not os.access(path, os.X_OK):
        what = f"{configured} is not an executable file"
    else:
        what = str(error).removeprefix(f"Chromium at {path} did not start: ")
        what = f"{configured}: {what}"
    return f"Chromium could not start: {what} — set browser.executable to a Chromium binary"
