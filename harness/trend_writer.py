"""Writing `<out>/index.html`, the trend page: after every run (an event handler) and by `golive history --html`.

The page is a convenience over the history: a failure to write it is one line on stderr and never changes a
run's verdict or exit code.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from harness.events import Event, RunFinished
from harness.files import write_atomic
from harness.history import open_history
from harness.history_settings import HistorySettings
from harness.history_store import ANY_PROFILE, HistoryStore, ProfileFilter
from harness.redaction import Redactor
from harness.reporters.trend_page import FILE_NAME, render_trend_page
from harness.rundir import utc_timestamp
from harness.trends import DEFAULT_RUNS, TargetTrend, target_trend


def _scope(target: str | None, profile: ProfileFilter, limit: int) -> str:
    targets = f"target {target}" if target is not None else "each target in the history"
    profiles = f", profile {profile or 'none'}" if profile is None or isinstance(profile, str) else ""
    return f"At most the last {limit} runs of {targets}{profiles}, oldest first."


def trend_sections(
    store: HistoryStore | None,
    out_dir: Path,
    target: str | None = None,
    profile: ProfileFilter = ANY_PROFILE,
    limit: int = DEFAULT_RUNS,
) -> list[TargetTrend]:
    """A section per target (or only `target`) with its last `limit` runs, oldest first (none without a store)."""
    if store is None:
        return []
    targets = [target.rstrip("/")] if target is not None else store.targets(profile)
    sections = []
    for name in targets:
        runs = store.runs(target=name, profile=profile, limit=limit)
        if runs:
            sections.append(target_trend(name, runs, out_dir))
    return sections


def write_trend_page(
    store: HistoryStore | None,
    out_dir: Path,
    redactor: Redactor,
    target: str | None = None,
    profile: ProfileFilter = ANY_PROFILE,
    limit: int = DEFAULT_RUNS,
) -> Path:
    """Render the page from the store and write `<out>/index.html` atomically (secrets masked); return its path."""
    sections = trend_sections(store, out_dir, target, profile, limit)
    now = utc_timestamp(dt.datetime.now(dt.UTC)).replace("T", " ").replace("Z", " UTC")
    html = render_trend_page(sections, now, _scope(target, profile, limit))
    path = out_dir / FILE_NAME
    write_atomic(path, redactor.text(html))
    return path


class TrendPageWriter:
    """Event handler: rewrites `<out>/index.html` when a run finishes (after the HistoryRecorder recorded it)."""

    def __init__(self, settings: HistorySettings, out_dir: Path, redactor: Redactor) -> None:
        self._settings = settings
        self._out_dir = out_dir
        self._redactor = redactor

    def handle(self, event: Event) -> None:
        """Write the page on RunFinished; ignore other events. Never raises but for an interrupt."""
        if not isinstance(event, RunFinished):
            return
        try:
            with open_history(self._settings, self._out_dir) as store:
                write_trend_page(store, self._out_dir, self._redactor)
        # The page only summarises the history: whatever goes wrong with it must not cost the run its verdict.
        except Exception as error:
            # An OSError's own words ("Is a directory") name the problem; its message adds temporary file names.
            words = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            reason = self._redactor.text(words.splitlines()[0] if words else type(error).__name__)
            print(f"golive: the trend page {self._out_dir / FILE_NAME} was not written: {reason}", file=sys.stderr)
