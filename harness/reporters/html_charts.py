"""Small inline SVG line charts for a time series block (no scripts, no external resources).

Each chart is a <figure> with a caption, an SVG that screen readers announce as one image with a summary, and
the same numbers as a table in a <details> beside it for anyone who cannot see the line.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from harness.blocks import Series, TimeSeries
from harness.reporters.html_common import esc, fmt_number, is_number, table

# Chart geometry in SVG user units; the SVG scales to the width of its container.
_WIDTH, _HEIGHT = 400, 190
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 14, 14, 34

# Epoch seconds (rather than seconds since the start) are larger than this.
_EPOCH_FLOOR = 1e8


def render_time_series(block: TimeSeries) -> str:
    """One chart per series of the block that has numbers; '' if nothing is drawable."""
    rows = [row for row in block.points if isinstance(row, Mapping)]
    if not rows:
        return ""
    xs = _x_values(rows, block.x_key)
    figures = []
    for series in block.series:
        points = [
            (x, float(row[series.key])) for x, row in zip(xs, rows, strict=True) if is_number(row.get(series.key))
        ]
        if points:
            figures.append(_figure(series, points, series.limits))
    if not figures:
        return ""
    return f'<div class="charts">{"".join(figures)}</div>'


def _x_values(rows: Sequence[Mapping[str, Any]], x_key: str) -> list[float]:
    """Seconds since the first sample, from `x_key` (numbers or ISO times); the row index otherwise."""
    for key in (x_key,):
        raw = [row.get(key) for row in rows]
        values = [_seconds(value) for value in raw]
        if all(value is not None for value in values):
            numbers = [float(value) for value in values if value is not None]
            # Offsets that already start near zero are kept; absolute times become offsets from the first sample.
            start = numbers[0] if numbers[0] > _EPOCH_FLOOR or isinstance(raw[0], str) else 0.0
            return [value - start for value in numbers]
    return [float(index) for index in range(len(rows))]


def _seconds(value: Any) -> float | None:
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def nice_max(value: float) -> float:
    """A round upper bound for the y axis (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _figure(series: Series, points: list[tuple[float, float]], band: Mapping[str, Any]) -> str:
    points = sorted(points)
    values = [y for _, y in points]
    limits = {name: float(band[name]) for name in ("warn", "fail") if is_number(band.get(name))}
    # The y axis starts at zero so that the height of the line means something; odd negative values are clamped.
    y_max = nice_max(max([*values, *limits.values(), 0.0]))
    x_min = min(0.0, points[0][0])
    x_max = max(points[-1][0], x_min + 1.0)
    unit = f" {series.unit}" if series.unit else ""
    title = series.label
    summary = (
        f"{title} over {fmt_number(x_max)} seconds: lowest {fmt_number(min(values))}{unit}, "
        f"highest {fmt_number(max(values))}{unit}, last {fmt_number(values[-1])}{unit}."
    )
    if limits:
        summary += " Limits: " + ", ".join(f"{name} {fmt_number(v)}{unit}" for name, v in limits.items()) + "."
    shifted = [(x - x_min, max(y, 0.0)) for x, y in points]
    svg = _svg(shifted, x_max - x_min, y_max, limits, series.unit, summary)
    caption = f"{esc(title)}{esc(f' ({series.unit})' if series.unit else '')}"
    data = table(
        f"{title} by second",
        ["Seconds since start", f"{title}{f' ({series.unit})' if series.unit else ''}"],
        ([fmt_number(x), fmt_number(y)] for x, y in points),
        numeric=[True, True],
    )
    return (
        f'<figure class="chart">{svg}<figcaption><strong>{caption}</strong>'
        f'<span class="chart-summary">{esc(summary)}</span></figcaption>'
        f"<details><summary>Show the numbers as a table</summary>{data}</details></figure>"
    )


def _svg(
    points: list[tuple[float, float]],
    x_max: float,
    y_max: float,
    limits: Mapping[str, float],
    unit: str,
    summary: str,
) -> str:
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM

    def sx(x: float) -> float:
        return _LEFT + plot_w * (x / x_max)

    def sy(y: float) -> float:
        return _TOP + plot_h * (1 - y / y_max)

    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" aria-label="{esc(summary)}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title>{esc(summary)}</title>'
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = sy(y_max * fraction)
        parts.append(f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" x2="{_WIDTH - _RIGHT}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">')
        parts.append(f"{esc(fmt_number(y_max * fraction))}</text>")
    bottom = _HEIGHT - _BOTTOM
    for fraction, anchor in ((0.0, "start"), (0.5, "middle"), (1.0, "end")):
        label = f"{fmt_number(round(x_max * fraction))} s"
        parts.append(f'<text class="axis" x="{sx(x_max * fraction):.1f}" y="{bottom + 18}" text-anchor="{anchor}">')
        parts.append(f"{esc(label)}</text>")
    for name, value in limits.items():
        y = sy(value)
        parts.append(
            f'<line class="limit limit-{name}" x1="{_LEFT}" y1="{y:.1f}" x2="{_WIDTH - _RIGHT}" y2="{y:.1f}"/>'
        )
        parts.append(f'<text class="limit-label" x="{_WIDTH - _RIGHT - 2}" y="{y - 4:.1f}" text-anchor="end">')
        parts.append(f"{esc(name)} {esc(fmt_number(value))}{esc(f' {unit}' if unit else '')}</text>")
    if len(points) == 1:
        x, y = points[0]
        parts.append(f'<circle class="point" cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3"/>')
    else:
        coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
        parts.append(f'<polyline class="line" points="{coords}"/>')
    parts.append("</svg>")
    return "".join(parts)
