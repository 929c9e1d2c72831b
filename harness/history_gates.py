"""The checks a run gets from its history: relative thresholds against the baseline, and the new-findings gate.

They are added to a suite's result before the verdict, from plain config values: any top-level band in a suite's
``thresholds`` table with ``warn_regression``/``fail_regression``, and the suite's ``new_findings`` key. Nothing
is read from the history unless one of them is set; a history that cannot be read makes those checks `error`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.baseline import Baseline, baseline_for, new_findings_check, regression_checks
from harness.history import open_history
from harness.history_settings import HistorySettings, NewFindingsMode
from harness.history_store import HistoryError
from harness.models import Check, Status, SuiteResult

_REGRESSION_KEYS = frozenset({"warn_regression", "fail_regression"})
_MEASURED = frozenset({Status.PASS, Status.WARN, Status.FAIL})
# How a suite's own check names a number: "p95 latency 1240 ms > 1000 ms" → ("p95 latency", " ms").
_LABELLED = re.compile(
    r"^(?P<label>[A-Za-z][\w /().-]*?) (?P<number>-?\d[\d.,]*)(?P<unit>%| ?(?:ms|s|rps|req/s|B|kB|MB))?(?:\s|$)"
)


def label_of(check: Check) -> tuple[str, str] | None:
    """The name and unit a suite's check uses for its measured number, or None when the message does not say."""
    if check.measured is None:
        return None
    match = _LABELLED.match(check.message)
    if match is None:
        return None
    try:
        number = float(match.group("number").replace(",", "").rstrip("."))
    except ValueError:
        return None
    if abs(number - float(check.measured)) > max(1e-9, abs(float(check.measured)) * 0.005):
        return None
    return match.group("label"), match.group("unit") or ""


def wanted_gates(section: Any) -> tuple[dict[str, Mapping[str, Any]], NewFindingsMode]:
    """The relative thresholds and the new-findings mode a suite's config section asks for."""
    dumped: Any = section.model_dump() if hasattr(section, "model_dump") else section
    if not isinstance(dumped, Mapping):
        return {}, "off"
    thresholds = dumped.get("thresholds")
    relative = {
        metric: band
        for metric, band in (thresholds.items() if isinstance(thresholds, Mapping) else [])
        if isinstance(band, Mapping) and any(band.get(key) is not None for key in _REGRESSION_KEYS)
    }
    mode: NewFindingsMode = "fail" if dumped.get("new_findings") == "fail" else "off"
    if dumped.get("new_findings") == "warn":
        mode = "warn"
    return relative, mode


def _values(suite: SuiteResult) -> dict[str, float | None]:
    values: dict[str, float | None] = {
        key: value
        for key, value in suite.metrics.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    for check in suite.checks:
        if check.status in _MEASURED and isinstance(check.measured, int | float):
            values.setdefault(check.id, check.measured)
    return values


def _gated(
    suite: SuiteResult, relative: Mapping[str, Mapping[str, Any]], mode: NewFindingsMode, baseline: Baseline
) -> SuiteResult:
    labels = {check.id: found for check in suite.checks if (found := label_of(check)) is not None}
    added = regression_checks(suite.name, _values(suite), relative, baseline, labels)
    measured = any(check.status in _MEASURED for check in suite.checks)
    gate = new_findings_check(suite.name, suite.findings, baseline, mode, measured=measured)
    return replace(suite, checks=(*suite.checks, *added, *([gate] if gate else [])))


def _unreadable(suite: SuiteResult, relative: Mapping[str, Any], mode: NewFindingsMode, why: str) -> SuiteResult:
    ids = [f"{metric}_regression" for metric in relative] + (["new_findings"] if mode != "off" else [])
    added = tuple(Check(check_id, Status.ERROR, f"no baseline: {why}") for check_id in ids)
    return replace(suite, checks=(*suite.checks, *added))


def apply_history_gates(
    suites: Mapping[str, SuiteResult],
    sections: Mapping[str, Any],
    settings: HistorySettings,
    target: str,
    profile: str | None,
    run_id: str,
    out_dir: Path,
) -> dict[str, SuiteResult]:
    """`suites` with the baseline checks their config sections ask for; suites that did not run are left alone."""
    wanted = {name: wanted_gates(sections.get(name)) for name in suites if suites[name].status is not Status.SKIPPED}
    wanted = {name: (relative, mode) for name, (relative, mode) in wanted.items() if relative or mode != "off"}
    if not wanted:
        return dict(suites)
    try:
        with open_history(settings, out_dir) as store:
            runs = settings.baseline
            baseline = baseline_for(store, target, profile, runs.runs, runs.min_runs, before=run_id)
    except HistoryError as error:
        return {
            name: _unreadable(suite, *wanted[name], str(error)) if name in wanted else suite
            for name, suite in suites.items()
        }
    return {name: _gated(suite, *wanted[name], baseline) if name in wanted else suite for name, suite in suites.items()}
