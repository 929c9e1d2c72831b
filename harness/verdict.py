"""Combine suite results into one verdict with its reasons (the rules in DESIGN.md)."""

from __future__ import annotations

from collections.abc import Mapping

from harness.models import Status, SuiteResult, Verdict


def reasons_for(suites: Mapping[str, SuiteResult]) -> list[str]:
    """Every reason a reader needs: failures first, then errors, then warnings, then notes.

    A message several suites share (an unreachable target stops them all) is said once, naming them all.
    """
    ranked = (Status.FAIL, Status.ERROR, Status.WARN)
    # (status or None for a note, message) -> the suites that said it, in order.
    said: dict[tuple[Status | None, str], list[str]] = {}
    for name, suite in suites.items():
        for check in suite.checks:
            if check.status in ranked:
                said.setdefault((check.status, check.message), []).append(name)
        if suite.error is not None:
            said.setdefault((Status.ERROR, suite.error), []).append(name)
        for note in suite.notes:
            said.setdefault((None, note), []).append(name)
    order = {status: rank for rank, status in enumerate((*ranked, None))}
    return [
        f"{', '.join(names)}: {message}" + (f" ({status.value})" if status is not None else "")
        for (status, message), names in sorted(said.items(), key=lambda item: order[item[0][0]])
    ]


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
