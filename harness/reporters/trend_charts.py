"""Inline SVG charts over runs for the trend page: one line per series, a gap where a run has no value.

Like the report's charts, each is a <figure> whose SVG is one image with a text summary, with a legend in words
and the numbers as a table beside it. Series differ by dash pattern and marker shape as well as colour, so
nothing depends on colour alone; an invalidated run's marks are hollow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from harness.reporters.html_charts import nice_max
from harness.reporters.html_common import esc, fmt_number, table
from harness.run_record import RunRecord
from harness.trends import TrendChart, TrendSeries, Value

_WIDTH, _HEIGHT = 480, 200
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 14, 34
# Marker shapes, one per series in turn (the dash pattern and colour are set by the series' class in the CSS).
_SHAPES = ("circle", "square", "triangle", "diamond", "cross")


def run_moment(run: RunRecord) -> str:
    """When a run started, short: ``5 Dec 2026 09:20``; the run id when the time is unknown."""
    try:
        moment = dt.datetime.fromisoformat(run.started_at.replace("Z", "+00:00"))
    except ValueError:
        return run.run_id
    return moment.strftime("%d %b %Y %H:%M").lstrip("0")


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


def _series_summary(series: TrendSeries, chart: TrendChart) -> str:
    numbers = series.numbers
    missing = len(series.values) - len(numbers)
    gap = f", no value in {missing} of {len(series.values)} runs" if missing else ""
    if not numbers:
        return f"{series.label}: no value in any run"
    last = next(value for value in reversed(series.values) if not isinstance(value, str))
    return (
        f"{series.label}: last {shown_value(last, chart)}, lowest {shown_value(min(numbers), chart)}, "
        f"highest {shown_value(max(numbers), chart)}{gap}"
    )


def chart_summary(chart: TrendChart, runs: Sequence[RunRecord]) -> str:
    """The chart in words, for the SVG's accessible name and the caption."""
    span = f"{run_moment(runs[0])} to {run_moment(runs[-1])}" if len(runs) > 1 else run_moment(runs[0])
    text = f"{len(runs)} run{'s' if len(runs) != 1 else ''}, {span}. "
    text += "; ".join(_series_summary(series, chart) for series in chart.series) + "."
    if any(not run.valid for run in runs):
        text += " Hollow marks are runs that were invalidated or interrupted."
    return text


def render_trend_chart(chart: TrendChart, runs: Sequence[RunRecord], title: str) -> str:
    """The chart as a figure: SVG, caption with summary and legend, and the numbers as a table."""
    summary = chart_summary(chart, runs)
    legend = "".join(
        f'<li><svg class="swatch" viewBox="0 0 36 12" aria-hidden="true" focusable="false">'
        f'<line class="line s{index % len(_SHAPES)}" x1="0" y1="6" x2="36" y2="6"/>'
        f"{_marker(index, 18, 6, hollow=False)}</svg> {esc(series.label)}</li>"
        for index, series in enumerate(chart.series)
    )
    unit = f" ({chart.unit})" if chart.unit else ""
    rows = []
    for position, run in enumerate(runs):
        note = "" if run.valid else " (invalid)" if run.invalid_reason is not None else " (interrupted)"
        head = f"<code>{esc(run.run_id)}</code> {esc(run_moment(run))}{esc(note)}"
        rows.append([head, *(esc(shown_value(series.values[position], chart)) for series in chart.series)])
    data = table(
        f"{title} by run",
        ["Run", *(f"{series.label}{unit}" for series in chart.series)],
        rows,
        numeric=[False, *(True for _ in chart.series)],
    )
    return (
        f'<figure class="chart">{_svg(chart, runs, summary)}<figcaption><strong>{esc(title)}{esc(unit)}</strong>'
        f'<span class="chart-summary">{esc(summary)}</span><ul class="legend">{legend}</ul></figcaption>'
        f"<details><summary>Show the numbers as a table</summary>{data}</details></figure>"
    )


def _marker(index: int, x: float, y: float, hollow: bool) -> str:
    css = f"dot s{index % len(_SHAPES)}" + (" hollow" if hollow else "")
    shape = _SHAPES[index % len(_SHAPES)]
    if shape == "circle":
        return f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="3.5"/>'
    if shape == "square":
        return f'<rect class="{css}" x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f}"
    elif shape == "diamond":
        points = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} {x:.1f},{y + 4.5:.1f} {x - 4.5:.1f},{y:.1f}"
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


def _svg(chart: TrendChart, runs: Sequence[RunRecord], summary: str) -> str:
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    numbers = [value for series in chart.series for value in series.numbers]
    y_max = nice_max(max([*(_scaled(value, chart) or 0.0 for value in numbers), 0.0]))
    last = max(len(runs) - 1, 1)

    def sx(index: int) -> float:
        return _LEFT + plot_w * (index / last if len(runs) > 1 else 0.5)

    def sy(value: float) -> float:
        return _TOP + plot_h * (1 - max(value, 0.0) / y_max)

    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" aria-label="{esc(summary)}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title>{esc(summary)}</title>'
    ]
    suffix = "%" if chart.ratio else ""
    for fraction in (0.0, 0.5, 1.0):
        y = sy(y_max * fraction)
        parts.append(f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" x2="{_WIDTH - _RIGHT}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">')
        parts.append(f"{esc(fmt_number(y_max * fraction) + suffix)}</text>")
    ends = [(0, "start"), (len(runs) - 1, "end")] if len(runs) > 1 else [(0, "middle")]
    for index, anchor in ends:
        parts.append(f'<text class="axis" x="{sx(index):.1f}" y="{_HEIGHT - _BOTTOM + 18}" text-anchor="{anchor}">')
        parts.append(f"{esc(run_moment(runs[index]).rsplit(' ', 1)[0])}</text>")
    for index, series in enumerate(chart.series):
        points = [
            None if (scaled := _scaled(value, chart)) is None else (sx(position), sy(scaled))
            for position, value in enumerate(series.values)
        ]
        css = f"line s{index % len(_SHAPES)}"
        for segment in _segments(points):
            if len(segment) > 1:
                coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
                parts.append(f'<polyline class="{css}" points="{coords}"/>')
        for position, point in enumerate(points):
            if point is not None:
                parts.append(_marker(index, point[0], point[1], hollow=not runs[position].valid))
    parts.append("</svg>")
    return "".join(parts)
