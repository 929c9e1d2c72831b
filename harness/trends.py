"""What the trend page shows, as plain values: per target, its latest runs and one chart per group of headline values.

Nothing here knows a suite. Each suite's recorded headline (`headline_metrics`: metric key → label) gives its
series. Keys are grouped into one chart per suite when they share a prefix (``by_impact.critical`` and
``by_impact.serious``) or a unit (``p50_ms`` and ``p95_ms``); a prefixed key stands for its whole family, so the
chart also draws the family's other members the suite recorded (``by_impact.moderate``), with their own names.
A run in which a suite did not run has a gap (``not run``), never a zero.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from harness.comparison import NOT_RUN, suite_state
from harness.metric_names import PLAIN_NAMES, UNITS
from harness.run_record import RunRecord, SuiteRecord

# Runs per target on the page: two months of nightly runs, still readable as marks and lines.
DEFAULT_RUNS = 60
REPORT_FILE = "report.html"
NOT_MEASURED = "not measured"
# Run ids golive writes (20261126T101500Z-3f2a); anything else (from a shared database) is never made a path.
_SAFE_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# Unit suffixes put undotted keys of one suite into one chart; a key without plain words (metric_names) keeps
# the short label its suite gave it.
_UNITS = UNITS
_PLAIN_NAMES = PLAIN_NAMES

# A point of a series: a number, or why there is none ("not run", "error", "not measured").
Value = float | str


@dataclass(frozen=True)
class TrendSeries:
    """One line of a chart: the metric key, its label, and its value in each run of the section (oldest first)."""

    key: str
    label: str
    values: tuple[Value, ...]

    @property
    def numbers(self) -> list[float]:
        """The values that are numbers."""
        return [value for value in self.values if not isinstance(value, str)]


@dataclass(frozen=True)
class TrendChart:
    """One chart: a suite's series that share a prefix or a unit."""

    suite: str
    title: str
    unit: str
    series: tuple[TrendSeries, ...]
    ratio: bool = False


@dataclass(frozen=True)
class RunMark:
    """A run on the verdict timeline, with the relative link to its report when it is under the output folder."""

    run: RunRecord
    report_href: str | None


@dataclass(frozen=True)
class TargetTrend:
    """One section of the page: a target's runs (oldest first) and its charts."""

    target: str
    marks: tuple[RunMark, ...]
    charts: tuple[TrendChart, ...]


def report_href(out_dir: Path, run_id: str) -> str | None:
    """``<run_id>/report.html`` when that report exists under `out_dir`; None otherwise (another machine's run)."""
    if not _SAFE_RUN_ID.match(run_id) or not (out_dir / run_id / REPORT_FILE).is_file():
        return None
    return f"{quote(run_id)}/{REPORT_FILE}"


def _group(key: str) -> tuple[str, str]:
    """The chart a key belongs to within its suite, and the unit of that chart."""
    if "." in key:
        return key.split(".", 1)[0] + ".", ""
    for suffix, unit in _UNITS:
        if key.endswith(suffix):
            return f"*{suffix}", unit
    return key, ""


def _headlines(runs: Sequence[RunRecord]) -> dict[str, dict[str, str]]:
    """Each suite's headline keys and labels over all runs, in first-seen order."""
    found: dict[str, dict[str, str]] = {}
    for run in runs:
        for name, suite in run.suites.items():
            keys = found.setdefault(name, {})
            for key, label in suite.headline.items():
                keys.setdefault(key, label)
    return found


def _family(runs: Sequence[RunRecord], suite: str, prefix: str) -> list[str]:
    """Every recorded metric key of the suite that starts with `prefix`, in first-seen order."""
    keys: dict[str, None] = {}
    for run in runs:
        record = run.suites.get(suite)
        if record is not None:
            keys.update((key, None) for key in record.metrics if key.startswith(prefix))
    return list(keys)


def value_in(suite: SuiteRecord | None, key: str) -> Value:
    """The value of `key` in one run of a suite: a number, or why there is none."""
    state = suite_state(suite)
    if suite is None or state == NOT_RUN:
        return NOT_RUN
    value = suite.headline_values([key]).get(key)
    if value is None:
        return "error" if state == "error" else NOT_MEASURED
    return value


def plain_label(key: str, label: str, unit: str) -> str:
    """A series' name in words: the plain name of a known key, else its label without a repeated unit."""
    if key in _PLAIN_NAMES:
        return _PLAIN_NAMES[key]
    if unit and label.endswith(f" {unit}"):
        return label[: -len(unit) - 1]
    return label


def _chart(runs: Sequence[RunRecord], suite: str, group: str, unit: str, keys: Mapping[str, str]) -> TrendChart:
    if group.endswith("."):
        members = list(dict.fromkeys([*keys, *_family(runs, suite, group)]))
        labels = {key: key[len(group) :] for key in members}
        title = _PLAIN_NAMES.get(group[:-1], group[:-1].replace("_", " "))
    else:
        labels = {key: plain_label(key, label, unit) for key, label in keys.items()}
        title = ", ".join(labels.values())
    series = tuple(
        TrendSeries(key, label, tuple(value_in(run.suites.get(suite), key) for run in runs))
        for key, label in labels.items()
    )
    ratio = all(key.endswith("ratio") for key in labels)
    return TrendChart(suite, title, "%" if ratio else unit, series, ratio)


def trend_charts(runs: Sequence[RunRecord]) -> list[TrendChart]:
    """The charts of a target's runs: per suite that ran at least once, one per group of its headline keys."""
    charts = []
    for suite, headline in _headlines(runs).items():
        if all(suite_state(run.suites.get(suite)) == NOT_RUN for run in runs):
            continue
        groups: dict[tuple[str, str], dict[str, str]] = {}
        for key, label in headline.items():
            groups.setdefault(_group(key), {})[key] = label
        for (group, unit), keys in groups.items():
            chart = _chart(runs, suite, group, unit, keys)
            if any(series.numbers for series in chart.series):
                charts.append(chart)
    return charts


def target_trend(target: str, runs: Sequence[RunRecord], out_dir: Path) -> TargetTrend:
    """A target's section from its runs (oldest first)."""
    marks = tuple(RunMark(run, report_href(out_dir, run.run_id)) for run in runs)
    return TargetTrend(target, marks, tuple(trend_charts(runs)))
