"""Judging the checklist: one check per item, failed when the item is missing, failing or stale.

Every message names the item, what was expected and what was found. A sign-off that holds is a pass that says
who signed and when; the go-live list shows it as a sign-off, never as a measurement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from harness.golive_list import CheckCoverage, Source
from harness.models import Check, Status
from suites.checklist.settings import (
    AttestationItem,
    ChecklistItem,
    CoverageItem,
    FileItem,
    JunitItem,
    UrlItem,
)

SOURCE_BY_KIND = {
    "coverage": Source.EVIDENCE,
    "junit": Source.EVIDENCE,
    "file": Source.EVIDENCE,
    "url": Source.MEASURED,
    "attestation": Source.SIGN_OFF,
}


def _pct(rate: float) -> str:
    return f"{rate * 100:.1f}%".replace(".0%", "%")


def _fail(item: ChecklistItem, expected: str, found: str, measured: Any = None, threshold: Any = None) -> Check:
    return Check(item.id, Status.FAIL, f"{item.title}: expected {expected}, found {found}", measured, threshold)


def _stale(item: ChecklistItem, what: str, when: dt.date, today: dt.date) -> Check | None:
    """A failed check if `when` is more than the item's max_age_days before today (or after it)."""
    limit = getattr(item, "max_age_days", None)
    age = (today - when).days
    if age < 0:
        return _fail(item, f"{what} dated no later than today", f"{when.isoformat()}, in the future", age)
    if limit is not None and age > limit:
        found = f"it {age} days old ({when.isoformat()})"
        return _fail(item, f"{what} at most {limit} days old", found, age, {"max_age_days": limit})
    return None


def _modified(facts: Mapping[str, Any]) -> dt.date | None:
    text = facts.get("modified")
    return dt.datetime.fromisoformat(text).date() if isinstance(text, str) else None


def _judge_coverage(item: CoverageItem, facts: Mapping[str, Any], today: dt.date) -> Check:
    threshold: dict[str, float] = {"fail_below": item.min}
    if item.branch_min is not None:
        threshold["branch_fail_below"] = item.branch_min
    if not facts.get("found"):
        return _fail(item, f"a coverage report at {item.path}", "no such file", None, threshold)
    if facts.get("error"):
        return _fail(item, f"a Cobertura coverage report at {item.path}", str(facts["error"]), None, threshold)
    line_rate = facts.get("line_rate")
    if line_rate is None or not facts.get("lines_valid", 1):
        return _fail(item, f"a line rate in {item.path}", "no measured lines", None, threshold)
    modified = _modified(facts)
    stale = _stale(item, f"{item.path}", modified, today) if modified else None
    if stale:
        return stale
    measured = {"line_rate": line_rate, "branch_rate": facts.get("branch_rate")}
    if line_rate < item.min:
        found = f"{_pct(line_rate)} in {item.path}"
        return _fail(item, f"line coverage of at least {_pct(item.min)}", found, measured, threshold)
    message = f"{item.title}: line coverage {_pct(line_rate)} ≥ {_pct(item.min)}"
    if item.branch_min is not None:
        branch_rate = facts.get("branch_rate")
        if branch_rate is None or not facts.get("branches_valid"):
            found = f"no branch data in {item.path} (measure branches, e.g. coverage run --branch)"
            return _fail(item, f"branch coverage of at least {_pct(item.branch_min)}", found, measured, threshold)
        if branch_rate < item.branch_min:
            found = f"{_pct(branch_rate)} in {item.path}"
            return _fail(item, f"branch coverage of at least {_pct(item.branch_min)}", found, measured, threshold)
        message += f", branch coverage {_pct(branch_rate)} ≥ {_pct(item.branch_min)}"
    return Check(item.id, Status.PASS, f"{message} ({item.path})", measured, threshold)


def _judge_junit(item: JunitItem, facts: Mapping[str, Any], today: dt.date) -> Check:
    expected = f"at least {item.min_tests} test(s) run and none failing in {item.path}"
    if not facts.get("found"):
        return _fail(item, f"JUnit reports matching {item.path}", "no such file")
    if facts.get("error"):
        return _fail(item, f"readable JUnit reports matching {item.path}", str(facts["error"]))
    counts = {key: int(facts.get(key, 0)) for key in ("tests", "failures", "errors", "skipped")}
    ran = counts["tests"] - counts["skipped"]
    files = len(facts.get("files") or [])
    found = (
        f"{ran} run ({counts['skipped']} skipped), {counts['failures']} failed, {counts['errors']} errored "
        f"in {files} file(s)"
    )
    threshold = {"min_tests": item.min_tests, "failures": 0, "errors": 0}
    if ran < item.min_tests or counts["failures"] or counts["errors"]:
        return _fail(item, expected, found, counts, threshold)
    modified = _modified(facts)
    stale = _stale(item, f"the newest report matching {item.path}", modified, today) if modified else None
    if stale:
        return stale
    return Check(item.id, Status.PASS, f"{item.title}: {found}", counts, threshold)


def _judge_file(item: FileItem, facts: Mapping[str, Any], today: dt.date) -> Check:
    if not facts.get("found"):
        return _fail(item, f"a document at {item.path}", "no such file")
    when = item.date or _modified(facts)
    if when is None:
        return Check(item.id, Status.ERROR, f"{item.title}: the date of {item.path} could not be read")
    basis = "dated" if item.date else "last changed"
    stale = _stale(item, item.path, when, today)
    if stale:
        return stale
    threshold = {"max_age_days": item.max_age_days} if item.max_age_days is not None else None
    message = f"{item.title}: {item.path} present, {basis} {when.isoformat()}"
    return Check(item.id, Status.PASS, message, (today - when).days, threshold)


def _judge_url(item: UrlItem, facts: Mapping[str, Any]) -> Check:
    url = facts.get("url", item.url)
    if facts.get("error"):
        return _fail(item, f"{url} to answer", str(facts["error"]))
    status = facts.get("status")
    allowed = item.expect_status or list(range(200, 300))
    if status not in allowed:
        wanted = ", ".join(map(str, item.expect_status)) if item.expect_status else "2xx"
        return _fail(item, f"{url} to answer with HTTP {wanted}", f"HTTP {status}", status)
    found = facts.get("found") or {}
    missing = [text for text in item.expect_text if not found.get(text)]
    if missing:
        quoted = ", ".join(repr(text) for text in missing)
        return _fail(item, f"{url} to contain {quoted}", f"HTTP {status} without it", status)
    contains = f" and contains {', '.join(repr(text) for text in item.expect_text)}" if item.expect_text else ""
    return Check(item.id, Status.PASS, f"{item.title}: {url} answers HTTP {status}{contains}", status)


def _judge_attestation(item: AttestationItem, today: dt.date) -> Check:
    if not item.by or item.date is None:
        return _fail(item, "a sign-off (by and date)", "none yet")
    stale = _stale(item, f"the sign-off by {item.by}", item.date, today)
    if stale:
        return stale
    note = f": {item.note}" if item.note else ""
    threshold = {"max_age_days": item.max_age_days} if item.max_age_days is not None else None
    message = f"{item.title}: signed off by {item.by} on {item.date.isoformat()}{note} (a sign-off, not measured)"
    return Check(item.id, Status.PASS, message, {"by": item.by, "date": item.date.isoformat()}, threshold)


def judge_item(item: ChecklistItem, facts: Mapping[str, Any] | None, today: dt.date) -> Check:
    """One item's check, from the facts gathered for it (None when it was not gathered in this run)."""
    if isinstance(item, AttestationItem):
        return _judge_attestation(item, today)
    if facts is None or facts.get("kind") != item.kind:
        return Check(item.id, Status.ERROR, f"{item.title}: not gathered in this run; run golive again to check it")
    if facts.get("unreadable"):
        return Check(item.id, Status.ERROR, f"{item.title}: could not be read ({facts['unreadable']})")
    if isinstance(item, CoverageItem):
        return _judge_coverage(item, facts, today)
    if isinstance(item, JunitItem):
        return _judge_junit(item, facts, today)
    if isinstance(item, FileItem):
        return _judge_file(item, facts, today)
    return _judge_url(item, facts)


def item_coverage(item: ChecklistItem) -> CheckCoverage:
    """The go-live topic the item covers and what its check rests on."""
    if isinstance(item, AttestationItem) and item.by and item.date:
        return CheckCoverage((item.topic,), Source.SIGN_OFF, item.title, item.by, item.date.isoformat())
    return CheckCoverage((item.topic,), SOURCE_BY_KIND[item.kind], item.title)
