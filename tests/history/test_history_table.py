"""`golive history`'s table: each suite's status and own headline values; `not run` where a suite did not run."""

from __future__ import annotations

import dataclasses

from harness.history_table import history_json, history_rows, render_history
from harness.models import Check, Status, SuiteResult
from harness.registry import suite_class
from harness.run_record import record_from_legacy
from tests.history.runs import full_run, performance, record, run


def test_a_suite_that_did_not_run_shows_not_run_not_zeros() -> None:
    full = record(full_run("20261126T010000Z-aaaa"), label="v1")
    quick = record(run("20261127T010000Z-bbbb", {"performance": performance(p95=412)}))
    header, first, second = history_rows([full, quick])
    assert header[:4] == ["run", "label", "verdict", "findings"]
    row = dict(zip(header, second, strict=True))
    assert row["accessibility"] == "not run" and row["security"] == "not run"
    assert row["p95 ms"] == "412"  # the performance suite's own column names (its headline_metrics)
    assert row["pages"] == "" and row["sec high"] == ""
    assert dict(zip(header, first, strict=True))["findings"] == "3"  # the waived one is not open


def test_a_check_that_could_not_measure_shows_its_status() -> None:
    broken = full_run("20261126T010000Z-aaaa")
    unmeasured = SuiteResult(
        name="performance",
        checks=(
            Check("p95_ms", Status.ERROR, "p95 latency could not be measured"),
            Check("error_ratio", Status.PASS, "error ratio 0 within limits", 0.0),
        ),
        metrics={"error_ratio": 0.0},
    )
    broken = dataclasses.replace(broken, suites={**broken.suites, "performance": unmeasured})
    header, row = history_rows([record(broken)])
    cells = dict(zip(header, row, strict=True))
    assert (cells["performance"], cells["p95 ms"], cells["errors"], cells["rps"]) == ("error", "error", "0", "-")


def test_headline_columns_come_from_the_suite_not_from_a_list_in_golive() -> None:
    uptime = SuiteResult(
        name="uptime",
        checks=(Check("success_ratio", Status.PASS, "99.5% of requests succeeded", 0.995),),
        metrics={"success_ratio": 0.995, "p95_ms": 120, "requests": 60},
    )
    custom = dataclasses.replace(run("20261126T010000Z-aaaa", {}), suites={"uptime": uptime})
    given = dataclasses.replace(uptime, details={"headline": ["requests", "p95_ms"]})
    listed = dataclasses.replace(custom, run_id="20261127T010000Z-bbbb", suites={"uptime": given})
    table = render_history([record(custom)])
    assert table.splitlines()[0].split() == [
        "run",
        "label",
        "verdict",
        "findings",
        "uptime",
        "success_ratio",
        "note",
    ]
    assert table.splitlines()[1].split()[-2:] == ["pass", "0.995"]
    header = history_rows([record(listed)])[0]
    assert header[4:7] == ["uptime", "requests", "p95_ms"]


def test_a_suite_class_declares_its_columns_and_their_labels() -> None:
    probes = SuiteResult(
        name="availability",
        checks=(Check("success_ratio", Status.PASS, "success ratio 1 within limits", 1.0),),
        metrics={"success_ratio": 1.0, "p95_ms": 12, "requests": 60},
    )
    result = dataclasses.replace(run("20261126T010000Z-aaaa", {}), suites={"availability": probes})
    declared = suite_class("availability").headline_metrics
    assert declared  # the availability suite names its own headline columns
    header, row = history_rows([record(result)])
    assert header[4:] == ["availability", *declared.values(), "note"]
    assert row[4] == "pass"


def test_invalid_and_interrupted_runs_say_so() -> None:
    invalid = dataclasses.replace(record(full_run("20261126T010000Z-aaaa")), invalid_reason="staging was down")
    stopped = record(full_run("20261127T010000Z-bbbb", interrupted=True))
    rows = history_rows([invalid, stopped])
    assert rows[1][-1] == "INVALID: staging was down"
    assert rows[2][-1] == "interrupted: results are partial"
    (entry,) = history_json([invalid])
    assert entry["invalid_reason"] == "staging was down"
    assert entry["suites"]["performance"]["headline"] == {"p95_ms": 300, "rps": 100.0, "error_ratio": 0.0}


def test_a_run_judged_again_says_its_verdict_is_the_re_evaluated_one() -> None:
    judged = dataclasses.replace(record(full_run("20261126T010000Z-aaaa")), evaluated_at="2026-11-27T09:00:00Z")
    stopped_and_judged = dataclasses.replace(
        record(full_run("20261127T010000Z-bbbb", interrupted=True)), evaluated_at="x"
    )
    rows = history_rows([judged, stopped_and_judged])
    assert rows[1][-1] == "verdict re-evaluated 2026-11-27T09:00:00Z"
    assert rows[2][-1] == "interrupted: results are partial; verdict re-evaluated x"
    assert history_json([judged])[0]["evaluated_at"] == "2026-11-27T09:00:00Z"


def test_runs_from_the_old_history_file_show_their_numbers() -> None:
    legacy = record_from_legacy(
        {
            "run_id": "20261120T010000Z-0001",
            "target": "t",
            "verdict": "READY",
            "suites": {
                "performance": {"status": "pass", "metrics": {"p95_ms": 310, "by_impact.x": 1}},
                "security": {"status": "skipped", "metrics": {}},
            },
            "findings": {},
        }
    )
    header, row = history_rows([legacy])
    assert "security" not in header
    assert dict(zip(header, row, strict=True))["p95_ms"] == "310"
