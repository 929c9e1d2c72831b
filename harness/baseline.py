"""Baselines from the history, and the checks judged against them: relative thresholds and new findings.

A baseline is the median of each metric over the last `history.baseline.runs` valid runs of the same target and
profile in which the suite measured; it exists only with at least `min_runs` such runs. Before that, a check
against it is `skipped` with "no baseline yet (1 of 3 runs)" — never a pass. Everything here is a pure
function of plain values except `baseline_for`, which reads the store.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from harness.history_settings import NewFindingsMode
from harness.models import Check, Status
from harness.run_record import MEASURED, RunRecord

_CHANGE = re.compile(r"^\s*([+-])\s*(\d+(?:\.\d+)?)\s*%\s*$")
# How many earlier runs are read to find `runs` in which a given suite measured (per-suite runs interleave).
_SEARCH_FACTOR = 10
_MAX_NAMED = 3


@dataclass(frozen=True)
class SuiteBaseline:
    """One suite's baseline: the runs it rests on, each value's median and every fingerprint those runs saw."""

    run_ids: tuple[str, ...] = ()
    medians: Mapping[str, float] = field(default_factory=dict)
    samples: Mapping[str, int] = field(default_factory=dict)
    fingerprints: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Baseline:
    """The baseline of a target and profile, per suite; `min_runs` is how many runs a suite needs for one."""

    min_runs: int
    suites: Mapping[str, SuiteBaseline] = field(default_factory=dict)

    def of(self, suite: str) -> SuiteBaseline:
        """The suite's baseline (empty when it never measured)."""
        return self.suites.get(suite, SuiteBaseline())

    def missing(self, suite: str, key: str | None = None) -> str | None:
        """None when there is a baseline (for `key`, if given); else "no baseline yet (1 of 3 runs)"."""
        mine = self.of(suite)
        have = len(mine.run_ids) if key is None else mine.samples.get(key, 0)
        return None if have >= self.min_runs else f"no baseline yet ({have} of {self.min_runs} runs)"


class RunSource(Protocol):
    """What `baseline_for` needs from a store."""

    def runs(
        self,
        target: str | None = ...,
        profile: Any = ...,
        limit: int | None = ...,
        valid_only: bool = ...,
        before: str | None = ...,
    ) -> list[RunRecord]:
        """Recorded runs, oldest first."""


def _values(run: RunRecord, suite: str) -> dict[str, float]:
    record = run.suites[suite]
    values = dict(record.metrics)
    for check in record.checks:
        if check.measured is not None and check.status in MEASURED:
            values.setdefault(check.id, check.measured)
    return values


def baseline_from_runs(runs: Sequence[RunRecord], runs_per_suite: int, min_runs: int) -> Baseline:
    """The baseline over `runs` (oldest first): per suite, its last `runs_per_suite` valid runs that measured."""
    suites: dict[str, SuiteBaseline] = {}
    names = dict.fromkeys(name for run in runs for name in run.suites)
    for name in names:
        chosen = [run for run in runs if run.valid and name in run.suites and run.suites[name].ran][-runs_per_suite:]
        if not chosen:
            continue
        series: dict[str, list[float]] = {}
        for run in chosen:
            for key, value in _values(run, name).items():
                series.setdefault(key, []).append(value)
        suites[name] = SuiteBaseline(
            run_ids=tuple(run.run_id for run in chosen),
            medians={key: statistics.median(values) for key, values in series.items()},
            samples={key: len(values) for key, values in series.items()},
            fingerprints=frozenset(fp for run in chosen for fp in run.suites[name].findings),
        )
    return Baseline(min_runs=min_runs, suites=suites)


def baseline_for(
    store: RunSource, target: str, profile: str | None, runs: int, min_runs: int, before: str | None = None
) -> Baseline:
    """The baseline of `target` and `profile` from the store, from runs before the run id `before` if given."""
    recent = store.runs(target, profile, limit=runs * _SEARCH_FACTOR, valid_only=True, before=before)
    return baseline_from_runs(recent, runs, min_runs)


def parse_change(text: str) -> float:
    """``"+10%"`` → 0.10, ``"-20%"`` → -0.20; raises ValueError naming the expected form."""
    match = _CHANGE.match(text)
    if match is None:
        raise ValueError(f'expected a signed percentage such as "+10%" or "-20%", got {text!r}')
    size = float(match.group(2)) / 100
    return size if match.group(1) == "+" else -size


def _number(value: float, unit: str) -> str:
    shown = f"{value:.4g}" if isinstance(value, float) and not value.is_integer() else f"{int(value)}"
    return f"{shown}{unit}"


def _beyond(measured: float, median: float, change: float) -> bool:
    limit = median * (1 + change)
    return measured > limit if change > 0 else measured < limit


def judge_regression(
    check_id: str,
    label: str,
    measured: float | None,
    baseline: Baseline,
    suite: str,
    metric: str,
    warn: str | None = None,
    fail: str | None = None,
    unit: str = "",
) -> Check:
    """Judge `measured` against the baseline median of `metric` with relative limits such as ``"+25%"``.

    A "+" limit is crossed when the value rises more than that above the median (latency), a "-" limit when
    it falls more than that below it (throughput). The message names the value, the change, the median and
    how many runs it is the median of.
    """
    threshold: dict[str, Any] = {
        key: value for key, value in (("warn_regression", warn), ("fail_regression", fail)) if value
    }
    if measured is None:
        return Check(check_id, Status.ERROR, f"{label} could not be measured", None, threshold)
    missing = baseline.missing(suite, metric)
    if missing is not None:
        return Check(check_id, Status.SKIPPED, f"{label}: {missing}", measured, threshold)
    median = baseline.of(suite).medians[metric]
    count = baseline.of(suite).samples[metric]
    threshold |= {"baseline": median, "baseline_runs": count}
    against = f"its baseline {_number(median, unit)} (median of {count} runs)"
    shown = _number(measured, unit)
    if median:
        relative = (measured - median) / abs(median)
        direction = "above" if relative >= 0 else "below"
        where = f"{label} {shown} is {abs(relative):.0%} {direction} {against}"
    else:
        where = f"{label} {shown} against {against}"
    for status, limit in ((Status.FAIL, fail), (Status.WARN, warn)):
        if limit is not None and _beyond(measured, median, parse_change(limit)):
            return Check(check_id, status, where, measured, threshold)
    return Check(check_id, Status.PASS, f"{where}: within limits", measured, threshold)


def regression_checks(
    suite: str,
    values: Mapping[str, float | None],
    thresholds: Mapping[str, Mapping[str, Any]],
    baseline: Baseline,
    labels: Mapping[str, tuple[str, str]] | None = None,
) -> list[Check]:
    """A `<metric>_regression` check for every threshold that sets ``warn_regression``/``fail_regression``.

    `values` are the run's measured values by metric; `labels` give a metric's name and unit for the message
    (default: the metric id, no unit).
    """
    checks = []
    for metric, band in thresholds.items():
        warn, fail = band.get("warn_regression"), band.get("fail_regression")
        if warn is None and fail is None:
            continue
        label, unit = (labels or {}).get(metric, (metric, ""))
        checks.append(
            judge_regression(
                f"{metric}_regression", label, values.get(metric), baseline, suite, metric, warn, fail, unit
            )
        )
    return checks


def new_findings_check(
    suite: str, findings: Iterable[Any], baseline: Baseline, mode: NewFindingsMode, measured: bool = True
) -> Check | None:
    """The new-findings gate of a suite: findings (not waived) whose fingerprint no baseline run reported.

    None when the gate is off. `findings` are Findings or FindingRecords (anything with fingerprint, rule, url
    and waived); `measured` is False when the suite could not look, which is an error, not "nothing new".
    """
    if mode == "off":
        return None
    threshold = {"new_findings": mode}
    if not measured:
        return Check(
            "new_findings", Status.ERROR, "new findings could not be judged: the suite did not measure", None, threshold
        )
    missing = baseline.missing(suite)
    if missing is not None:
        return Check("new_findings", Status.SKIPPED, f"new findings: {missing}", None, threshold)
    known = baseline.of(suite).fingerprints
    runs = len(baseline.of(suite).run_ids)
    new = [finding for finding in findings if not getattr(finding, "waived", None) and finding.fingerprint not in known]
    if not new:
        return Check("new_findings", Status.PASS, f"no new findings since the last {runs} runs", 0, threshold)
    named = ", ".join(f"{finding.rule} on {finding.url}" for finding in new[:_MAX_NAMED])
    more = f", +{len(new) - _MAX_NAMED} more" if len(new) > _MAX_NAMED else ""
    message = f"{len(new)} new finding(s) not seen in the last {runs} runs: {named}{more}"
    return Check("new_findings", Status(mode), message, len(new), threshold)
