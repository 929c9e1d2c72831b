"""The console narrates a run: progress throttled but never lost, the verdict with its reasons."""

from __future__ import annotations

import io
from pathlib import Path

from harness.console import Console
from harness.events import RunFinished, RunStarted, SuiteFinished, SuiteProgressed, SuiteStarted
from harness.models import Check, Status, SuiteResult
from tests.reporters.sample import sample_run


def test_progress_is_throttled_but_the_last_line_is_shown() -> None:
    progress, verdict = io.StringIO(), io.StringIO()
    console = Console(progress, verdict)
    console.handle(RunStarted("id", "http://127.0.0.1:1", ("accessibility",), Path("reports/id")))
    console.handle(SuiteStarted("accessibility", "Accessibility audit"))
    for page in range(1, 6):
        console.handle(SuiteProgressed("accessibility", f"audited {page}/5 pages"))
    result = SuiteResult("accessibility", checks=(Check("x", Status.PASS, "ok"),))
    console.handle(SuiteFinished("accessibility", result, 1.5))
    lines = progress.getvalue().splitlines()
    assert "[accessibility] audited 1/5 pages" in lines
    assert "[accessibility] audited 5/5 pages" in lines
    assert lines.count("[accessibility] audited 3/5 pages") == 0
    assert lines[-1] == "[accessibility] finished in 1.5s: PASS"


def test_verdict_and_reasons_go_to_stdout() -> None:
    progress, verdict = io.StringIO(), io.StringIO()
    Console(progress, verdict).handle(RunFinished(sample_run(), Path("reports/x")))
    text = verdict.getvalue()
    assert "Verdict: NOT_READY" in text
    assert "  - performance: p95 latency 1240 ms > 1000 ms (fail)" in text
    assert "report.html" in text
    assert progress.getvalue() == ""
