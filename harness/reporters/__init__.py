"""Reporters: each renders a RunResult to one file; the ReportWriter writes them all when a run finishes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harness.events import Event, RunFinished
from harness.models import RunResult
from harness.redaction import Redactor
from harness.reporters import html, json_report, junit, markdown, sarif
from harness.suite import write_atomic

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
    if "security" in result.suites and result.suites["security"].status.value != "skipped":
        reports[sarif.FILE_NAME] = sarif.render_sarif
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
