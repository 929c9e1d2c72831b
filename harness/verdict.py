"""Combine suite results into one verdict with its reasons (the rules in DESIGN.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from harness.models import Reason, Status, SuiteResult, Verdict

_RANKED = (Status.FAIL, Status.ERROR, Status.WARN)


def reasons_for(suites: Mapping[str, SuiteResult]) -> list[Reason]:
    """Every reason a reader needs: failures first, then errors, then warnings, then notes.

    A message several suites share (an unreachable target stops them all) is said once, naming them all.
    """
    # (status or None for a note, message) -> (check id, the suites that said it, in order).
    said: dict[tuple[Status | None, str], tuple[str | None, list[str]]] = {}

    def say(status: Status | None, message: str, suite: str, check: str | None) -> None:
        _, names = said.setdefault((status, message), (check, []))
        if suite not in names:
            names.append(suite)

    for name, suite in suites.items():
        for check in suite.checks:
            if check.status in _RANKED:
                say(check.status, check.message, name, check.id)
        if suite.error is not None:
            say(Status.ERROR, suite.error, name, None)
        for note in suite.notes:
            say(None, note, name, None)
    order = {status: rank for rank, status in enumerate((*_RANKED, None))}
    ranked = sorted(said.items(), key=lambda item: order[item[0][0]])
    return [Reason(status, tuple(names), message, check) for (status, message), (check, names) in ranked]


def decide(suites: Mapping[str, SuiteResult]) -> tuple[Verdict, list[Reason]]:
    """NOT_READY if anything failed; else INCONCLUSIVE if anything errored or nothing was measured; else READY."""
    statuses = [suite.status for suite in suites.values()]
    reasons = reasons_for(suites)
    if Status.FAIL in statuses:
        return Verdict.NOT_READY, reasons
    if Status.ERROR in statuses:
        return Verdict.INCONCLUSIVE, reasons
    if not any(status in (Status.PASS, Status.WARN) for status in statuses):
        return Verdict.INCONCLUSIVE, [Reason(None, (), "no suite was run, so nothing was measured"), *reasons]
    counted = [check.status for suite in suites.values() for check in suite.checks]
    passed, warned = counted.count(Status.PASS), counted.count(Status.WARN)
    summary = f"no check failed or errored: {passed} passed" + (f", {warned} with warnings" if warned else "")
    return Verdict.READY, [Reason(None, (), summary), *reasons]


def headline_and_notes(reasons: Sequence[Reason]) -> tuple[list[Reason], list[Reason]]:
    """The reasons that decide the verdict, and the notes a reader may also want, for showing apart.

    The headline is every reason with a status (fail, error, warn), after the verdict's own sentence when the list
    starts with one ("no check failed or errored: ...", "no suite was run ...", "the run was interrupted ...": a
    first reason without a status is always such a sentence). Every other reason without a status is a note.
    """
    lead = list(reasons[:1]) if reasons and reasons[0].status is None else []
    rest = reasons[len(lead) :]
    headline = lead + [reason for reason in rest if reason.status is not None]
    return headline, [reason for reason in rest if reason.status is None]
