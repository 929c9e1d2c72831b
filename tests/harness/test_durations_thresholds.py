"""Durations and warn/fail bands."""

from __future__ import annotations

import pytest

from harness.durations import format_duration, parse_duration
from harness.models import Status
from harness.thresholds import Band, judge


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("2m", 120), ("1h30m", 5400), (45, 45), ("500ms", 0.5), ("1m30s", 90)]
)
def test_parse_duration(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["soon", "", "10x", "m5", True, -1])
def test_parse_duration_rejects(text: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_format_duration() -> None:
    assert format_duration(90) == "1m30s"
    assert format_duration(30) == "30s"
    assert format_duration(3600) == "1h"


def test_judge_upper_band() -> None:
    band = Band(warn=500, fail=1000)
    assert judge("p95_ms", "p95 latency", 400, band, " ms").status is Status.PASS
    warn = judge("p95_ms", "p95 latency", 600, band, " ms")
    assert warn.status is Status.WARN
    fail = judge("p95_ms", "p95 latency", 1240, band, " ms")
    assert fail.status is Status.FAIL
    assert fail.message == "p95 latency 1240 ms > 1000 ms"
    assert fail.threshold == {"warn": 500, "fail": 1000}
    assert fail.measured == 1240


def test_judge_lower_band() -> None:
    band = Band(fail_below=50, warn_below=100)
    assert judge("rps", "throughput", 40, band, " rps").status is Status.FAIL
    assert judge("rps", "throughput", 80, band, " rps").status is Status.WARN
    assert judge("rps", "throughput", 120, band, " rps").status is Status.PASS


def test_missing_measurement_is_an_error_never_a_pass() -> None:
    check = judge("p95_ms", "p95 latency", None, Band(fail=1000))
    assert check.status is Status.ERROR
    assert "could not be measured" in check.message


def test_band_rejects_inverted_limits() -> None:
    with pytest.raises(ValueError):
        Band(warn=10, fail=5)
