"""Baseline checks added to a run: relative thresholds and the new-findings gate, from config to verdict."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from harness.config_loader import load_config
from harness.history_gates import apply_history_gates, label_of, wanted_gates
from harness.history_settings import HistorySettings
from harness.history_store import HistoryStore
from harness.models import Check, Status
from harness.thresholds import Band
from tests.history.runs import TARGET, a11y_finding, accessibility, full_run, performance, record
from tests.support import Route, run_golive, serve

RELATIVE = {
    "performance": {"thresholds": {"p95_ms": {"fail": 1000, "warn_regression": "+10%", "fail_regression": "+25%"}}}
}


@pytest.mark.parametrize(
    ("message", "measured", "expected"),
    [
        ("p95 latency 1240 ms > 1000 ms", 1240, ("p95 latency", " ms")),
        ("p95 latency 412 ms within limits", 412.0, ("p95 latency", " ms")),
        ("error ratio 0.02 > 0.01", 0.02, ("error ratio", "")),
        ("requests per second 48.5 < 50", 48.5, ("requests per second", "")),
        ("success ratio 99.5% within limits", 99.5, ("success ratio", "%")),
    ],
)
def test_a_checks_own_words_name_the_metric(message: str, measured: float, expected: tuple[str, str]) -> None:
    assert label_of(Check("m", Status.PASS, message, measured)) == expected


@pytest.mark.parametrize(
    ("message", "measured"),
    [
        ("3 serious violations (image-alt on /)", 3),  # starts with the number: no name to take
        ("p95 latency could not be measured", None),
        ("p95 latency 900 ms > 800 ms", 1240),  # the number is not the measured one
        ("HTTP hygiene: 12 requests, 2 finding(s)", 2),
    ],
)
def test_a_message_that_does_not_name_the_number_gives_no_label(message: str, measured: float | None) -> None:
    assert label_of(Check("m", Status.FAIL, message, measured)) is None


def test_regression_keys_are_validated_where_bands_are() -> None:
    band = Band(fail=1000, fail_regression="+25%")
    assert (band.as_threshold(), band.fail_regression) == ({"fail": 1000}, "+25%")
    with pytest.raises(ValueError, match=r'such as "\+10%"'):
        Band(warn_regression="10 percent")


def test_every_suite_section_accepts_new_findings() -> None:
    config = load_config(None, None, ['accessibility.new_findings="fail"'], "http://127.0.0.1:9", environ={}).config
    assert wanted_gates(config.accessibility) == ({}, "fail")
    assert wanted_gates(config.performance)[1] == "off"
    with pytest.raises(Exception, match="new_findings"):
        load_config(None, None, ['accessibility.new_findings="sometimes"'], "http://127.0.0.1:9", environ={})


def _store_with(tmp_path: Path, p95s: list[float]) -> HistorySettings:
    settings = HistorySettings(url=f"sqlite:///{tmp_path / 'history.db'}")
    store = HistoryStore.open(settings.database_url(tmp_path))
    for day, p95 in enumerate(p95s):
        result = full_run(f"202611{10 + day:02d}T010000Z-aaaa")
        store.record(record(dataclasses.replace(result, suites={**result.suites, "performance": performance(p95=p95)})))
    store.close()
    return settings


def test_a_run_above_its_baseline_fails_with_the_numbers(tmp_path: Path) -> None:
    settings = _store_with(tmp_path, [300, 310, 315, 320, 330])
    slow = {
        "performance": dataclasses.replace(
            performance(p95=412),
            checks=(Check("p95_ms", Status.PASS, "p95 latency 412 ms within limits", 412, {"fail": 1000}),),
        )
    }
    gated = apply_history_gates(slow, RELATIVE, settings, TARGET, None, "20261130T010000Z-zzzz", tmp_path)
    check = gated["performance"].checks[-1]
    assert (check.id, check.status) == ("p95_ms_regression", Status.FAIL)
    assert check.message == "p95 latency 412 ms is 31% above its baseline 315 ms (median of 5 runs)"


def test_no_baseline_yet_is_skipped_and_an_unreadable_history_is_an_error(tmp_path: Path) -> None:
    settings = _store_with(tmp_path, [300])
    suites = {"performance": performance(p95=412)}
    gated = apply_history_gates(suites, RELATIVE, settings, TARGET, None, "20261130T010000Z-zzzz", tmp_path)
    check = gated["performance"].checks[-1]
    assert check.status is Status.SKIPPED and check.message.endswith("no baseline yet (1 of 3 runs)")
    broken = HistorySettings(url="sqlite:////proc/no/such/place/history.db")
    errored = apply_history_gates(suites, RELATIVE, broken, TARGET, None, "x", tmp_path)["performance"].checks[-1]
    assert errored.status is Status.ERROR and errored.message.startswith("no baseline: ")


def test_new_findings_gate_in_a_run(tmp_path: Path) -> None:
    settings = _store_with(tmp_path, [300, 300, 300])
    sections = {"accessibility": {"new_findings": "fail"}}
    now = {"accessibility": accessibility([a11y_finding("image-alt"), a11y_finding("label")])}
    gated = apply_history_gates(now, sections, settings, TARGET, None, "20261130T010000Z-zzzz", tmp_path)
    gate = gated["accessibility"].checks[-1]
    assert gate.status is Status.FAIL
    assert gate.message == "1 new finding(s) not seen in the last 3 runs: label on http://127.0.0.1:8000/"
    untouched = apply_history_gates(now, {}, settings, TARGET, None, "z", tmp_path)
    assert untouched == now


@pytest.mark.integration
def test_a_slower_run_is_not_ready_because_of_its_baseline(tmp_path: Path) -> None:
    (tmp_path / "golive.toml").write_text(
        "[history]\nbaseline = { runs = 5, min_runs = 1 }\n"
        '[performance]\nduration = "2s"\nusers = 2\n'
        '[performance.thresholds]\np95_ms = { fail = 5000, fail_regression = "+50%" }\n'
    )
    delay = {"seconds": 0.0}
    page = "<!DOCTYPE html><html lang='en'><title>Home</title><main><h1>Home</h1></main></html>"
    with serve({"/": lambda handler: Route(page, delay=delay["seconds"])}) as server:
        first = run_golive("run", "--suite", "performance", "--target", server.url, cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        delay["seconds"] = 0.2
        second = run_golive("run", "--suite", "performance", "--target", server.url, cwd=tmp_path)
    assert second.returncode == 1, second.stderr
    result = json.loads((tmp_path / "reports" / "latest" / "result.json").read_text())
    (check,) = [c for c in result["suites"]["performance"]["checks"] if c["id"] == "p95_ms_regression"]
    assert check["status"] == "fail"
    assert "above its baseline" in check["message"] and check["message"].endswith("(median of 1 runs)")
    assert check["message"] in second.stdout
