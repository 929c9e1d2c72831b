"""Apply waivers to findings: a matching, unexpired waiver marks a finding waived; an expired one says so."""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
from collections.abc import Iterable, Mapping, Sequence

from harness.models import Finding
from harness.settings import Waiver


def matches(waiver: Waiver, finding: Finding) -> bool:
    """Whether `waiver` is about `finding` (its expiry aside)."""
    if waiver.suite is not None and waiver.suite != finding.suite:
        return False
    if waiver.rule != finding.rule:
        return False
    if not fnmatch.fnmatchcase(finding.url, waiver.url):
        return False
    return waiver.selector is None or waiver.selector == (finding.selector or "")


def apply_waivers(
    findings: Iterable[Finding], waivers: Sequence[Waiver], today: dt.date
) -> tuple[list[Finding], list[str]]:
    """Return the findings with `waived` set where an unexpired waiver matches, and notes on expired waivers.

    A waiver expires at the end of its `expires` day.
    """
    result: list[Finding] = []
    expired_hits: dict[int, int] = {}
    for finding in findings:
        applied = None
        for index, waiver in enumerate(waivers):
            if not matches(waiver, finding):
                continue
            if waiver.expires < today:
                expired_hits[index] = expired_hits.get(index, 0) + 1
                continue
            applied = waiver
            break
        if applied is not None:
            reason = f"{applied.reason} (waived until {applied.expires.isoformat()})"
            finding = dataclasses.replace(finding, waived=reason)
        result.append(finding)
    notes = [
        f"waiver for rule {waivers[index].rule} on {waivers[index].url} expired on "
        f"{waivers[index].expires.isoformat()} and no longer applies ({count} finding(s) affected)"
        for index, count in sorted(expired_hits.items())
    ]
    return result, notes


def unused_waivers(waivers: Sequence[Waiver], findings_by_suite: Mapping[str, Sequence[Finding]]) -> list[str]:
    """Notes on waivers that matched no finding of the suites that ran: a typo in a rule or a URL pattern
    otherwise silently waives nothing. A waiver for a suite that did not run is not judged."""
    notes = []
    for waiver in waivers:
        suites = [waiver.suite] if waiver.suite is not None else list(findings_by_suite)
        if not any(suite in findings_by_suite for suite in suites):
            continue
        found = (finding for suite in suites for finding in findings_by_suite.get(suite, ()))
        if not any(matches(waiver, finding) for finding in found):
            where = f" on {waiver.url}" if waiver.url != "*" else ""
            notes.append(f"waiver for rule {waiver.rule}{where} matched no finding in this run; check its rule and URL")
    return notes
