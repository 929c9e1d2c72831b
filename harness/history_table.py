"""`golive history` output: one line per run, so a trend can be read at a glance in a terminal or CI log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Headline numbers per suite, in the order they are shown; a run without one shows a dash.
HEADLINE_METRICS = (
    ("performance", "p95_ms", "p95 ms"),
    ("performance", "rps", "rps"),
    ("performance", "error_ratio", "errors"),
    ("accessibility", "pages_audited", "pages"),
    ("accessibility", "by_impact.critical", "a11y crit"),
    ("accessibility", "by_impact.serious", "a11y serious"),
    ("security", "alerts_by_risk.High", "ZAP high"),
)


def _cell(entry: dict[str, Any], suite: str, metric: str) -> str:
    value = entry.get("suites", {}).get(suite, {}).get("metrics", {}).get(metric)
    if value is None:
        return "-"
    if isinstance(value, float) and metric == "error_ratio":
        return f"{value:.2%}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def render_history(entries: Sequence[dict[str, Any]]) -> str:
    """A plain-text table of runs, oldest first."""
    shown = [
        (suite, metric, label)
        for suite, metric, label in HEADLINE_METRICS
        if any(_cell(entry, suite, metric) != "-" for entry in entries)
    ]
    header = ["run", "verdict", "findings", *(label for _, _, label in shown)]
    rows = [header]
    for entry in entries:
        verdict = str(entry.get("verdict", "?")) + (" (interrupted)" if entry.get("interrupted") else "")
        findings = str(len(entry.get("findings", {})))
        rows.append([str(entry["run_id"]), verdict, findings, *(_cell(entry, s, m) for s, m, _ in shown)])
    widths = [max(len(row[index]) for row in rows) for index in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )
