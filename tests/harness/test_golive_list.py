"""The go-live list built from a run's results, and its section in report.html, summary.md and junit.xml."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from harness.golive_list import (
    TOPIC_IDS,
    CheckCoverage,
    Source,
    build_golive_list,
    coverage_details,
    signed_off_checks,
)
from harness.models import Check, RunResult, Status, SuiteResult, Verdict, skipped_suite
from harness.reporters import golive_checklist
from harness.reporters.html import render_html
from harness.reporters.html_suite import render_suite
from harness.reporters.json_report import render_json
from harness.reporters.markdown import render_markdown

DECLARED = {
    "performance": {"performance-testing": "measured"},
    "availability": {"uptime-monitoring": "measured", "information-security": "measured"},
    "checklist": dict.fromkeys(TOPIC_IDS, "evidence"),
}


def checklist_result() -> SuiteResult:
    checks = (
        Check("kpis", Status.PASS, "KPIs: signed off by Ana Silva on 2026-11-20 (a sign-off, not measured)"),
        Check("pen-test", Status.FAIL, "Pen test: expected a document at pen.pdf, found no such file"),
        Check("unit-coverage", Status.PASS, "Coverage: line coverage 85% ≥ 80%"),
    )
    entries = {
        "kpis": CheckCoverage(("metrics",), Source.SIGN_OFF, "KPIs agreed", "Ana Silva", "2026-11-20"),
        "pen-test": CheckCoverage(("security-assessment",), Source.EVIDENCE, "Pen test"),
        "unit-coverage": CheckCoverage(("code-coverage",), Source.EVIDENCE, "Coverage"),
    }
    return SuiteResult("checklist", checks=checks, details=coverage_details(entries))


def run(**suites: SuiteResult) -> RunResult:
    return RunResult(
        "r1", "http://127.0.0.1:9", "2026-11-26T10:00:00Z", "2026-11-26T10:01:00Z", Verdict.NOT_READY, (), suites
    )


def sample() -> RunResult:
    availability = SuiteResult(
        "availability",
        checks=(
            Check("success_ratio", Status.PASS, "success ratio 1 within limits"),
            Check("hsts", Status.SKIPPED, "http"),
        ),
        details=coverage_details(
            {
                "success_ratio": CheckCoverage(("uptime-monitoring",), Source.MEASURED),
                "hsts": CheckCoverage(("information-security",), Source.MEASURED),
            }
        ),
    )
    return run(
        availability=availability,
        checklist=checklist_result(),
        performance=skipped_suite("performance", "not requested"),
    )


def topic(golive: object, topic_id: str) -> object:
    return next(t for t in golive.topics if t.topic.id == topic_id)  # type: ignore[attr-defined]


def test_every_topic_is_listed_in_order_and_gaps_are_not_covered() -> None:
    golive = build_golive_list(sample(), DECLARED)
    assert [t.topic.id for t in golive.topics] == list(TOPIC_IDS)
    gaps = {t.topic.id for t in golive.gaps}
    # Performance was not requested and the HSTS check was skipped: neither covers its topic.
    assert gaps == {
        "performance-testing",
        "information-security",
        "accessibility-audit",
        "continued-testing",
        "exclusion-risks",
    }
    assert topic(golive, "performance-testing").status_word == "not covered"  # type: ignore[attr-defined]


def test_a_sign_off_reads_as_signed_off_and_never_as_a_pass() -> None:
    metrics = topic(build_golive_list(sample(), DECLARED), "metrics")
    assert metrics.status is Status.PASS  # type: ignore[attr-defined]
    assert metrics.status_word == "signed off"  # type: ignore[attr-defined]
    assert metrics.sources == (Source.SIGN_OFF,)  # type: ignore[attr-defined]
    (check,) = metrics.covering  # type: ignore[attr-defined]
    assert (check.signed_by, check.signed_on, check.status_word) == ("Ana Silva", "2026-11-20", "signed off")


def test_status_and_source_come_from_the_covering_checks() -> None:
    golive = build_golive_list(sample(), DECLARED)
    assert topic(golive, "security-assessment").status_word == "fail"  # type: ignore[attr-defined]
    uptime = topic(golive, "uptime-monitoring")
    assert uptime.status_word == "pass" and uptime.sources == (Source.MEASURED,)  # type: ignore[attr-defined]


def test_a_suite_without_per_check_topics_covers_what_its_class_declares() -> None:
    performance = SuiteResult("performance", checks=(Check("p95_ms", Status.FAIL, "p95 latency 1240 ms > 1000 ms"),))
    golive = build_golive_list(run(performance=performance), DECLARED)
    covering = topic(golive, "performance-testing").covering  # type: ignore[attr-defined]
    assert [(c.suite, c.check_id, c.source) for c in covering] == [("performance", "p95_ms", Source.MEASURED)]


def test_a_suite_that_could_not_measure_makes_its_topics_errors() -> None:
    broken = SuiteResult("performance", error="Locust did not start")
    assert topic(build_golive_list(run(performance=broken), DECLARED), "performance-testing").status is Status.ERROR  # type: ignore[attr-defined]


def test_the_html_section_shows_gaps_sign_offs_and_sources() -> None:
    html = golive_checklist.render_html_section(build_golive_list(sample(), DECLARED))
    assert 'id="golive-checklist"' in html
    assert "5 of 9 topics are not covered by this run" in html
    assert html.count("tag-not-covered") == 5
    assert "Signed off" in html and "signed off by Ana Silva on 2026-11-20" in html
    # A suite that did not run is said once, with why, above the table; its topics point there.
    assert html.count("not requested") == 1 and "Not run in this run: Performance (not requested)" in html
    assert "Could be covered by: Performance (not run)." in html


def test_the_markdown_section_has_a_row_per_topic() -> None:
    lines = golive_checklist.render_markdown_section(build_golive_list(sample(), DECLARED))
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| Topic")]
    assert len(rows) == len(TOPIC_IDS)
    assert (
        "| Metrics to measure success | signed off | sign-off | checklist/kpis: signed off by Ana Silva on 2026-11-20 |"
        in lines
    )
    assert "| Performance testing | **not covered** | — | nothing in this run (could be: performance) |" in lines


def test_the_junit_suite_has_a_case_per_topic_gaps_skipped_failures_failed() -> None:
    root = ET.Element("testsuites")
    counts = golive_checklist.add_junit_suite(root, build_golive_list(sample(), DECLARED))
    assert counts == {"tests": 9, "failures": 1, "errors": 0, "skipped": 5}
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "golive.go-live-checklist"
    assert suite.find("testcase[@name='security-assessment']/failure") is not None
    assert suite.find("testcase[@name='performance-testing']/skipped") is not None
    out = suite.find("testcase[@name='metrics']/system-out")
    assert out is not None and "signed off" in (out.text or "")


def test_a_suite_section_shows_a_sign_off_as_signed_off_not_as_a_pass() -> None:
    suite = checklist_result()
    assert signed_off_checks(suite) == frozenset({"kpis"})
    html = render_suite(suite)
    kpis_row = html[html.index("<code>kpis</code>") : html.index("</tr>", html.index("<code>kpis</code>"))]
    assert "Signed off" in kpis_row and "tag-pass" not in kpis_row
    coverage_row = html[html.index("<code>unit-coverage</code>") :]
    assert "tag-pass" in coverage_row[: coverage_row.index("</tr>")]


def test_result_json_carries_the_go_live_checklist_for_machines() -> None:
    data = json.loads(render_json(sample()))
    topics = {entry["topic"]: entry for entry in data["golive_checklist"]["topics"]}
    assert list(topics) == list(TOPIC_IDS)
    assert topics["metrics"]["status"] == "signed off"
    assert topics["metrics"]["checks"][0]["signed_by"] == "Ana Silva"
    assert topics["exclusion-risks"]["status"] == "not covered"


def test_suite_summaries_count_sign_offs_apart_from_passes() -> None:
    run_result = run(checklist=checklist_result())
    assert "| checklist | ❌ fail | 1/3 passed (+1 signed off) | 0 / 0 |" in render_markdown(run_result)
    assert "1 of 3 (+1 signed off)" in render_html(run_result)


def test_a_suite_not_run_beside_checks_that_were_made_points_to_the_one_line_above() -> None:
    performance = SuiteResult("performance", checks=(Check("p95_ms", Status.PASS, "p95 latency 80 ms within limits"),))
    why = "no [[checklist.items]] configured"
    golive = build_golive_list(run(performance=performance, checklist=skipped_suite("checklist", why)), DECLARED)
    html = golive_checklist.render_html_section(golive)
    assert golive_checklist.suites_not_run(golive) == {"checklist": why}
    assert html.count(why) == 1 and f"Not run in this run: Checklist ({why})." in html
    row = html[html.index("Performance testing") :]
    assert "p95 latency 80 ms within limits" in row and "Checklist: not run (see above)" in row
