"""evaluate on recorded axe results: findings, severities, checks, waivers, coverage. No browser, no network."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.artifacts import Artifacts
from harness.fingerprint import fingerprint
from harness.models import Severity, Status, SuiteResult, Verdict
from harness.settings import GoliveConfig
from harness.suite import JudgeContext
from harness.verdict import decide
from suites.accessibility.evaluate import evaluate
from suites.accessibility.findings import selector_of

RECORDED = Path(__file__).resolve().parent / "data" / "recorded"
BASE = "http://127.0.0.1:8000"
# The recording audited these pages with two best-practice rules switched on (see data/record.py).
RECORDED_SETTINGS = ('accessibility.rules.enable=["region", "heading-order"]',)

MakeConfig = Callable[..., GoliveConfig]


@pytest.fixture
def judge(make_config: MakeConfig, today: dt.date) -> Callable[..., SuiteResult]:
    """Evaluate the recorded artifacts (or a given folder) with config overrides."""

    def run(*overrides: str, folder: Path = RECORDED, when: dt.date = today) -> SuiteResult:
        config = make_config(*RECORDED_SETTINGS, *overrides, target=BASE)
        return evaluate(Artifacts.load(folder), JudgeContext(config, config.accessibility, when, folder))

    return run


def _check(result: SuiteResult, check_id: str) -> tuple[Status, str]:
    check = next(check for check in result.checks if check.id == check_id)
    return check.status, check.message


def test_each_violation_node_becomes_a_finding_with_mapped_severity(judge: Callable[..., SuiteResult]) -> None:
    result = judge()
    rules = sorted((finding.rule, finding.severity) for finding in result.findings)
    assert rules == [
        ("color-contrast", Severity.HIGH),
        ("heading-order", Severity.MEDIUM),
        ("html-has-lang", Severity.HIGH),
        ("image-alt", Severity.CRITICAL),
        ("image-alt", Severity.CRITICAL),
        ("label", Severity.CRITICAL),
        ("region", Severity.MEDIUM),
    ]
    lang = next(finding for finding in result.findings if finding.rule == "html-has-lang")
    assert lang.url == f"{BASE}/nolang"
    assert lang.selector == "html"
    assert lang.title == "<html> element must have a lang attribute"
    assert lang.help_url is not None and "html-has-lang" in lang.help_url
    assert lang.evidence is not None and "<html" in lang.evidence and "lang attribute" in lang.evidence
    assert lang.fingerprint == fingerprint("accessibility", "html-has-lang", f"{BASE}/nolang", "html")
    assert lang.to_dict()["impact"] == "serious"


def test_a_violation_inside_an_iframe_names_the_frame_in_its_selector(judge: Callable[..., SuiteResult]) -> None:
    selectors = {finding.selector for finding in judge().findings if finding.rule == "image-alt"}
    assert selectors == {"img", "iframe >>> img"}


def test_selector_of_joins_frames_and_shadow_roots() -> None:
    assert selector_of(["#main"]) == "#main"
    assert selector_of(["iframe#a", "img"]) == "iframe#a >>> img"
    assert selector_of([["my-widget", "button"]]) == "my-widget >> button"


def test_impact_checks_fail_warn_and_pass_by_config(judge: Callable[..., SuiteResult]) -> None:
    result = judge()
    assert _check(result, "impact_critical") == (
        Status.FAIL,
        "3 critical violations (image-alt x2 on /mixed, label on /mixed) > 0 allowed",
    )
    assert _check(result, "impact_serious") == (
        Status.FAIL,
        "2 serious violations (color-contrast on /mixed, html-has-lang on /nolang) > 0 allowed",
    )
    assert _check(result, "impact_moderate") == (
        Status.WARN,
        "2 moderate violations (heading-order on /mixed, region on /mixed) > 0 allowed",
    )
    serious = next(check for check in result.checks if check.id == "impact_serious")
    assert (serious.measured, serious.threshold) == (2, {"fail": 0})
    assert _check(result, "impact_minor") == (Status.PASS, "no minor violations")
    assert result.status is Status.FAIL

    relaxed = judge('accessibility.fail_on=["critical"]', 'accessibility.warn_on=["serious"]')
    assert _check(relaxed, "impact_serious")[0] is Status.WARN
    assert _check(relaxed, "impact_moderate") == (
        Status.PASS,
        "2 moderate violations (heading-order on /mixed, region on /mixed) (not gated)",
    )


def test_a_page_that_failed_to_load_is_an_error_never_a_pass(judge: Callable[..., SuiteResult]) -> None:
    result = judge()
    status, message = _check(result, "pages_loaded")
    assert status is Status.ERROR
    assert message == "1 of 4 pages could not be audited: the page answered HTTP 500 (/broken)"


def test_metrics_follow_the_design_contract(judge: Callable[..., SuiteResult]) -> None:
    metrics = judge().metrics
    assert metrics["pages_audited"] == 3
    assert metrics["pages_failed"] == 1
    assert metrics["by_impact"] == {"critical": 3, "serious": 2, "moderate": 2, "minor": 0}
    assert metrics["axe_version"].startswith("4.")
    assert metrics["waived"] == 0


def test_details_group_findings_by_rule_and_by_page(judge: Callable[..., SuiteResult]) -> None:
    details = judge().details
    assert [entry["rule"] for entry in details["by_rule"]][:2] == ["image-alt", "label"]
    assert details["by_rule"][0]["count"] == 2 and details["by_rule"][0]["pages"] == ["/mixed"]
    by_page = {entry["page"]: entry for entry in details["by_page"]}
    assert by_page["/mixed"]["violations"] == {"critical": 3, "serious": 1, "moderate": 2, "minor": 0}
    assert by_page["/broken"]["status"] == "load_error"
    assert by_page["/clean"]["violations"] == {"critical": 0, "serious": 0, "moderate": 0, "minor": 0}


def test_a_waiver_suppresses_its_finding_and_an_expired_one_does_not(judge: Callable[..., SuiteResult]) -> None:
    waiver = (
        'waivers=[{rule = "html-has-lang", url = "*/nolang", reason = "CMS template fix in sprint 12", '
        "expires = 2026-12-31}]"
    )
    waived = judge(waiver)
    lang = next(finding for finding in waived.findings if finding.rule == "html-has-lang")
    assert lang.waived is not None and "CMS template fix" in lang.waived
    assert lang.to_dict()["waived"] is True
    assert _check(waived, "impact_serious") == (
        Status.FAIL,
        "1 serious violation (color-contrast on /mixed) > 0 allowed; 1 waived",
    )
    assert waived.metrics["waived"] == 1
    assert waived.metrics["by_impact"]["serious"] == 1

    expired = judge(waiver, when=dt.date(2027, 1, 1))
    lang = next(finding for finding in expired.findings if finding.rule == "html-has-lang")
    assert lang.waived is None
    assert expired.metrics["by_impact"]["serious"] == 2
    assert any("expired on 2026-12-31" in note for note in expired.notes)


def test_a_waiver_keyed_by_selector_only_covers_that_node(judge: Callable[..., SuiteResult]) -> None:
    waiver = (
        'waivers=[{rule = "image-alt", url = "*/mixed", selector = "iframe >>> img", reason = "third-party widget", '
        "expires = 2026-12-31}]"
    )
    findings = [finding for finding in judge(waiver).findings if finding.rule == "image-alt"]
    assert {(finding.selector, finding.waived is not None) for finding in findings} == {
        ("img", False),
        ("iframe >>> img", True),
    }


def test_re_evaluation_honours_disabled_rules_and_a_narrower_standard(judge: Callable[..., SuiteResult]) -> None:
    result = judge('accessibility.rules.disable=["color-contrast"]')
    assert "color-contrast" not in {finding.rule for finding in result.findings}
    # heading-order and region carry no WCAG tag: without rules.enable the standard alone drops them.
    plain = judge("accessibility.rules.enable=[]")
    assert {"heading-order", "region"}.isdisjoint(finding.rule for finding in plain.findings)


def test_a_wider_standard_than_was_audited_is_noted(judge: Callable[..., SuiteResult], tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(RECORDED, folder)
    index = json.loads((folder / "pages.json").read_text())
    index["standard"], index["tags"] = "wcag2a", ["wcag2a"]
    (folder / "pages.json").write_text(json.dumps(index))
    notes = judge(folder=folder).notes
    assert any("audit ran for standard wcag2a" in note and "wcag22aa" in note for note in notes)


def _rewrite_index(folder: Path, keep: Callable[[dict[str, object]], bool]) -> None:
    index = json.loads((folder / "pages.json").read_text())
    index["pages"] = [page for page in index["pages"] if keep(page)]
    (folder / "pages.json").write_text(json.dumps(index))


def test_zero_pages_audited_says_the_cause_once_and_is_never_ready(
    judge: Callable[..., SuiteResult], tmp_path: Path
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(RECORDED, folder)
    _rewrite_index(folder, lambda page: page["status"] != "audited")
    result = judge(folder=folder)
    assert result.status is Status.ERROR
    assert result.error == "1 of 1 pages could not be audited: the page answered HTTP 500 (/broken)"
    # The impact checks were not measured: skipped, not errors that repeat the cause, and never a pass.
    assert {check.id: check.status for check in result.checks if check.id.startswith("impact_")} == dict.fromkeys(
        ("impact_critical", "impact_serious", "impact_moderate", "impact_minor"), Status.SKIPPED
    )
    verdict, reasons = decide({"accessibility": result})
    assert verdict is Verdict.INCONCLUSIVE
    assert [reason.message for reason in reasons if reason.status is not None] == [result.error]


def _stopped_before_any_page(folder: Path, stopped: str | None) -> None:
    index = json.loads((folder / "pages.json").read_text())
    for page in index["pages"]:
        page.update(status="not_audited", error="the run stopped before this page was audited", result_file=None)
    index["stopped"] = stopped
    (folder / "pages.json").write_text(json.dumps(index))


def test_a_run_stopped_before_any_page_says_what_stopped_it_once(
    judge: Callable[..., SuiteResult], tmp_path: Path
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(RECORDED, folder)
    cause = "Chromium could not start: /nonexistent does not exist — set browser.executable to a Chromium binary"
    _stopped_before_any_page(folder, cause)
    result = judge(folder=folder)
    assert result.error == cause
    verdict, reasons = decide({"accessibility": result})
    assert verdict is Verdict.INCONCLUSIVE
    assert [(reason.status, reason.message) for reason in reasons if reason.status is not None] == [
        (Status.ERROR, cause)
    ]


def test_an_unknown_stop_is_left_to_the_engine_and_still_an_error(
    judge: Callable[..., SuiteResult], tmp_path: Path
) -> None:
    # Artifacts from before the cause was recorded (or a Ctrl-C): the engine reports the gathering's error.
    folder = tmp_path / "run"
    shutil.copytree(RECORDED, folder)
    _stopped_before_any_page(folder, None)
    result = judge(folder=folder)
    assert result.error is None
    assert _check(result, "pages_loaded") == (
        Status.ERROR,
        "4 of 4 pages could not be audited: not reached before the audit stopped (/mixed, /clean, /nolang, /broken)",
    )
    assert decide({"accessibility": result})[0] is Verdict.INCONCLUSIVE


def test_journey_states_that_all_left_the_site_are_not_a_pass(
    judge: Callable[..., SuiteResult], tmp_path: Path
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(RECORDED, folder)
    index = json.loads((folder / "pages.json").read_text())
    index["pages"] = [
        {**index["pages"][0], "status": "offsite", "journey": "sign-in", "step": 1, "error": "redirected away"}
    ]
    (folder / "pages.json").write_text(json.dumps(index))
    result = judge(folder=folder)
    assert result.error == "no page or journey state was audited"
    assert decide({"accessibility": result})[0] is Verdict.INCONCLUSIVE


def test_a_missing_result_file_makes_that_page_an_error(judge: Callable[..., SuiteResult], tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(RECORDED, folder)
    (folder / "pages" / "002-clean.json").unlink()
    status, message = _check(judge(folder=folder), "pages_loaded")
    assert status is Status.ERROR
    assert "its saved axe result cannot be read (MissingArtifact) (/clean)" in message


def test_an_offsite_redirect_is_a_warning(judge: Callable[..., SuiteResult], tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(RECORDED, folder)
    index = json.loads((folder / "pages.json").read_text())
    for page in index["pages"]:
        if page["requested"] == "/broken":
            page.update(status="offsite", error="redirected to another origin (https://sso.example/); not audited")
    (folder / "pages.json").write_text(json.dumps(index))
    status, message = _check(judge(folder=folder), "pages_loaded")
    assert status is Status.WARN
    assert message.startswith("1 of 4 pages redirected to another origin and were not audited: /broken")


def test_missing_artifacts_raise_so_the_engine_reports_an_error(
    judge: Callable[..., SuiteResult], tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError):
        judge(folder=tmp_path)


def test_rule_impact_moves_a_rule_to_another_impact(judge: Callable[..., SuiteResult]) -> None:
    result = judge('accessibility.rule_impact={region = "minor", color-contrast = "moderate"}')
    region = next(finding for finding in result.findings if finding.rule == "region")
    assert (region.extra["impact"], region.extra["reported_impact"], region.severity) == (
        "minor",
        "moderate",
        Severity.LOW,
    )
    assert _check(result, "impact_serious") == (
        Status.FAIL,
        "1 serious violation (html-has-lang on /nolang) > 0 allowed",
    )
    assert _check(result, "impact_minor") == (Status.PASS, "1 minor violation (region on /mixed) (not gated)")


def test_rule_gate_makes_one_rule_warn_fail_or_not_count(judge: Callable[..., SuiteResult]) -> None:
    result = judge('accessibility.rule_gate={color-contrast = "warn", html-has-lang = "ignore", region = "fail"}')
    status, message = _check(result, "impact_serious")
    assert status is Status.WARN
    assert message == (
        "2 serious violations (color-contrast on /mixed, html-has-lang on /nolang) > 0 allowed "
        "by rule_gate (color-contrast = warn, html-has-lang = ignore)"
    )
    assert _check(result, "impact_moderate") == (
        Status.FAIL,
        "1 moderate violation (heading-order on /mixed) > 0 allowed; 1 more by rule_gate (region = fail)",
    )
    assert _check(result, "impact_critical")[0] is Status.FAIL
    ignored = judge('accessibility.rule_gate={color-contrast = "ignore", html-has-lang = "ignore"}')
    assert _check(ignored, "impact_serious") == (
        Status.PASS,
        "2 serious violations (color-contrast on /mixed, html-has-lang on /nolang) (not gated) "
        "by rule_gate (color-contrast = ignore, html-has-lang = ignore)",
    )


def test_recorded_runs_without_own_checks_note_that_they_were_not_made(judge: Callable[..., SuiteResult]) -> None:
    result = judge()
    assert any("ran without golive's reflow, keyboard check(s)" in note for note in result.notes)
    assert {check.id for check in result.checks}.isdisjoint({"check_reflow", "check_keyboard"})
    assert not any("ran without" in note for note in judge("accessibility.checks=[]").notes)


def test_an_own_check_that_could_not_run_names_its_cause_once(
    judge: Callable[..., SuiteResult], tmp_path: Path
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(RECORDED, folder)
    for name in ("001-mixed.json", "002-clean.json", "003-nolang.json"):
        result = json.loads((folder / "pages" / name).read_text())
        errors = {"reflow": "Execution context was destroyed"} if name != "003-nolang.json" else {}
        result["golive"] = {"ran": [] if errors else ["reflow"], "errors": errors, "violations": []}
        (folder / "pages" / name).write_text(json.dumps(result))
    assert _check(judge("accessibility.checks=['reflow']", folder=folder), "check_reflow") == (
        Status.ERROR,
        "reflow at 320 CSS px could not be checked on 2 of 3 pages: Execution context was destroyed (/mixed, /clean)",
    )


def test_the_page_table_says_chromiums_errors_in_words(judge: Callable[..., SuiteResult], tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(RECORDED, folder)
    index = json.loads((folder / "pages.json").read_text())
    broken = next(page for page in index["pages"] if page["requested"] == "/broken")
    broken.update(error=f"net::ERR_HTTP_RESPONSE_CODE_FAILURE at {BASE}/broken", http_status=404)
    (folder / "pages.json").write_text(json.dumps(index))
    result = judge(folder=folder)
    row = next(row for row in result.details["by_page"] if row["page"] == "/broken")
    assert row["error"] == "the page answered HTTP 404"
    assert (
        _check(result, "pages_loaded")[1] == "1 of 4 pages could not be audited: the page answered HTTP 404 (/broken)"
    )
