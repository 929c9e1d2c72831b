"""Comparisons that are right: resolved only where the later run looked, waived still present, not run ≠ zero."""

from __future__ import annotations

import dataclasses

from harness.comparison import classify, compare, describe
from harness.history import declared_work_metrics
from harness.models import Check, Status, SuiteResult
from harness.run_record import FindingRecord, record_from_legacy
from tests.history.runs import (
    DEFAULT_CONFIG,
    PAGES,
    a11y_finding,
    accessibility,
    full_run,
    performance,
    record,
    run,
    security,
    security_finding,
)

FULL = record(full_run("20261126T010000Z-aaaa"))


def labels(groups: dict[str, list[tuple[FindingRecord, str]]], group: str) -> list[str]:
    return sorted(finding.label for finding, _ in groups[group])


def test_a_performance_only_run_resolves_nothing_in_suites_that_did_not_run() -> None:
    after = record(run("20261127T010000Z-bbbb", {"performance": performance()}))
    comparison = compare(after, FULL)
    assert comparison is not None
    assert comparison["new_findings"] == 0
    assert comparison["resolved_findings"] == 0
    assert comparison["not_compared_findings"] == 4
    assert comparison["not_compared_reasons"] == {
        "accessibility not run in the later run": 2,
        "security not run in the later run": 2,
    }
    assert comparison["suites"]["accessibility"] == {"before": "fail", "after": "not run"}
    assert describe(comparison).endswith(
        "0 new finding(s), 0 resolved, 0 unchanged; 4 not compared "
        "(accessibility not run in the later run: 2; security not run in the later run: 2)"
    )


def test_a_finding_gone_from_a_page_that_was_audited_again_is_resolved() -> None:
    fixed = full_run("20261127T010000Z-bbbb")
    fixed = dataclasses.replace(
        fixed, suites={**fixed.suites, "accessibility": accessibility([a11y_finding("region", waived=True)])}
    )
    groups = classify(FULL, record(fixed))
    assert labels(groups, "resolved") == [f"accessibility: image-alt on {PAGES[0]}"]
    assert len(groups["unchanged"]) == 3 and not groups["new"] and not groups["not_compared"]


def test_a_waived_finding_is_present_not_resolved() -> None:
    waived_now = full_run("20261127T010000Z-bbbb")
    waived_now = dataclasses.replace(
        waived_now,
        suites={
            **waived_now.suites,
            "accessibility": accessibility(
                [a11y_finding("image-alt", waived=True), a11y_finding("region", waived=True)]
            ),
        },
    )
    groups = classify(FULL, record(waived_now))
    assert not groups["resolved"]
    notes = {finding.rule: note for finding, note in groups["unchanged"]}
    assert notes["image-alt"] == "now waived"


def test_a_shard_that_did_not_audit_the_page_does_not_resolve_its_findings() -> None:
    shard = full_run("20261127T010000Z-bbbb")
    shard = dataclasses.replace(shard, suites={**shard.suites, "accessibility": accessibility([], pages=[PAGES[1]])})
    groups = classify(FULL, record(shard))
    assert not groups["resolved"]
    assert {note for _, note in groups["not_compared"]} == {"accessibility did not cover it in the later run"}


def test_hygiene_switched_off_keeps_its_findings_unresolved_but_zap_findings_still_compare() -> None:
    after = full_run("20261127T010000Z-bbbb")
    after = dataclasses.replace(after, suites={**after.suites, "security": security([], hygiene=False)})
    groups = classify(FULL, record(after))
    assert labels(groups, "resolved") == ["security: 10038 on http://127.0.0.1:8000/"]
    assert labels(groups, "not_compared") == ["security: missing-hsts on http://127.0.0.1:8000/"]


def test_a_scan_engine_that_did_not_run_resolves_none_of_its_alerts() -> None:
    after = full_run("20261127T010000Z-bbbb")
    hygiene_only = security([security_finding("missing-hsts", "hygiene")], zap=False)
    after = dataclasses.replace(after, suites={**after.suites, "security": hygiene_only})
    groups = classify(FULL, record(after))
    assert not groups["resolved"]
    assert labels(groups, "not_compared") == ["security: 10038 on http://127.0.0.1:8000/"]


def test_a_passing_rules_check_is_not_a_scan() -> None:
    after = full_run("20261127T010000Z-bbbb")
    no_scan = security([security_finding("missing-hsts", "hygiene")], zap=False)
    rules = Check("zap_rules", Status.PASS, "no open alerts of rules set to FAIL or WARN", 0)
    no_scan = dataclasses.replace(no_scan, checks=(*no_scan.checks, rules))
    groups = classify(FULL, record(dataclasses.replace(after, suites={**after.suites, "security": no_scan})))
    assert not groups["resolved"]
    assert labels(groups, "not_compared") == ["security: 10038 on http://127.0.0.1:8000/"]


def test_a_changed_scope_compares_nothing_but_a_changed_threshold_does() -> None:
    stricter = {**DEFAULT_CONFIG, "accessibility": {**DEFAULT_CONFIG["accessibility"], "fail_on": ["critical"]}}
    other_pages = {**DEFAULT_CONFIG, "accessibility": {**DEFAULT_CONFIG["accessibility"], "checks": ["keyboard"]}}
    for config, comparable in ((stricter, True), (other_pages, False)):
        after = full_run("20261127T010000Z-bbbb", config=config)
        after = dataclasses.replace(after, suites={**after.suites, "accessibility": accessibility([])})
        groups = classify(FULL, record(after))
        resolved = [finding.rule for finding, _ in groups["resolved"]]
        assert ("image-alt" in resolved) is comparable


def test_new_findings_need_the_earlier_run_to_have_looked() -> None:
    before = record(run("20261126T010000Z-aaaa", {"performance": performance()}))
    worse = full_run("20261127T010000Z-bbbb")
    groups = classify(before, record(worse))
    assert not groups["new"]
    assert len(groups["not_compared"]) == 4
    again = dataclasses.replace(worse, run_id="20261128T010000Z-cccc")
    extra = accessibility([a11y_finding("image-alt"), a11y_finding("region", waived=True), a11y_finding("label")])
    again = dataclasses.replace(again, suites={**again.suites, "accessibility": extra})
    assert labels(classify(record(worse), record(again)), "new") == [f"accessibility: label on {PAGES[0]}"]


def test_metric_changes_and_verdict_change() -> None:
    slower = full_run("20261127T010000Z-bbbb")
    slower = dataclasses.replace(slower, suites={**slower.suites, "performance": performance(p95=600, rps=95)})
    comparison = compare(record(slower), FULL)
    assert comparison is not None
    assert comparison["verdict_changed"] is False
    assert {"suite": "performance", "metric": "p95_ms", "before": 300, "after": 600} in comparison["metric_changes"]
    assert not any(change["metric"] == "rps" for change in comparison["metric_changes"])  # 5%: noise
    every = compare(record(slower), FULL, significant=0.0)
    assert every is not None and any(change["metric"] == "rps" for change in every["metric_changes"])


def test_runs_from_the_old_history_file_never_resolve_anything() -> None:
    legacy = record_from_legacy(
        {
            "run_id": "20261125T010000Z-0000",
            "target": "http://127.0.0.1:8000",
            "verdict": "NOT_READY",
            "suites": {"accessibility": {"status": "fail", "metrics": {"pages_audited": 2}}},
            "findings": {"a11y-old-home": "accessibility: old-rule on http://127.0.0.1:8000/"},
        }
    )
    groups = classify(legacy, FULL)
    assert not groups["resolved"] and not groups["new"]
    assert "accessibility: old-rule on http://127.0.0.1:8000/" in labels(groups, "not_compared")


def test_first_run_has_no_comparison() -> None:
    assert compare(FULL, None) is None


def test_a_latency_that_moved_by_timer_noise_is_not_a_change() -> None:
    full = full_run("20261126T010000Z-aaaa")
    before = dataclasses.replace(full, suites={**full.suites, "performance": performance(p95=0.4)})
    after = dataclasses.replace(full, suites={**full.suites, "performance": performance(p95=0.9)})
    comparison = compare(record(after), record(before))
    assert comparison is not None
    assert not any(change["metric"] == "p95_ms" for change in comparison["metric_changes"])
    slower = dataclasses.replace(full, suites={**full.suites, "performance": performance(p95=4.0)})
    moved = compare(record(slower), record(before))
    assert moved is not None and any(change["metric"] == "p95_ms" for change in moved["metric_changes"])


def test_golive_s_own_work_is_never_a_change_of_the_service() -> None:
    full = full_run("20261126T010000Z-aaaa")

    def audited(reused: int) -> SuiteResult:
        suite = accessibility()
        return dataclasses.replace(suite, metrics={**suite.metrics, "pages_reused": reused})

    before = record(dataclasses.replace(full, suites={**full.suites, "accessibility": audited(0)}))
    after = record(dataclasses.replace(full, suites={**full.suites, "accessibility": audited(2)}))
    plain = compare(after, before, significant=0.0)
    assert plain is not None and any(change["metric"] == "pages_reused" for change in plain["metric_changes"])
    declared = compare(after, before, significant=0.0, work_metrics=declared_work_metrics(["accessibility"]))
    assert declared is not None and declared["metric_changes"] == []
