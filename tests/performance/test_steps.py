"""The evaluate step on measurement windows: steady state without the ramp-up, capacity steps, early abort.

The windows are built here from known histograms, on top of the recorded `data/mixed` run, so the expected
figures can be worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.models import Status, SuiteResult
from harness.settings import GoliveConfig
from suites.performance import protocol
from suites.performance.evaluate import evaluate_run
from suites.performance.results import load_endpoints, merge

DATA = Path(__file__).parent / "data"
TARGET = "http://127.0.0.1:42205"
MakeConfig = Callable[..., GoliveConfig]


def entry(name: str, histogram: dict[int, int], failures: int = 0) -> dict[str, Any]:
    """One endpoint's running totals in a snapshot."""
    return {
        "method": "GET",
        "name": name,
        "requests": sum(histogram.values()),
        "failures": failures,
        "response_times": {str(ms): count for ms, count in histogram.items()},
        "total_response_time": float(sum(ms * count for ms, count in histogram.items())),
    }


def snap(t: float, *entries: dict[str, Any], users: int = 0) -> dict[str, Any]:
    return {"t": t, "users": users, "entries": list(entries)}


def folder_with(tmp_path: Path, steps: dict[str, Any], parameters: dict[str, Any] | None = None) -> Path:
    folder = tmp_path / "run"
    shutil.copytree(DATA / "mixed", folder)
    (folder / protocol.STEPS_JSON).write_text(json.dumps(steps), encoding="utf-8")
    if parameters is not None:
        record = json.loads((folder / protocol.RUN_JSON).read_text(encoding="utf-8"))
        record["parameters"].update(parameters)
        (folder / protocol.RUN_JSON).write_text(json.dumps(record), encoding="utf-8")
    return folder


def checks(result: SuiteResult) -> dict[str, dict[str, Any]]:
    return {c.id: c.to_dict() for c in result.checks}


def test_steady_state_leaves_the_ramp_up_out_of_rps_and_percentiles(
    tmp_path: Path, make_config: MakeConfig, today: dt.date
) -> None:
    endpoints = load_endpoints(DATA / "mixed" / "locust.json")
    total = merge(endpoints)
    assert total.start_time is not None and total.last_request_timestamp is not None
    slow = next(e for e in endpoints if e.name == "GET /slow")
    # Pretend the ramp-up ended 1 s in, after every /slow request that took 300 ms or more.
    ramp = {300: slow.response_times[300], 310: slow.response_times[310]}
    start = snap(total.start_time + 1, entry("GET /slow", ramp))
    folder = folder_with(tmp_path, {"steady_start": start, "windows": []})
    result = evaluate_run(folder, make_config(target=TARGET), today)

    steady_seconds = total.last_request_timestamp - (total.start_time + 1)
    steady_requests = total.requests - sum(ramp.values())
    assert result.metrics["rps"] == pytest.approx(steady_requests / steady_seconds, abs=0.1)
    assert result.metrics["requests"] == total.requests  # counts keep the whole run
    assert result.metrics["failures"] == total.failures
    assert result.metrics["max_ms"] == 310  # the slowest request of the ramp-up is not hidden
    rows = {row["endpoint"]: row for row in result.details["endpoints"]}
    assert rows["GET /slow"]["requests"] == slow.requests
    assert rows["GET /slow"]["p99_ms"] == 290  # the slower ones were in the ramp-up
    assert rows["GET /slow"]["max_ms"] == 310
    assert result.details["run"]["steady_state_seconds"] == pytest.approx(steady_seconds, abs=0.01)
    assert any("leave out the ramp-up (the first 1s)" in note for note in result.notes)


def test_without_a_finished_ramp_up_every_figure_covers_the_whole_run(
    tmp_path: Path, make_config: MakeConfig, today: dt.date
) -> None:
    folder = folder_with(tmp_path, {"steady_start": None, "windows": []})
    result = evaluate_run(folder, make_config(target=TARGET), today)
    assert result.metrics["rps"] == pytest.approx(69.7, abs=0.1)
    assert "The ramp-up never finished, so every figure includes it" in result.notes


def capacity_steps(*levels: tuple[int, int, float]) -> dict[str, Any]:
    """Windows of 10 s each: (users, requests, latency ms of every request)."""
    windows: list[dict[str, Any]] = []
    done: dict[int, int] = {}
    t = 1_000.0
    for users, requests, latency in levels:
        before = snap(t, entry("/", dict(done)))
        done[int(latency)] = done.get(int(latency), 0) + requests
        after = snap(t + 10, entry("/", dict(done)))
        windows.append({"label": f"step {len(windows) + 1}", "users": users, "start": before, "end": after})
        t += 12
    return {"steady_start": windows[0]["start"], "windows": windows, "stopped": None, "abort": None}


CAPACITY = {"shape": "capacity"}


def test_capacity_is_the_last_step_that_met_every_slo(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    steps = capacity_steps((10, 1000, 50), (20, 1900, 90), (30, 2000, 400))
    folder = folder_with(tmp_path, steps, CAPACITY)
    config = make_config(
        'performance.shape="capacity"', "performance.thresholds.p95_ms={warn=150, fail=200}", target=TARGET
    )
    result = evaluate_run(folder, config, today)

    assert (result.metrics["capacity_users"], result.metrics["capacity_rps"]) == (20, 190.0)
    assert result.metrics["capacity_broke_at_users"] == 30
    capacity = checks(result)["capacity_users"]
    assert capacity["status"] == "pass"
    assert capacity["message"] == (
        "capacity 20 users: 20 users at 190.0 rps met every SLO; the next step (30 users) broke: p95_ms 400 > 200"
    )
    assert "p95_ms" not in checks(result)  # the steps are judged, not the whole run
    assert [row["outcome"] for row in result.details["steps"]] == ["met", "met", "broken: p95_ms 400 > 200"]
    assert [row["users"] for row in result.details["steps"]] == [10, 20, 30]


def test_capacity_is_rejudged_with_new_thresholds(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    folder = folder_with(tmp_path, capacity_steps((10, 1000, 50), (20, 1900, 90), (30, 2000, 400)), CAPACITY)
    loose = make_config("performance.thresholds.p95_ms={fail=1000}", target=TARGET)
    capacity = checks(evaluate_run(folder, loose, today))["capacity_users"]
    assert capacity["measured"] == 30
    assert "no step broke an SLO up to 30 users" in capacity["message"]

    gated = make_config(
        "performance.thresholds={p95_ms={warn=150, fail=200}, capacity_users={fail_below=25}}", target=TARGET
    )
    capacity = checks(evaluate_run(folder, gated, today))["capacity_users"]
    assert capacity["status"] == "fail"
    assert capacity["message"].startswith("capacity 20 users < 25 users: 20 users at 190.0 rps met every SLO")


def test_a_first_step_that_breaks_fails(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    folder = folder_with(
        tmp_path,
        capacity_steps(
            (10, 100, 900),
        ),
        CAPACITY,
    )
    result = evaluate_run(
        folder, make_config("performance.thresholds.p95_ms={warn=400, fail=500}", target=TARGET), today
    )
    capacity = checks(result)["capacity_users"]
    assert (capacity["status"], capacity["measured"]) == ("fail", 0)
    assert "even the first step (10 users) broke an SLO: p95_ms 900 > 500" in capacity["message"]
    assert result.status is Status.FAIL


def test_a_capacity_search_without_steps_is_an_error(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    folder = folder_with(tmp_path, {"steady_start": None, "windows": []}, CAPACITY)
    capacity = checks(evaluate_run(folder, make_config(target=TARGET), today))["capacity_users"]
    assert capacity["status"] == "error"


def test_the_early_abort_is_a_fail_with_its_reason(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    abort = {"after_s": 12.4, "error_ratio": 0.8, "limit": 0.5, "for_s": 10, "requests": 500, "failures": 400}
    folder = folder_with(tmp_path, {"steady_start": None, "windows": [], "abort": abort})
    result = evaluate_run(folder, make_config(target=TARGET), today)
    check = checks(result)["abort"]
    assert check["status"] == "fail"
    assert check["message"] == (
        "the load test was aborted after 12.4s: the error ratio stayed above 0.5 for 10s "
        "(400 of 500 requests failed in that time)"
    )
    assert check["threshold"] == {"error_ratio": 0.5, "for_s": 10}
