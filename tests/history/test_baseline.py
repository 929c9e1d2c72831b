"""Baselines: medians of valid runs of the same target and profile, relative thresholds, the new-findings gate."""

from __future__ import annotations

import dataclasses

import pytest

from harness.baseline import (
    Baseline,
    baseline_for,
    baseline_from_runs,
    judge_regression,
    new_findings_check,
    parse_change,
    regression_checks,
)
from harness.history_store import HistoryStore
from harness.models import Status
from harness.run_record import RunRecord
from tests.history.runs import a11y_finding, accessibility, full_run, performance, record, run

LATENCY = ("p95 latency", " ms")


def perf_runs(*p95s: float, profile: str | None = None) -> list[RunRecord]:
    return [
        record(run(f"202611{10 + day:02d}T010000Z-aaaa", {"performance": performance(p95=p95)}, profile=profile))
        for day, p95 in enumerate(p95s)
    ]


def test_the_baseline_is_the_median_of_the_last_runs_that_measured(history_url: str) -> None:
    store = HistoryStore.open(history_url)
    for result in perf_runs(9000, 300, 310, 1000, 315, 320):
        store.record(result)
    store.record(record(run("20261120T010000Z-bbbb", {"accessibility": accessibility()})))  # perf not run
    store.record(record(run("20261121T010000Z-cccc", {"performance": performance(p95=5)}, profile="beta")))
    store.record(record(run("20261122T010000Z-dddd", {"performance": performance(p95=7)}, interrupted=True)))
    store.record(record(run("20261123T010000Z-eeee", {"performance": performance(p95=8)})))
    store.invalidate("20261123T010000Z-eeee", "the target was being redeployed")
    baseline = baseline_for(store, "http://127.0.0.1:8000", None, runs=5, min_runs=3)
    perf = baseline.of("performance")
    assert perf.run_ids == tuple(f"202611{day}T010000Z-aaaa" for day in range(11, 16))
    assert perf.medians["p95_ms"] == 315  # 300, 310, 1000, 315, 320: the outlier 9000 is older than 5 runs
    assert perf.samples["p95_ms"] == 5
    assert baseline.missing("performance") is None
    assert baseline.missing("accessibility") == "no baseline yet (1 of 3 runs)"


def test_a_regression_names_the_value_the_change_the_median_and_the_runs() -> None:
    baseline = baseline_from_runs(perf_runs(300, 310, 315, 320, 330), 5, 3)
    check = judge_regression(
        "p95_ms_regression",
        *LATENCY[:1],
        412,
        baseline,
        "performance",
        "p95_ms",
        warn="+10%",
        fail="+25%",
        unit=LATENCY[1],
    )
    assert check.status is Status.FAIL
    assert check.message == "p95 latency 412 ms is 31% above its baseline 315 ms (median of 5 runs)"
    assert check.threshold == {
        "warn_regression": "+10%",
        "fail_regression": "+25%",
        "baseline": 315,
        "baseline_runs": 5,
    }
    warn = judge_regression("x", "p95 latency", 350, baseline, "performance", "p95_ms", "+10%", "+25%", " ms")
    assert warn.status is Status.WARN
    fine = judge_regression("x", "p95 latency", 320, baseline, "performance", "p95_ms", "+10%", "+25%", " ms")
    assert fine.status is Status.PASS and fine.message.endswith("within limits")


def test_throughput_regresses_downwards() -> None:
    runs = [
        record(run(f"2026111{day}T010000Z-aaaa", {"performance": performance(rps=rps)}))
        for day, rps in enumerate([100, 100, 100])
    ]
    baseline = baseline_from_runs(runs, 5, 3)
    (check,) = regression_checks(
        "performance", {"rps": 75.0}, {"rps": {"fail_below": 50, "fail_regression": "-20%"}}, baseline
    )
    assert check.id == "rps_regression" and check.status is Status.FAIL
    assert check.message == "rps 75 is 25% below its baseline 100 (median of 3 runs)"
    (ok,) = regression_checks("performance", {"rps": 130.0}, {"rps": {"fail_regression": "-20%"}}, baseline)
    assert ok.status is Status.PASS


def test_too_few_runs_skip_the_relative_check_and_a_missing_value_is_an_error() -> None:
    baseline = baseline_from_runs(perf_runs(300), 5, 3)
    check = judge_regression("x", "p95 latency", 900, baseline, "performance", "p95_ms", fail="+25%")
    assert check.status is Status.SKIPPED
    assert check.message == "p95 latency: no baseline yet (1 of 3 runs)"
    assert (
        judge_regression("x", "p95 latency", None, baseline, "performance", "p95_ms", fail="+25%").status
        is Status.ERROR
    )
    assert regression_checks("performance", {"p95_ms": 900}, {"p95_ms": {"fail": 1000}}, baseline) == []


def test_invalidated_runs_are_left_out_of_baselines(history_url: str) -> None:
    store = HistoryStore.open(history_url)
    for result in perf_runs(300, 310, 5000):
        store.record(result)
    store.invalidate("20261112T010000Z-aaaa", "a noisy neighbour on the load generator")
    baseline = baseline_for(store, "http://127.0.0.1:8000", None, runs=5, min_runs=2)
    assert baseline.of("performance").medians["p95_ms"] == 305
    assert baseline_for(store, "http://127.0.0.1:8000", None, runs=5, min_runs=3).missing("performance", "p95_ms") == (
        "no baseline yet (2 of 3 runs)"
    )


@pytest.mark.parametrize(("text", "value"), [("+10%", 0.10), ("-20%", -0.20), (" +2.5 % ", 0.025)])
def test_changes_parse(text: str, value: float) -> None:
    assert parse_change(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["10%", "+10", "ten", "+-5%", ""])
def test_bad_changes_say_what_is_expected(text: str) -> None:
    with pytest.raises(ValueError, match=r'such as "\+10%" or "-20%"'):
        parse_change(text)


def _a11y_runs(count: int) -> list[RunRecord]:
    return [
        record(full_run(f"2026111{day}T010000Z-aaaa", started_at=f"2026-11-1{day}T01:00:00Z")) for day in range(count)
    ]


def test_new_findings_gate_fails_warns_or_stays_off() -> None:
    baseline = baseline_from_runs(_a11y_runs(3), 5, 3)
    findings = [a11y_finding("image-alt"), a11y_finding("label"), a11y_finding("color-contrast", waived=True)]
    failed = new_findings_check("accessibility", findings, baseline, "fail")
    assert failed is not None and failed.status is Status.FAIL
    assert failed.message == "1 new finding(s) not seen in the last 3 runs: label on http://127.0.0.1:8000/"
    warned = new_findings_check("accessibility", findings, baseline, "warn")
    assert warned is not None and warned.status is Status.WARN
    assert new_findings_check("accessibility", findings, baseline, "off") is None
    known = new_findings_check("accessibility", findings[:1], baseline, "fail")
    assert known is not None and known.status is Status.PASS


def test_new_findings_gate_without_a_baseline_or_a_measurement() -> None:
    young = baseline_from_runs(_a11y_runs(1), 5, 3)
    skipped = new_findings_check("accessibility", [a11y_finding("label")], young, "fail")
    assert skipped is not None and skipped.status is Status.SKIPPED
    assert skipped.message == "new findings: no baseline yet (1 of 3 runs)"
    blind = new_findings_check("accessibility", [], Baseline(min_runs=3), "fail", measured=False)
    assert blind is not None and blind.status is Status.ERROR


def test_a_finding_seen_in_any_baseline_run_is_not_new() -> None:
    runs = _a11y_runs(3)
    fixed = dataclasses.replace(
        runs[-1],
        suites={
            **runs[-1].suites,
            "accessibility": record(run("x", {"accessibility": accessibility()})).suites["accessibility"],
        },
    )
    baseline = baseline_from_runs([*runs[:-1], fixed], 5, 3)
    assert "a11y-image-alt-home" in baseline.of("accessibility").fingerprints
    assert "a11y-region-home" in baseline.of("accessibility").fingerprints  # waived there, still seen
