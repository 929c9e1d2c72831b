"""Every evidence kind passing, failing, missing and stale, from real files (judged against a fixed today)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from harness.models import Check, Status
from harness.suite import Target
from suites.checklist.evaluate import judge_item
from suites.checklist.gather import item_facts
from suites.checklist.settings import ChecklistSettings
from tests.checklist.samples import COVERAGE_PY, ISTANBUL, JACOCO, JUNIT_PYTEST, JUNIT_SUREFIRE

TODAY = dt.date(2026, 11, 26)
TARGET = Target("http://127.0.0.1:9")


def write(path: Path, text: str, days_old: int = 1) -> Path:
    """Write `text` with a modification time `days_old` days before TODAY."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    when = dt.datetime.combine(TODAY - dt.timedelta(days=days_old), dt.time(12), dt.UTC).timestamp()
    os.utime(path, (when, when))
    return path


def check(**item: Any) -> Check:
    settings = ChecklistSettings.model_validate({"items": [{"id": "item", "title": "The item", **item}]})
    (parsed,) = settings.items
    return judge_item(parsed, item_facts(parsed, TARGET, 1.0), TODAY)


def coverage_py(line_rate: float) -> str:
    return COVERAGE_PY.format(valid=100, covered=round(line_rate * 100), line_rate=line_rate)


# coverage ----------------------------------------------------------------------------------------------------------


def test_coverage_at_or_above_min_passes(tmp_path: Path) -> None:
    path = write(tmp_path / "coverage.xml", coverage_py(0.85))
    result = check(kind="coverage", path=str(path), min=0.8)
    assert result.status is Status.PASS
    assert "85% ≥ 80%" in result.message


def test_coverage_below_min_fails_naming_expected_and_found(tmp_path: Path) -> None:
    path = write(tmp_path / "coverage.xml", coverage_py(0.72))
    result = check(kind="coverage", path=str(path), min=0.8)
    assert result.status is Status.FAIL
    assert result.message.startswith("The item: expected line coverage of at least 80%, found 72%")


def test_missing_coverage_report_fails(tmp_path: Path) -> None:
    result = check(kind="coverage", path=str(tmp_path / "nope.xml"), min=0.8)
    assert result.status is Status.FAIL
    assert "no such file" in result.message


def test_stale_coverage_report_fails(tmp_path: Path) -> None:
    path = write(tmp_path / "coverage.xml", coverage_py(0.9), days_old=40)
    result = check(kind="coverage", path=str(path), min=0.8, max_age_days=30)
    assert result.status is Status.FAIL
    assert "at most 30 days old, found it 40 days old" in result.message


def test_branch_rate_is_checked_when_asked_and_missing_branch_data_fails(tmp_path: Path) -> None:
    istanbul = write(tmp_path / "cobertura-coverage.xml", ISTANBUL)
    assert check(kind="coverage", path=str(istanbul), min=0.8, branch_min=0.5).status is Status.PASS
    low = check(kind="coverage", path=str(istanbul), min=0.8, branch_min=0.7)
    assert low.status is Status.FAIL and "branch coverage of at least 70%, found 60%" in low.message
    no_branches = write(tmp_path / "coverage.xml", coverage_py(0.9))
    result = check(kind="coverage", path=str(no_branches), min=0.8, branch_min=0.5)
    assert result.status is Status.FAIL and "no branch data" in result.message


def test_jacoco_own_xml_is_read_from_its_report_counters(tmp_path: Path) -> None:
    path = write(tmp_path / "jacoco.xml", JACOCO)
    passed = check(kind="coverage", path=str(path), min=0.75, branch_min=0.7)
    assert passed.status is Status.PASS
    assert passed.measured == {"line_rate": 0.75, "branch_rate": 0.7}
    assert check(kind="coverage", path=str(path), min=0.8).status is Status.FAIL


def test_a_file_that_is_not_a_coverage_report_fails_with_why(tmp_path: Path) -> None:
    junk = write(tmp_path / "coverage.xml", "<html><body>not coverage</body></html>")
    result = check(kind="coverage", path=str(junk), min=0.5)
    assert result.status is Status.FAIL and "root element is <html>" in result.message
    broken = write(tmp_path / "broken.xml", "<coverage line-rate=")
    assert "not valid XML" in check(kind="coverage", path=str(broken), min=0.5).message


# junit -------------------------------------------------------------------------------------------------------------


def test_junit_reports_matching_a_glob_pass_when_tests_ran_and_none_failed(tmp_path: Path) -> None:
    write(tmp_path / "junit" / "pytest.xml", JUNIT_PYTEST.format(failures=0, failure=""))
    write(tmp_path / "junit" / "TEST-Apply.xml", JUNIT_SUREFIRE.format(errors=0, error=""))
    result = check(kind="junit", path=str(tmp_path / "junit" / "*.xml"))
    assert result.status is Status.PASS
    assert result.measured == {"tests": 6, "failures": 0, "errors": 0, "skipped": 1}
    assert "5 run (1 skipped), 0 failed, 0 errored in 2 file(s)" in result.message


def test_junit_failures_and_errors_fail(tmp_path: Path) -> None:
    write(tmp_path / "junit" / "pytest.xml", JUNIT_PYTEST.format(failures=1, failure='<failure message="boom"/>'))
    write(tmp_path / "junit" / "TEST-Apply.xml", JUNIT_SUREFIRE.format(errors=1, error='<error message="npe"/>'))
    result = check(kind="junit", path=str(tmp_path / "junit" / "*.xml"))
    assert result.status is Status.FAIL
    assert "1 failed, 1 errored" in result.message


def test_junit_with_no_tests_run_fails(tmp_path: Path) -> None:
    write(tmp_path / "empty.xml", '<testsuite name="x" tests="0"></testsuite>')
    result = check(kind="junit", path=str(tmp_path / "empty.xml"))
    assert result.status is Status.FAIL and "0 run" in result.message


def test_junit_missing_and_stale(tmp_path: Path) -> None:
    assert check(kind="junit", path=str(tmp_path / "none" / "*.xml")).status is Status.FAIL
    write(tmp_path / "old.xml", JUNIT_PYTEST.format(failures=0, failure=""), days_old=60)
    stale = check(kind="junit", path=str(tmp_path / "old.xml"), max_age_days=30)
    assert stale.status is Status.FAIL and "60 days old" in stale.message


# file --------------------------------------------------------------------------------------------------------------


def test_a_document_passes_when_present_and_fresh_enough(tmp_path: Path) -> None:
    path = write(tmp_path / "pen-test.pdf", "%PDF-1.7", days_old=100)
    result = check(kind="file", path=str(path), topic="security-assessment", max_age_days=365)
    assert result.status is Status.PASS
    assert "last changed 2026-08-18" in result.message


def test_a_missing_document_fails(tmp_path: Path) -> None:
    result = check(kind="file", path=str(tmp_path / "pen-test.pdf"), topic="security-assessment")
    assert result.status is Status.FAIL
    assert result.message == f"The item: expected a document at {tmp_path / 'pen-test.pdf'}, found no such file"


def test_a_stale_document_fails_by_its_date_in_the_config_before_its_mtime(tmp_path: Path) -> None:
    path = write(tmp_path / "pen-test.pdf", "%PDF-1.7", days_old=1)
    result = check(kind="file", path=str(path), topic="security-assessment", max_age_days=365, date="2025-06-01")
    assert result.status is Status.FAIL
    assert "at most 365 days old, found it 543 days old (2025-06-01)" in result.message
    by_mtime = write(tmp_path / "old.pdf", "%PDF-1.7", days_old=400)
    assert check(kind="file", path=str(by_mtime), topic="security-assessment", max_age_days=365).status is Status.FAIL


# attestation -------------------------------------------------------------------------------------------------------


def test_a_sign_off_passes_as_a_sign_off_naming_who_and_when() -> None:
    result = check(kind="attestation", topic="metrics", by="Ana Silva", date="2026-11-20", note="KPIs agreed")
    assert result.status is Status.PASS
    assert result.message == "The item: signed off by Ana Silva on 2026-11-20: KPIs agreed (a sign-off, not measured)"
    assert result.measured == {"by": "Ana Silva", "date": "2026-11-20"}


def test_an_unsigned_item_fails() -> None:
    result = check(kind="attestation", topic="metrics", by="")
    assert result.status is Status.FAIL
    assert result.message == "The item: expected a sign-off (by and date), found none yet"
    assert check(kind="attestation", topic="metrics", by="Ana Silva").status is Status.FAIL


def test_a_stale_or_future_sign_off_fails() -> None:
    stale = check(kind="attestation", topic="metrics", by="Ana", date="2025-01-01", max_age_days=180)
    assert stale.status is Status.FAIL and "at most 180 days old" in stale.message
    future = check(kind="attestation", topic="metrics", by="Ana", date="2027-01-01")
    assert future.status is Status.FAIL and "in the future" in future.message


# url (judged from gathered facts; the fetching itself is tested against a real server) --------------------------


def url_check(facts: dict[str, Any], **item: Any) -> Check:
    settings = ChecklistSettings.model_validate(
        {"items": [{"id": "statement", "title": "Statement", "kind": "url", "topic": "accessibility-audit", **item}]}
    )
    return judge_item(settings.items[0], {"kind": "url", **facts}, TODAY)


def test_url_facts_pass_fail_and_missing_text() -> None:
    base = {"url": "http://x/a11y", "final_url": "http://x/a11y", "status": 200}
    ok = url_check({**base, "found": {"compliant with": True}}, url="/a11y", expect_text="compliant with")
    assert ok.status is Status.PASS
    missing = url_check({**base, "found": {"compliant with": False}}, url="/a11y", expect_text=["compliant with"])
    assert missing.status is Status.FAIL
    assert missing.message == "Statement: expected http://x/a11y to contain 'compliant with', found HTTP 200 without it"
    gone = url_check({**base, "status": 404, "found": {}}, url="/a11y")
    assert gone.status is Status.FAIL and "found HTTP 404" in gone.message
    down = url_check({"url": "http://x/a11y", "error": "URLError: refused"}, url="/a11y")
    assert down.status is Status.FAIL and "refused" in down.message


def test_an_item_not_gathered_in_this_run_is_an_error_not_a_pass() -> None:
    settings = ChecklistSettings.model_validate(
        {"items": [{"id": "cov", "title": "Coverage", "kind": "coverage", "path": "c.xml", "min": 0.5}]}
    )
    assert judge_item(settings.items[0], None, TODAY).status is Status.ERROR


# config ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "complaint"),
    [
        ({"kind": "file", "path": "x.pdf"}, "name the go-live topic"),
        ({"kind": "file", "path": "x.pdf", "topic": "cake"}, "expected one of the go-live topics"),
        ({"kind": "coverage", "path": "c.xml", "min": 1.5}, "less than or equal to 1"),
        ({"kind": "file", "path": "x.pdf", "topic": "metrics", "min": 0.5}, "Extra inputs"),
        ({"kind": "survey", "path": "x"}, "does not match any of the expected tags"),
    ],
)
def test_bad_items_are_refused_with_a_reason(item: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        ChecklistSettings.model_validate({"items": [{"id": "x", "title": "X", **item}]})


def test_item_ids_must_be_unique() -> None:
    item = {"title": "X", "kind": "attestation", "topic": "metrics"}
    with pytest.raises(ValidationError, match="two items have the id 'same'"):
        ChecklistSettings.model_validate({"items": [{"id": "same", **item}, {"id": "same", **item}]})


def test_an_item_that_could_not_be_read_is_an_error() -> None:
    settings = ChecklistSettings.model_validate(
        {"items": [{"id": "pen", "title": "Pen test", "kind": "file", "path": "p.pdf", "topic": "security-assessment"}]}
    )
    facts = {"kind": "file", "unreadable": "PermissionError: [Errno 13] Permission denied: 'p.pdf'"}
    result = judge_item(settings.items[0], facts, TODAY)
    assert result.status is Status.ERROR and "Permission denied" in result.message
