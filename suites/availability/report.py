"""How the availability suite shows its details: key figures, probes per URL, latency over the window, error pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.blocks import Block, Column, Figure, KeyFigures, Kind, Series, Table, TimeSeries
from suites.availability.settings import AvailabilitySettings


def availability_blocks(
    summary: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
    records: Sequence[Mapping[str, Any]],
    settings: AvailabilitySettings,
    pages: Sequence[Mapping[str, Any]],
) -> tuple[Block, ...]:
    """The report blocks of one availability result."""
    figures = KeyFigures(
        "Probe window",
        (
            Figure("probes", "Probes sent", summary["probes"]),
            Figure("success_ratio", "Success ratio", summary["success_ratio"], kind=Kind.RATIO),
            Figure("p50_ms", "Median latency", summary["p50_ms"], "ms"),
            Figure("p95_ms", "p95 latency", summary["p95_ms"], "ms"),
            Figure("max_ms", "Slowest answer", summary["max_ms"], "ms"),
            Figure("longest_failure_run", "Longest run of failures", summary["longest_failure_run"]),
        ),
    )
    blocks: list[Block] = [figures]
    if rows:
        columns = (
            Column("url", "URL", Kind.CODE),
            Column("probes", "Probes", Kind.NUMBER),
            Column("success_ratio", "Success", Kind.RATIO),
            Column("p95_ms", "p95", Kind.NUMBER, "ms"),
            Column("longest_failure_run", "Longest outage (probes)", Kind.NUMBER),
            Column("first_failure", "First failure"),
        )
        note = f"{settings.requests} probes of each URL over {settings.window:g} s, one at a time."
        blocks.append(Table("Probes per URL", columns, tuple(rows), note=note))
    points = tuple({"t": record["t"], "ms": record["ms"]} for record in records if "ms" in record)
    if points:
        series = (Series("ms", "Latency", "ms", settings.thresholds.p95_ms.as_threshold()),)
        blocks.append(TimeSeries("Latency over the window", "t", series, points))
    if pages:
        page_rows = tuple(
            {
                "probe": page.get("probe"),
                "url": page.get("url"),
                "status": page.get("status", page.get("error")),
                "leak": page.get("leak", "not answered"),
                "framework": page.get("framework", ""),
            }
            for page in pages
        )
        page_columns = (
            Column("probe", "Probe"),
            Column("url", "URL", Kind.CODE),
            Column("status", "Answer"),
            Column("leak", "Page shows"),
            Column("framework", "Recognised as"),
        )
        blocks.append(Table("Error pages", page_columns, page_rows, note="clean: no stack trace or debug page found."))
    return tuple(blocks)
