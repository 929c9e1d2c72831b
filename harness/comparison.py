"""Compare two runs: verdict change, metric changes, and findings new / resolved / unchanged by fingerprint.

A finding missing from the later run is *resolved* only if that run looked where the finding was: its suite
measured in both runs with the same scope (same config apart from thresholds) and covered the finding's page
and source (a ZAP alert needs a ZAP scan, a hygiene finding the hygiene checks). Otherwise it is *not
compared*, with the reason, because "the security suite did not run" is not "security is fixed". A waived
finding is still present. The same rule, mirrored, decides whether a finding is *new*.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

from harness.run_record import FindingRecord, RunRecord, SuiteRecord

# A metric must move by more than this fraction to be listed; small wobble between runs is noise.
SIGNIFICANT_CHANGE = 0.10
# Keep the comparison readable in a pull-request comment; the counts are always complete.
_MAX_LISTED = 20
NOT_RUN = "not run"


def suite_state(suite: SuiteRecord | None) -> str:
    """A suite's status for a person: its status when it measured, else ``not run`` (or ``error``)."""
    if suite is None or suite.status == "skipped":
        return NOT_RUN
    return suite.status if suite.ran or suite.status == "error" else NOT_RUN


def _why_not_comparable(finding: FindingRecord, before: RunRecord, after: RunRecord) -> str | None:
    """None when both runs looked for this finding in the same way; else a short reason."""
    name = finding.suite
    for run, which in ((before, "earlier"), (after, "later")):
        suite = run.suites.get(name)
        if suite is None or not suite.ran:
            return f"{name} not run in the {which} run"
    old, new = before.suites[name].coverage, after.suites[name].coverage
    if old.signature is None or new.signature is None or old.signature != new.signature:
        return f"{name} scope changed"
    for run, which in ((before, "earlier"), (after, "later")):
        if not run.suites[name].coverage.covers(finding):
            return f"{name} did not cover it in the {which} run"
    return None


def classify(before: RunRecord, after: RunRecord) -> dict[str, list[tuple[FindingRecord, str]]]:
    """Every finding of either run under ``new``, ``resolved``, ``unchanged`` or ``not_compared`` (with why)."""
    old, now = before.findings(), after.findings()
    groups: dict[str, list[tuple[FindingRecord, str]]] = {
        "new": [],
        "resolved": [],
        "unchanged": [],
        "not_compared": [],
    }
    for fingerprint, finding in now.items():
        if fingerprint in old:
            was_waived = old[fingerprint].waived
            note = (
                "now waived"
                if finding.waived and not was_waived
                else ("no longer waived" if was_waived and not finding.waived else "")
            )
            groups["unchanged"].append((finding, note))
            continue
        why = _why_not_comparable(finding, before, after)
        groups["new" if why is None else "not_compared"].append(
            (finding, "waived" if why is None and finding.waived else why or "")
        )
    for fingerprint, finding in old.items():
        if fingerprint not in now:
            why = _why_not_comparable(finding, before, after)
            groups["resolved" if why is None else "not_compared"].append((finding, why or ""))
    for items in groups.values():
        items.sort(key=lambda item: item[0].label)
    return groups


# A latency that moved by less than this is timer noise however large the ratio (0.4 ms -> 0.9 ms is +125%).
_NOISE_MS = 2.0


def _metric_changes(
    before: RunRecord, after: RunRecord, significant: float, work_metrics: Mapping[str, Collection[str]]
) -> list[dict[str, Any]]:
    changes = []
    for name, suite in after.suites.items():
        earlier = before.suites.get(name)
        if earlier is None or not earlier.ran or not suite.ran:
            continue
        for metric, value in suite.metrics.items():
            if metric in work_metrics.get(name, ()):
                continue
            old = earlier.metrics.get(metric)
            if old is None or old == value or (old and abs(value - old) / abs(old) <= significant):
                continue
            if significant and metric.endswith("_ms") and abs(value - old) < _NOISE_MS:
                continue
            changes.append({"suite": name, "metric": metric, "before": old, "after": value})
    return changes


def _listed(items: list[tuple[FindingRecord, str]]) -> list[str]:
    return [finding.label + (f" ({note})" if note else "") for finding, note in items[:_MAX_LISTED]]


def compare(
    after: RunRecord,
    before: RunRecord | None,
    significant: float = SIGNIFICANT_CHANGE,
    work_metrics: Mapping[str, Collection[str]] | None = None,
) -> dict[str, Any] | None:
    """The comparison stored in result.json under "comparison", or None when there is no earlier run.

    Metrics are listed when they moved by more than the fraction `significant` (0: every change), except each
    suite's `work_metrics` (suite → metric keys about golive's own work, not the service).
    """
    if before is None:
        return None
    groups = classify(before, after)
    reasons = Counter(note for _, note in groups["not_compared"])
    names = list(dict.fromkeys([*before.suites, *after.suites]))
    return {
        "previous_run_id": before.run_id,
        "previous_verdict": before.verdict,
        "previous_label": before.label,
        "verdict_changed": before.verdict != after.verdict,
        "verdict": {"before": before.verdict, "after": after.verdict},
        "suites": {
            name: {"before": suite_state(before.suites.get(name)), "after": suite_state(after.suites.get(name))}
            for name in names
        },
        "new_findings": len(groups["new"]),
        "resolved_findings": len(groups["resolved"]),
        "unchanged_findings": len(groups["unchanged"]),
        "not_compared_findings": len(groups["not_compared"]),
        "not_compared_reasons": dict(sorted(reasons.items())),
        "new": _listed(groups["new"]),
        "resolved": _listed(groups["resolved"]),
        "unchanged": _listed(groups["unchanged"]),
        "not_compared": _listed(groups["not_compared"]),
        "metric_changes": _metric_changes(before, after, significant, work_metrics or {}),
    }


def describe(comparison: dict[str, Any]) -> str:
    """One line for the console and the summary."""
    parts = [f"{comparison['new_findings']} new finding(s)", f"{comparison['resolved_findings']} resolved"]
    if "unchanged_findings" in comparison:
        parts.append(f"{comparison['unchanged_findings']} unchanged")
    line = f"Since run {comparison['previous_run_id']} ({comparison.get('previous_verdict')}): " + ", ".join(parts)
    skipped = comparison.get("not_compared_findings") or 0
    if skipped:
        why = "; ".join(f"{reason}: {count}" for reason, count in comparison.get("not_compared_reasons", {}).items())
        line += f"; {skipped} not compared ({why})"
    return line
