"""The history store, the run-to-run comparison and `golive history`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness.comparison import compare, describe
from harness.history import HistoryStore
from harness.history_table import render_history
from harness.models import RunResult
from harness.redaction import Redactor
from harness.reporters.markdown import render_markdown
from tests.reporters.sample import sample_run
from tests.support import run_golive


def later(run: RunResult, run_id: str, **changes: object) -> RunResult:
    return dataclasses.replace(run, run_id=run_id, **changes)  # type: ignore[arg-type]


def test_records_runs_and_finds_the_previous_one_of_the_same_target(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    first = sample_run()
    store.record(first, Redactor())
    store.record(later(first, "20261127T000000Z-aaaa", target="http://other"), Redactor())
    store.record(later(first, "20261128T000000Z-bbbb", interrupted=True), Redactor())
    assert [entry["run_id"] for entry in store.entries()] == [
        first.run_id,
        "20261127T000000Z-aaaa",
        "20261128T000000Z-bbbb",
    ]
    previous = store.previous(first.target, "20261129T000000Z-cccc")
    assert previous is not None and previous["run_id"] == first.run_id  # other target and interrupted skipped
    assert store.previous(first.target, first.run_id) is None


def test_evaluating_a_run_again_replaces_its_line(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    store.record(sample_run(), Redactor())
    store.record(sample_run(), Redactor())
    assert len(store.entries()) == 1


def test_history_lines_are_redacted(tmp_path: Path) -> None:
    HistoryStore(tmp_path).record(sample_run(), Redactor(["127.0.0.1:8000"]))
    assert "127.0.0.1:8000" not in (tmp_path / "history.jsonl").read_text()


def test_comparison_lists_new_and_resolved_findings_and_big_metric_changes(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    before = sample_run()
    store.record(before, Redactor())
    performance = before.suites["performance"]
    slower = dataclasses.replace(performance, metrics={**performance.metrics, "p95_ms": 2000, "rps": 171.0})
    security = dataclasses.replace(before.suites["security"], findings=())
    now = later(before, "20261127T000000Z-aaaa", suites={**before.suites, "performance": slower, "security": security})
    comparison = compare(now, store.previous(now.target, now.run_id))
    assert comparison is not None
    assert comparison["previous_run_id"] == before.run_id
    assert comparison["new_findings"] == 0
    assert comparison["resolved"] == ["security: missing-csp on http://127.0.0.1:8000/"]
    # rps moved by less than 10%: noise, not listed.
    assert comparison["metric_changes"] == [{"suite": "performance", "metric": "p95_ms", "before": 1240, "after": 2000}]
    assert describe(comparison).startswith(f"Since run {before.run_id} (NOT_READY): 0 new finding(s), 1 resolved")
    assert "p95_ms: 1240 → 2000" in render_markdown(dataclasses.replace(now, comparison=comparison))


def test_first_run_has_no_comparison() -> None:
    assert compare(sample_run(), None) is None


@pytest.mark.integration
def test_history_command_prints_a_trend_table(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "reports")
    store.record(sample_run(), Redactor())
    done = run_golive("history", "--out", str(tmp_path / "reports"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["run", "verdict", "findings"]
    assert lines[1].startswith("20261126T101500Z-3f2a  NOT_READY")
    assert "1240" in lines[1]
    assert render_history(store.entries()) == done.stdout.rstrip("\n")


@pytest.mark.integration
def test_history_command_without_runs_says_so(tmp_path: Path) -> None:
    done = run_golive("history", "--out", str(tmp_path / "nothing"), cwd=tmp_path)
    assert done.returncode == 0
    assert "no runs recorded" in done.stderr
