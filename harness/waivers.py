"""Apply waivers to findings: a matching, unexpired waiver marks a finding waived; an expired one says so."""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
from collections.abc import Iterable, Sequence

from harness.models import Finding
from harness.settings import Waiver


def _matches(waiver: Waiver, finding: Finding) -> bool:
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
            if not _matches(waiver, finding):
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
