"""`golive history` output: one line per run, so a trend can be read at a glance in a terminal or CI log.

Nothing here knows a suite: each suite shows its status and the headline values it lists itself (by default
the numbers its checks gated). A suite that did not run shows ``not run``, never zeros, and a check that
could not measure shows its status (``error``) instead of a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.comparison import NOT_RUN, suite_state
from harness.run_record import RunRecord

# Headline columns per suite, so the table stays readable in an 120-column CI log.
MAX_HEADLINE = 5


def _format(value: float | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _columns(runs: Sequence[RunRecord]) -> tuple[list[tuple[str, str | None]], dict[tuple[str, str], str]]:
    """(suite, headline key) pairs in first-seen order (key None: the suite's status), and each key's label."""
    suites: dict[str, dict[str, str]] = {}
    for run in runs:
        for name, suite in run.suites.items():
            keys = suites.setdefault(name, {})
            for key, label in suite.headline.items():
                if len(keys) < MAX_HEADLINE:
                    keys.setdefault(key, label)
    shown = [name for name in suites if any(suite_state(run.suites.get(name)) != NOT_RUN for run in runs)]
    columns = [pair for name in shown for pair in [(name, None), *((name, key) for key in suites[name])]]
    return columns, {(name, key): label for name in shown for key, label in suites[name].items()}


def _header(columns: list[tuple[str, str | None]], labels: dict[tuple[str, str], str]) -> list[str]:
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    return [
        name
        if key is None
        else (labels[(name, key)] if counts[labels[(name, key)]] == 1 else f"{name}.{labels[(name, key)]}")
        for name, key in columns
    ]


def history_rows(runs: Sequence[RunRecord]) -> list[list[str]]:
    """The table as rows of cells, the header first."""
    columns, labels = _columns(runs)
    rows = [["run", "label", "verdict", "findings", *_header(columns, labels), "note"]]
    for run in runs:
        open_findings = sum(1 for finding in run.findings().values() if not finding.waived)
        cells = [run.run_id, run.label or "", run.verdict, str(open_findings)]
        for name, key in columns:
            suite = run.suites.get(name)
            state = suite_state(suite)
            if key is None:
                cells.append(state)
            elif suite is None or state == NOT_RUN:
                cells.append("")
            else:
                value = suite.headline_values([key]).get(key)
                cells.append("-" if value is None else _format(value))
        rows.append([*cells, "; ".join(run.notes())])
    return rows


def render_history(runs: Sequence[RunRecord]) -> str:
    """A plain-text table of runs, oldest first."""
    rows = history_rows(runs)
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def history_json(runs: Sequence[RunRecord]) -> list[dict[str, Any]]:
    """The runs as `golive history --json` prints them."""
    return [
        {
            "run_id": run.run_id,
            "target": run.target,
            "profile": run.profile,
            "label": run.label,
            "verdict": run.verdict,
            "started_at": run.started_at,
            "interrupted": run.interrupted,
            "invalid_reason": run.invalid_reason,
            "evaluated_at": run.evaluated_at,
            "golive_version": run.golive_version,
            "config_hash": run.config_hash,
            "open_findings": sum(1 for finding in run.findings().values() if not finding.waived),
            "suites": {
                name: {
                    "status": suite_state(suite),
                    "headline": suite.headline_values(),
                    "metrics": dict(suite.metrics),
                }
                for name, suite in run.suites.items()
            },
        }
        for run in runs
    ]
