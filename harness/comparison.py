"""Compare a run with the previous run of the same target: new and resolved findings, metric changes.

This is what makes a nightly run useful: not only "NOT_READY" but "NOT_READY since last night, because
p95 went from 320 ms to 1240 ms and two new accessibility violations appeared".
"""

from __future__ import annotations

from typing import Any

from harness.history import entry_for
from harness.models import RunResult

# A metric must move by more than this fraction to be listed; small wobble between runs is noise.
_SIGNIFICANT_CHANGE = 0.10
# Keep the comparison readable in a pull-request comment; result.json keeps the counts.
_MAX_LISTED = 20


def compare(current: RunResult, previous: dict[str, Any] | None) -> dict[str, Any] | None:
    """The comparison stored in result.json under "comparison", or None when there is no earlier run."""
    if previous is None:
        return None
    now = entry_for(current)
    before_findings: dict[str, str] = previous.get("findings", {})
    new = sorted(label for fingerprint, label in now["findings"].items() if fingerprint not in before_findings)
    resolved = sorted(label for fingerprint, label in before_findings.items() if fingerprint not in now["findings"])
    changes = []
    for suite, data in now["suites"].items():
        before_metrics = previous.get("suites", {}).get(suite, {}).get("metrics", {})
        for metric, value in data["metrics"].items():
            old = before_metrics.get(metric)
            if not isinstance(old, int | float) or old == value:
                continue
            if old and abs(value - old) / abs(old) <= _SIGNIFICANT_CHANGE:
                continue
            changes.append({"suite": suite, "metric": metric, "before": old, "after": value})
    return {
        "previous_run_id": previous["run_id"],
        "previous_verdict": previous.get("verdict"),
        "verdict_changed": previous.get("verdict") != now["verdict"],
        "new_findings": len(new),
        "resolved_findings": len(resolved),
        "new": new[:_MAX_LISTED],
        "resolved": resolved[:_MAX_LISTED],
        "metric_changes": changes,
    }


def describe(comparison: dict[str, Any]) -> str:
    """One line for the console and the summary."""
    parts = [f"{comparison['new_findings']} new finding(s)", f"{comparison['resolved_findings']} resolved"]
    verdict = comparison.get("previous_verdict")
    return f"Since run {comparison['previous_run_id']} ({verdict}): " + ", ".join(parts)
