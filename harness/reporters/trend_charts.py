"""Inline SVG charts over runs for the trend page: one line per series, a gap where a run has no value.

Like the report's charts, each is a <figure> whose SVG is one image with a text summary, with a legend in words
and the numbers as a table beside it. Series differ by dash pattern and marker shape as well as colour, so
nothing depends on colour alone; an invalidated run's marks are hollow.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence

from harness.reporters.html_charts import nice_max
from harness.reporters.html_common import esc, fmt_number, table
from harness.run_record import RunRecord
from harness.trends import TrendChart, TrendSeries, Value

# As wide as the report's charts, so that labels stay readable when the SVG shrinks to a 320 px screen.
_WIDTH, _HEIGHT = 400, 200
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 16, 16, 34
_MINUTE = "%d %b %Y %H:%M"
# Markers of series with the same value in the same run are set this far apart, so none hides another.
_DODGE = 11.0
# Marker shapes, one per series in turn (the dash pattern and colour are set by the series' class in the CSS).
_SHAPES = ("circle", "square", "triangle", "diamond", "cross")


def _started(run: RunRecord) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(run.started_at.replace("Z", "+00:00"))
    except ValueError:
        return None


def _moment(moment: dt.datetime, form: str) -> str:
    text = moment.strftime(form)
    # "5 Dec", not "05 Dec"; a clock time keeps its zeros ("09:05").
    return text[1:] if form.startswith("%d") and text.startswith("0") else text


def run_moments(runs: Sequence[RunRecord]) -> list[str]:
    """When each run started, short (``5 Dec 2026 09:20``), to the second when two of the runs share a minute,
    so that no two marks read the same; the run id when the time is unknown."""
    starts = [_started(run) for run in runs]
    minutes = [_moment(start, _MINUTE) for start in starts if start is not None]
    form = _MINUTE if len(set(minutes)) == len(minutes) else f"{_MINUTE}:%S"
    return [run.run_id if start is None else _moment(start, form) for run, start in zip(runs, starts, strict=True)]


def run_moment(run: RunRecord) -> str:
    """When one run started, short: ``5 Dec 2026 09:20``; the run id when the time is unknown."""
    return run_moments([run])[0]


def axis_ends(first: RunRecord, last: RunRecord) -> tuple[str, str]:
    """Labels for the two ends of the time axis, as short as still tells them apart (dates, or times of a day)."""
    start, end = _started(first), _started(last)
    if start is None or end is None:
        return run_moment(first), run_moment(last)
    if start.year != end.year:
        return _moment(start, "%d %b %Y"), _moment(end, "%d %b %Y")
    if start.date() != end.date():
        return _moment(start, "%d %b"), _moment(end, "%d %b")
    clock = "%H:%M" if start.replace(second=0) != end.replace(second=0) else "%H:%M:%S"
    return _moment(start, f"%d %b {clock}"), _moment(end, clock)


def shown_value(value: Value, chart: TrendChart) -> str:
    """A point's value as text (unescaped): a ratio as a percentage, a number with its unit, else why none."""
    if isinstance(value, str):
        return value
    if chart.ratio:
        return f"{fmt_number(value * 100)}%"
    return fmt_number(value) + (f" {chart.unit}" if chart.unit else "")


def _scaled(value: Value, chart: TrendChart) -> float | None:
    if isinstance(value, str):
        return None
    return value * 100 if chart.ratio else value


def _gaps(series: TrendSeries) -> str:
    """Why runs have no value, counted: ``, not run in 3 of 4 runs``."""
    total = len(series.values)
    reasons = Counter(value for value in series.values if isinstance(value, str))
    return "".join(f", {reason} in {count} of {total} runs" for reason, count in reasons.items())


def _series_summary(series: TrendSeries, chart: TrendChart) -> str:
    numbers = series.numbers
    if not numbers:
        return f"{series.label}: no value in any run{_gaps(series)}"
    last = next(value for value in reversed(series.values) if not isinstance(value, str))
    return (
        f"{series.label}: last {shown_value(last, chart)}, lowest {shown_value(min(numbers), chart)}, "
        f"highest {shown_value(max(numbers), chart)}{_gaps(series)}"
    )


def chart_summary(chart: TrendChart, runs: Sequence[RunRecord]) -> str:
    """The chart in words, for the SVG's accessible name and the caption."""
    moments = run_moments(runs)
    span = f"{moments[0]} to {moments[-1]} (UTC)" if len(runs) > 1 else f"{moments[0]} (UTC)"
    text = f"{len(runs)} run{'s' if len(runs) != 1 else ''}, {span}. "
    text += "; ".join(_series_summary(series, chart) for series in chart.series) + "."
    if any(not run.valid for run in runs):
        text += " Hollow marks are runs that were invalidated or interrupted."
    return text


def _gap_reasons(chart: TrendChart) -> list[str]:
    """Why the runs without any value in this chart have none (``not run``), in first-seen order."""
    reasons: dict[str, None] = {}
    for values in zip(*(series.values for series in chart.series), strict=True):
        if all(isinstance(value, str) for value in values):
            reasons.update((str(value), None) for value in values)
    return list(reasons)


def _legend(chart: TrendChart) -> str:
    items = [
        f'<li><svg class="swatch" viewBox="0 0 36 12" aria-hidden="true" focusable="false">'
        f'<line class="line s{index % len(_SHAPES)}" x1="0" y1="6" x2="36" y2="6"/>'
        f"{_marker(index, 18, 6, hollow=False)}</svg> {esc(series.label)}</li>"
        for index, series in enumerate(chart.series)
    ]
    reasons = _gap_reasons(chart)
    if reasons:
        items.append(
            '<li><svg class="swatch" viewBox="0 0 36 12" aria-hidden="true" focusable="false">'
            '<line class="gap" x1="18" y1="0" x2="18" y2="12"/></svg> '
            f"{esc(' or '.join(reasons))}</li>"
        )
    return f'<ul class="legend">{"".join(items)}</ul>'


def render_trend_chart(chart: TrendChart, runs: Sequence[RunRecord], title: str) -> str:
    """The chart as a figure: SVG, caption with summary and legend, and the numbers as a table."""
    summary = chart_summary(chart, runs)
    unit = f" ({chart.unit})" if chart.unit else ""
    rows = []
    for position, (run, moment) in enumerate(zip(runs, run_moments(runs), strict=True)):
        note = "" if run.valid else " (invalid)" if run.invalid_reason is not None else " (interrupted)"
        rows.append(
            [esc(moment + note), *(esc(shown_value(series.values[position], chart)) for series in chart.series)]
        )
    data = table(
        f"{title} by run, oldest first (UTC)",
        ["Run started", *(f"{series.label}{unit}" for series in chart.series)],
        rows,
        numeric=[False, *(True for _ in chart.series)],
    )
    return (
        f'<figure class="chart">{_svg(chart, runs, summary)}<figcaption><strong>{esc(title)}{esc(unit)}</strong>'
        f'<span class="chart-summary">{esc(summary)}</span>{_legend(chart)}</figcaption>'
        f"<details><summary>Show the numbers as a table</summary>{data}</details></figure>"
    )


def _marker(index: int, x: float, y: float, hollow: bool) -> str:
    css = f"dot s{index % len(_SHAPES)}" + (" hollow" if hollow else "")
    shape = _SHAPES[index % len(_SHAPES)]
    if shape == "circle":
        return f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="4"/>'
    if shape == "square":
        return f'<rect class="{css}" x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
    elif shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
    else:
        return (
            f'<path class="{css} cross" d="M{x - 4:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 4:.1f}'
            f'M{x - 4:.1f},{y + 4:.1f}L{x + 4:.1f},{y - 4:.1f}"/>'
        )
    return f'<polygon class="{css}" points="{points}"/>'


def _segments(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points; a run without a value breaks the line (a gap, never a zero)."""
    segments: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append(point)
    return [segment for segment in segments if segment]


def _dodges(chart: TrendChart, position: int) -> dict[int, float]:
    """Horizontal offsets of the markers at one run: series that share a value are spread side by side."""
    shared: dict[float, list[int]] = {}
    for index, series in enumerate(chart.series):
        value = series.values[position]
        if not isinstance(value, str):
            shared.setdefault(value, []).append(index)
    offsets = {}
    for indexes in shared.values():
        for rank, index in enumerate(indexes):
            offsets[index] = (rank - (len(indexes) - 1) / 2) * _DODGE
    return offsets


def _y_axis(chart: TrendChart) -> tuple[float, tuple[float, ...]]:
    """The top of the y axis and the fractions of it that get a labelled grid line; counts get whole numbers."""
    scaled = [value * 100 if chart.ratio else value for series in chart.series for value in series.numbers]
    y_max = nice_max(max([*scaled, 0.0]))
    if chart.ratio or not all(float(value).is_integer() for value in scaled):
        return y_max, (0.0, 0.5, 1.0)
    y_max = max(y_max, 2.0)
    return y_max, (0.0, 0.5, 1.0) if (y_max / 2).is_integer() else (0.0, 1.0)


def _svg(chart: TrendChart, runs: Sequence[RunRecord], summary: str) -> str:
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    y_max, ticks = _y_axis(chart)
    last = max(len(runs) - 1, 1)
    # A lone run sits in the middle; otherwise the first and last runs sit a marker's width inside the plot.
    inset = 0.0 if len(runs) == 1 else _DODGE * 1.5

    def sx(index: int) -> float:
        if len(runs) == 1:
            return _LEFT + plot_w / 2
        return _LEFT + inset + (plot_w - 2 * inset) * index / last

    def sy(value: float) -> float:
        return _TOP + plot_h * (1 - max(value, 0.0) / y_max)

    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" aria-label="{esc(summary)}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title>{esc(summary)}</title>'
    ]
    suffix = "%" if chart.ratio else ""
    for fraction in ticks:
        y = sy(y_max * fraction)
        parts.append(f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" x2="{_WIDTH - _RIGHT}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{_LEFT - 8}" y="{y + 5:.1f}" text-anchor="end">')
        parts.append(f"{esc(fmt_number(y_max * fraction) + suffix)}</text>")
    empty = [
        position
        for position, values in enumerate(zip(*(s.values for s in chart.series), strict=True))
        if all(isinstance(value, str) for value in values)
    ]
    for position in empty:
        x = sx(position)
        parts.append(f'<line class="gap" x1="{x:.1f}" y1="{_TOP}" x2="{x:.1f}" y2="{_TOP + plot_h}"/>')
    parts += _x_axis(runs, sx)
    for index, series in enumerate(chart.series):
        parts += _series_marks(chart, runs, index, series, sx, sy)
    parts.append("</svg>")
    return "".join(parts)


def _x_axis(runs: Sequence[RunRecord], sx: Callable[[int], float]) -> list[str]:
    baseline = _HEIGHT - _BOTTOM + 22
    if len(runs) == 1:
        return [
            f'<text class="axis" x="{sx(0):.1f}" y="{baseline}" text-anchor="middle">{esc(run_moment(runs[0]))}</text>'
        ]
    first, last = axis_ends(runs[0], runs[-1])
    return [
        f'<text class="axis" x="{_LEFT}" y="{baseline}" text-anchor="start">{esc(first)}</text>',
        f'<text class="axis" x="{_WIDTH - _RIGHT}" y="{baseline}" text-anchor="end">{esc(last)}</text>',
    ]


def _series_marks(
    chart: TrendChart,
    runs: Sequence[RunRecord],
    index: int,
    series: TrendSeries,
    sx: Callable[[int], float],
    sy: Callable[[float], float],
) -> list[str]:
    points = [
        None if (scaled := _scaled(value, chart)) is None else (sx(position), sy(scaled))
        for position, value in enumerate(series.values)
    ]
    css = f"line s{index % len(_SHAPES)}"
    parts = []
    for segment in _segments(points):
        if len(segment) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            parts.append(f'<polyline class="{css}" points="{coords}"/>')
    for position, point in enumerate(points):
        if point is not None:
            x = point[0] + _dodges(chart, position).get(index, 0.0)
            parts.append(_marker(index, x, point[1], hollow=not runs[position].valid))
    return parts
