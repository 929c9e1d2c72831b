"""Reporters: each renders a RunResult to one file; the ReportWriter writes them all when a run finishes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from harness.events import Event, RunFinished
from harness.files import write_atomic
from harness.models import RunResult, Status
from harness.redaction import Redactor
from harness.registry import loadable_suites
from harness.reporters import html, json_report, junit, markdown, sarif

Renderer = Callable[[RunResult], str]

# File name → renderer; result.json first so that an interrupted write leaves the contract file in place.
REPORTS: dict[str, Renderer] = {
    json_report.FILE_NAME: json_report.render_json,
    markdown.FILE_NAME: markdown.render_markdown,
    junit.FILE_NAME: junit.render_junit,
    html.FILE_NAME: html.render_html,
}


def write_reports(result: RunResult, run_dir: Path, redactor: Redactor) -> list[Path]:
    """Write every report for `result` into `run_dir` (secrets masked, atomically); return the paths."""
    written = []
    reports = dict(REPORTS)
    scanned = [
        name
        for name, cls in loadable_suites().items()
        if cls.sarif and name in result.suites and result.suites[name].status is not Status.SKIPPED
    ]
    if scanned:
        reports[sarif.FILE_NAME] = functools.partial(sarif.render_sarif, suite_names=scanned)
    for name, render in reports.items():
        path = run_dir / name
        write_atomic(path, redactor.text(render(result)))
        written.append(path)
    return written


class ReportWriter:
    """Event handler: writes the reports when the run finishes."""

    def __init__(self, redactor: Redactor) -> None:
        self._redactor = redactor
        self.written: list[Path] = []

    def handle(self, event: Event) -> None:
        """Write all reports on RunFinished; ignore other events."""
        if isinstance(event, RunFinished):
            self.written = write_reports(event.result, event.run_dir, self._redactor)
