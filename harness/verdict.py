"""Combine suite results into one verdict with its reasons (the rules in DESIGN.md)."""

from __future__ import annotations

from collections.abc import Mapping

from harness.models import Status, SuiteResult, Verdict


def reasons_for(suites: Mapping[str, SuiteResult]) -> list[str]:
    """Every reason a reader needs: failures first, then errors, then warnings, then notes."""
    by_status: dict[Status, list[str]] = {Status.FAIL: [], Status.ERROR: [], Status.WARN: []}
    notes: list[str] = []
    for name, suite in suites.items():
        for check in suite.checks:
            if check.status in by_status:
                by_status[check.status].append(f"{name}: {check.message} ({check.status.value})")
        if suite.error is not None:
            by_status[Status.ERROR].append(f"{name}: {suite.error} (error)")
        notes.extend(f"{name}: {note}" for note in suite.notes)
    return [*by_status[Status.FAIL], *by_status[Status.ERROR], *by_status[Status.WARN], *notes]


def decide(suites: Mapping[str, SuiteResult]) -> tuple[Verdict, list[str]]:
    """NOT_READY if anything failed; else INCONCLUSIVE if anything errored or nothing was measured; else READY."""
    statuses = [suite.status for suite in suites.values()]
    reasons = reasons_for(suites)
    if Status.FAIL in statuses:
        return Verdict.NOT_READY, reasons
    if Status.ERROR in statuses:
        return Verdict.INCONCLUSIVE, reasons
    if not any(status in (Status.PASS, Status.WARN) for status in statuses):
        return Verdict.INCONCLUSIVE, ["no suite was run, so nothing was measured", *reasons]
    counted = [check.status for suite in suites.values() for check in suite.checks]
    passed, warned = counted.count(Status.PASS), counted.count(Status.WARN)
    summary = f"no check failed or errored: {passed} passed" + (f", {warned} with warnings" if warned else "")
    return Verdict.READY, [summary, *reasons]
