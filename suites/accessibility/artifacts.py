"""The artifacts the accessibility suite saves: the page index and one raw axe result per page.

Gather writes them and evaluate reads them; this module is the one place that knows their shape, so
`golive evaluate RUN_DIR` can re-judge an old run.

Layout under ``artifacts/accessibility/``::

    pages.json              the index: run facts (axe version, tags, browser) and one record per page
    pages/003-start.json    axe's raw result for a page (its `violations` and `incomplete` nodes)
    pages/003-start.jpeg    a screenshot of a page with violations, the violating elements outlined

A page's result file is axe's result with one key added, ``golive``: the checks axe cannot make (reflow,
keyboard) that ran, their errors, facts about how they ran, and their violations in axe's own shape.
"""

from __future__ import annotations

import enum
import re
from dataclasses import asdict, dataclass, field
from typing import Any

INDEX = "pages.json"
PAGES_FOLDER = "pages"
INDEX_VERSION = 1


class PageStatus(enum.StrEnum):
    """How far the audit of one page got."""

    AUDITED = "audited"  # axe ran; its result file exists
    LOAD_ERROR = "load_error"  # HTTP >= 400, timeout, connection error: the page could not be opened
    AUDIT_ERROR = "audit_error"  # the page opened but axe could not run on it (or the tab crashed)
    OFFSITE = "offsite"  # the page redirected to another origin and was deliberately not audited
    NOT_AUDITED = "not_audited"  # never reached: the browser was lost or the run was interrupted
    STEP_ERROR = "step_error"  # a journey step could not be done (its element never appeared, a goto failed, ...)


# Statuses that mean "we wanted to measure this page and could not": never a pass.
FAILED_STATUSES = frozenset(
    {PageStatus.LOAD_ERROR, PageStatus.AUDIT_ERROR, PageStatus.NOT_AUDITED, PageStatus.STEP_ERROR}
)


@dataclass
class PageRecord:
    """One page in the index: what was asked for, what was reached, and how the audit went.

    `url` is the absolute URL requested; `final_url` where the browser ended up after redirects;
    `http_status` the main document's status (None if there was no response); `result_file` and `screenshot`
    are paths relative to the artifact folder; `timing` holds milliseconds (`load_ms`, `axe_ms`, or
    `reuse_check_ms` for a reused page).
    """

    url: str
    requested: str
    status: PageStatus = PageStatus.NOT_AUDITED
    final_url: str | None = None
    http_status: int | None = None
    error: str | None = None
    result_file: str | None = None
    screenshot: str | None = None
    violations: int = 0
    source: str = "config"  # config | sitemap | crawl | journey
    timing: dict[str, float] = field(default_factory=dict)
    journey: str | None = None
    step: int | None = None
    step_label: str | None = None
    # A page whose responses were unchanged since a valid audit keeps that audit: `reused_from` is when that
    # audit's run started (see reuse.py).
    reused: bool = False
    reused_from: str | None = None

    @property
    def reuse_note(self) -> str | None:
        """How the report marks a reused page, or None for a page audited in this run."""
        return f"reused from the run of {self.reused_from}, unchanged" if self.reused else None

    def to_dict(self) -> dict[str, Any]:
        """The record as saved in pages.json."""
        data = asdict(self)
        data["status"] = self.status.value
        return data

    @staticmethod
    def from_dict(data: dict[str, Any]) -> PageRecord:
        """Read a record saved by `to_dict`; unknown keys (from a newer golive) are ignored."""
        known = {name: data[name] for name in PageRecord.__dataclass_fields__ if name in data}
        known["status"] = PageStatus(known.get("status", PageStatus.NOT_AUDITED.value))
        return PageRecord(**known)


def page_file_stem(index: int, url_path: str) -> str:
    """A short, safe, unique file name stem for the `index`-th page, e.g. ``003-start-page``."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", url_path).strip("-").lower()[:60] or "root"
    return f"{index:03d}-{slug}"
