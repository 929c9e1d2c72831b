"""The console narrates a run: progress throttled but never lost, the verdict with its reasons."""

from __future__ import annotations

import io
from dataclasses import replace
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


def test_a_progress_line_that_did_not_change_is_repeated_only_after_a_while() -> None:
    clock = [1000.0]
    progress = io.StringIO()
    console = Console(progress, io.StringIO(), clock=lambda: clock[0])
    waiting = "users 10, no requests counted yet (1 worker(s) connected)"
    for _ in range(12):  # 2 s apart, as the load test reports: 22 s of the same line
        clock[0] += 2
        console.handle(SuiteProgressed("performance", waiting))
    clock[0] += 10  # 32 s after it was said
    console.handle(SuiteProgressed("performance", waiting))
    clock[0] += 2
    console.handle(SuiteProgressed("performance", "users 10, 812.0 rps, p95 41 ms, 0 errors (1624 requests)"))
    console.handle(SuiteProgressed("performance", waiting))  # the newest, held back for its second
    clock[0] += 0.5
    console.handle(SuiteFinished("performance", SuiteResult("performance"), 40.0))
    lines = progress.getvalue().splitlines()
    assert lines.count(f"[performance] {waiting}") == 3
    assert lines[2] == "[performance] users 10, 812.0 rps, p95 41 ms, 0 errors (1624 requests)"
    assert lines[-2] == f"[performance] {waiting}"


def test_verdict_and_reasons_go_to_stdout() -> None:
    progress, verdict = io.StringIO(), io.StringIO()
    Console(progress, verdict).handle(RunFinished(sample_run(), Path("reports/x")))
    text = verdict.getvalue()
    assert "Verdict: NOT_READY" in text
    assert "  - performance: p95 latency 1240 ms > 1000 ms (fail)" in text
    assert "report.html" in text
    assert progress.getvalue() == ""


def test_a_suite_whose_status_changed_after_its_finished_line_is_said_again() -> None:
    progress, verdict = io.StringIO(), io.StringIO()
    console = Console(progress, verdict)
    early = SuiteResult("performance", checks=(Check("p95_ms", Status.PASS, "p95 latency 412 ms <= 1000 ms"),))
    console.handle(SuiteFinished("performance", early, 10.0))
    run = sample_run()
    regression = Check("p95_ms_regression", Status.FAIL, "p95 latency 412 ms is 31% above its baseline 315 ms")
    final = SuiteResult("performance", checks=(*early.checks, regression))
    console.handle(RunFinished(replace(run, suites={"performance": final}), Path("reports/x")))
    lines = progress.getvalue().splitlines()
    assert lines[0] == "[performance] finished in 10.0s: PASS"
    assert lines[1] == "[performance] now FAIL: p95 latency 412 ms is 31% above its baseline 315 ms"


def test_a_suite_whose_status_held_is_not_said_again() -> None:
    progress, verdict = io.StringIO(), io.StringIO()
    console = Console(progress, verdict)
    run = sample_run()
    console.handle(SuiteFinished("performance", run.suites["performance"], 10.0))
    console.handle(RunFinished(run, Path("reports/x")))
    assert progress.getvalue().splitlines() == ["[performance] finished in 10.0s: FAIL"]
