"""The evaluate step on recorded Locust output (saved from real runs against local servers, then trimmed).

`data/mixed` is a 5 s run of 10 users on /fast, /slow (250 ms) and /fail (HTTP 500); `data/refused` is a run
against a port nothing listened on.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.models import Status, SuiteResult
from harness.settings import GoliveConfig
from harness.thresholds import Band
from suites.performance.evaluate import evaluate_run
from suites.performance.results import load_endpoints, merge, percentile

DATA = Path(__file__).parent / "data"
TARGET = "http://127.0.0.1:42205"
MakeConfig = Callable[..., GoliveConfig]


def recorded(tmp_path: Path, name: str) -> Path:
    """A private copy of a recorded run's artifacts, safe to modify."""
    folder = tmp_path / name
    shutil.copytree(DATA / name, folder)
    return folder


def evaluate(folder: Path, config: GoliveConfig, today: dt.date) -> SuiteResult:
    return evaluate_run(folder, config, today)


def check(result: SuiteResult, check_id: str) -> dict[str, object]:
    found = [c.to_dict() for c in result.checks if c.id == check_id]
    assert found, f"no check {check_id!r} in {[c.id for c in result.checks]}"
    return found[0]


def expanded_percentile(histogram: dict[int, int], percent: float) -> int:
    """Independent reference: sort every request's time and take Locust's index, int(n * percent)."""
    times = sorted(t for t, count in histogram.items() for _ in range(count))
    return times[int(len(times) * percent)]


def test_percentile_walks_the_histogram_like_locust() -> None:
    histogram = {10: 50, 20: 40, 100: 9, 1000: 1}
    assert percentile(histogram, 0.50) == 20
    assert percentile(histogram, 0.90) == 100
    assert percentile(histogram, 0.95) == 100
    assert percentile(histogram, 0.99) == 1000
    assert percentile({}, 0.95) is None


def test_percentiles_of_recorded_endpoints_match_a_sorted_list() -> None:
    endpoints = load_endpoints(DATA / "mixed" / "locust.json")
    for stats in [*endpoints, merge(endpoints)]:
        histogram = dict(stats.response_times)
        for percent in (0.5, 0.9, 0.95, 0.99):
            assert percentile(histogram, percent) == expanded_percentile(histogram, percent), (stats.label, percent)


def test_overall_metrics_and_default_gates(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    result = evaluate(recorded(tmp_path, "mixed"), make_config(target=TARGET), today)

    metrics = result.metrics
    assert list(metrics) == [
        "requests", "failures", "error_ratio", "rps", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms",
    ]  # fmt: skip
    assert metrics["requests"] == 326
    assert metrics["failures"] == 115
    assert metrics["error_ratio"] == pytest.approx(115 / 326, abs=1e-6)
    # rps is requests over the measured window (test start to last request), 4.68 s here.
    assert metrics["rps"] == pytest.approx(69.7, abs=0.1)
    assert (metrics["p50_ms"], metrics["p95_ms"], metrics["max_ms"]) == (44, 290, 310)

    assert check(result, "p95_ms")["status"] == "pass"
    error_ratio = check(result, "error_ratio")
    assert error_ratio["status"] == "fail"
    assert error_ratio["threshold"] == {"warn": 0.001, "fail": 0.01}
    # The reason names the commonest error, so the reader need not open the findings to learn the cause.
    assert error_ratio["message"] == (
        "error ratio 0.352761 > 0.01 (115 of 326 requests failed); most often GET /fail: HTTP 500 (115x)"
    )
    assert result.status is Status.FAIL
    assert result.error is None


@pytest.mark.parametrize(
    ("band", "status", "message"),
    [
        ("{warn=500, fail=1000}", "pass", "p95 latency 290 ms within limits"),
        ("{warn=100, fail=1000}", "warn", "p95 latency 290 ms > 100 ms"),
        ("{warn=100, fail=200}", "fail", "p95 latency 290 ms > 200 ms"),
    ],
)
def test_p95_bands(
    tmp_path: Path, make_config: MakeConfig, today: dt.date, band: str, status: str, message: str
) -> None:
    config = make_config(f"performance.thresholds.p95_ms={band}", target=TARGET)
    result = evaluate(recorded(tmp_path, "mixed"), config, today)
    assert check(result, "p95_ms")["status"] == status
    assert check(result, "p95_ms")["message"] == message


def test_lower_limit_on_throughput(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    config = make_config("performance.thresholds.rps={warn_below=100, fail_below=50}", target=TARGET)
    rps = check(evaluate(recorded(tmp_path, "mixed"), config, today), "rps")
    assert (rps["status"], rps["message"]) == ("warn", "throughput 69.7 rps < 100 rps")


def test_per_endpoint_thresholds(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    config = make_config(
        'performance.thresholds."GET /slow".p95_ms={fail=200}',
        'performance.thresholds."GET /fast".p95_ms={fail=200}',
        'performance.thresholds."GET /fast".error_ratio={fail=0}',
        target=TARGET,
    )
    result = evaluate(recorded(tmp_path, "mixed"), config, today)
    slow = check(result, "GET /slow p95_ms")
    assert (slow["status"], slow["measured"]) == ("fail", 300)
    assert slow["message"] == "GET /slow p95 latency 300 ms > 200 ms"
    assert check(result, "GET /fast p95_ms")["status"] == "pass"
    assert check(result, "GET /fast error_ratio")["status"] == "pass"

    rows = {row["endpoint"]: row for row in result.details["endpoints"]}
    assert set(rows) == {"GET /fast", "GET /slow", "GET /fail"}
    assert rows["GET /fail"]["error_ratio"] == 1.0
    assert sum(row["requests"] for row in rows.values()) == result.metrics["requests"]


def test_threshold_for_an_endpoint_that_never_ran_is_an_error(
    tmp_path: Path, make_config: MakeConfig, today: dt.date
) -> None:
    config = make_config('performance.thresholds."GET /search".p95_ms={fail=200}', target=TARGET)
    missing = check(evaluate(recorded(tmp_path, "mixed"), config, today), "GET /search p95_ms")
    assert missing["status"] == "error"
    assert "no requests were recorded" in str(missing["message"])


def test_grouped_errors_become_findings_and_details(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    result = evaluate(recorded(tmp_path, "mixed"), make_config(target=TARGET), today)
    assert result.details["errors"] == [
        {
            "endpoint": "GET /fail",
            "error": "LocustBadStatusCode(code=500)",
            "summary": "HTTP 500",
            "occurrences": 115,
            "share": 1.0,
        }
    ]
    (finding,) = result.findings
    assert (finding.rule, finding.severity.value, finding.url) == ("request_error", "high", f"{TARGET}/fail")
    assert finding.title == "GET /fail: HTTP 500 (115x under load)"
    again = evaluate(recorded(tmp_path / "again", "mixed"), make_config(target=TARGET), today)
    assert again.findings[0].fingerprint == finding.fingerprint


def test_waiver_marks_the_error_finding(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    config = make_config(
        'waivers=[{rule="request_error", url="*/fail", reason="known bug", expires=2099-01-01}]', target=TARGET
    )
    (finding,) = evaluate(recorded(tmp_path, "mixed"), config, today).findings
    assert finding.waived is not None and "known bug" in finding.waived


def test_errors_fall_back_to_locusts_csv(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    folder = recorded(tmp_path, "mixed")
    (folder / "locust_errors.json").unlink()
    errors = evaluate(folder, make_config(target=TARGET), today).details["errors"]
    # The CSV is written once a second, so it lags behind the totals; it still names the error.
    assert [(e["endpoint"], e["summary"]) for e in errors] == [("GET /fail", "HTTP 500")]


def test_timeline_has_one_point_per_second(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    result = evaluate(recorded(tmp_path, "mixed"), make_config(target=TARGET), today)
    timeline = result.details["timeline"]
    assert [point["t"] for point in timeline] == list(range(len(timeline)))
    assert sum(point["rps"] for point in timeline) == result.metrics["requests"]
    assert sum(point["failures"] for point in timeline) == result.metrics["failures"]
    assert max(point["users"] or 0 for point in timeline) == 10


def test_zero_requests_is_an_error_never_a_pass(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    folder = recorded(tmp_path, "mixed")
    (folder / "locust.json").write_text("[]", encoding="utf-8")
    (folder / "locust_errors.json").write_text('{"errors": [], "exceptions": []}', encoding="utf-8")
    result = evaluate(folder, make_config(target=TARGET), today)
    assert [(c.id, c.status) for c in result.checks] == [("requests", Status.ERROR)]
    assert result.checks[0].message.startswith("no request completed during the load test: the target answered none")
    assert result.status is Status.ERROR


def test_missing_results_is_an_error(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    folder = recorded(tmp_path, "mixed")
    (folder / "locust.json").unlink()
    result = evaluate(folder, make_config(target=TARGET), today)
    assert result.status is Status.ERROR
    assert "locust.json is missing" in result.checks[0].message


def test_a_target_refusing_every_connection_is_inconclusive(
    tmp_path: Path, make_config: MakeConfig, today: dt.date
) -> None:
    result = evaluate(recorded(tmp_path, "refused"), make_config(target=TARGET), today)
    (only,) = result.checks
    assert (only.id, only.status) == ("connection", Status.ERROR)
    assert "connection refused" in only.message
    assert result.status is Status.ERROR  # not FAIL: nothing about the service was measured


def test_every_request_failing_fails_even_without_an_error_gate(
    tmp_path: Path, make_config: MakeConfig, today: dt.date
) -> None:
    folder = recorded(tmp_path, "mixed")
    entries = json.loads((folder / "locust.json").read_text(encoding="utf-8"))
    only_failing = [entry for entry in entries if entry["name"] == "GET /fail"]
    (folder / "locust.json").write_text(json.dumps(only_failing), encoding="utf-8")
    config = make_config(target=TARGET)
    performance = config.performance.model_copy(update={"thresholds": {"p95_ms": Band(fail=1000)}})
    result = evaluate(folder, config.model_copy(update={"performance": performance}), today)
    assert check(result, "failures")["status"] == "fail"
    assert result.status is Status.FAIL
