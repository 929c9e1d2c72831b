"""evaluate_security on recorded artifacts: pure, no network."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.fingerprint import fingerprint
from harness.models import Status, SuiteResult
from harness.settings import GoliveConfig, Waiver
from suites.security.evaluate import NOT_REQUIRED_NOTE, evaluate_security, zap_findings
from suites.security.zap_rules import RuleAction, RulesFileError, load_rules, parse_rules
from tests.security.zap_stub import alert, default_alerts
from tests.support import REPO_ROOT

TARGET = "http://127.0.0.1:8000"
Build = Callable[..., GoliveConfig]


def zap_record(alerts: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """A zap_alerts.json as a completed baseline scan saves it."""
    items = default_alerts() if alerts is None else alerts
    record: dict[str, Any] = {
        "engine": "zap",
        "api_url": "http://127.0.0.1:8090",
        "target": TARGET,
        "mode": "baseline",
        "reachable": True,
        "error": None,
        "error_kind": None,
        "hint": "start it with `docker run ...`",
        "zap_version": "2.16.0",
        "spider": {"status": 100, "completed": True, "urls": [TARGET + "/"], "urls_found": 3},
        "passive_scan": {"completed": True, "records_left": 0},
        "alerts": [
            {k: v.replace("{target}", TARGET) if isinstance(v, str) else v for k, v in a.items()} for a in items
        ],
    }
    record.update(overrides)
    return record


UNREACHABLE = {
    "engine": "zap",
    "reachable": False,
    "error": "ZAP not reachable at http://127.0.0.1:8090: connection refused",
    "error_kind": "unreachable",
    "hint": "start it with `docker run -p 127.0.0.1:8090:8090 ghcr.io/zaproxy/zaproxy:stable zap.sh -daemon`",
}
CLEAN_HYGIENE: dict[str, Any] = {
    "target": TARGET,
    "scheme": "http",
    "error": None,
    "requests": 11,
    "main": {"url": TARGET, "status": 200, "headers": {
        "content-security-policy": "default-src 'self'; frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
    }, "cookies": []},
    "probes": [],
    "security_txt": {"url": TARGET + "/.well-known/security.txt", "status": 200, "has_contact": True},
}  # fmt: skip


def judge(config: GoliveConfig, zap: dict[str, Any] | None, today: dt.date, **kwargs: Any) -> SuiteResult:
    """Evaluate with clean hygiene observations unless told otherwise."""
    hygiene = kwargs.pop("hygiene", CLEAN_HYGIENE)
    return evaluate_security(hygiene, zap, config.security, config.waivers, today, **kwargs)


def status_of(result: SuiteResult, check_id: str) -> Status:
    """The status of one check."""
    return next(check.status for check in result.checks if check.id == check_id)


def test_zap_alerts_map_to_findings(make_config: Build, today: dt.date) -> None:
    result = judge(make_config(), zap_record(), today)
    zap = [f for f in result.findings if f.extra.get("source") == "zap"]
    assert [(f.rule, f.severity.value) for f in zap] == [
        ("40012", "high"),
        ("10038", "medium"),
        ("10021", "low"),
        ("10109", "info"),
    ]
    xss = zap[0]
    assert xss.fingerprint == fingerprint("security", "40012", TARGET + "/search?q=x", "q")
    assert xss.help_url == "https://www.zaproxy.org/docs/alerts/40012/"
    assert xss.extra["solution"] == "Fix Cross Site Scripting (Reflected)."
    assert xss.extra["cwe"] == "693"
    assert result.metrics["alerts_by_risk"] == {"High": 1, "Medium": 1, "Low": 1, "Informational": 1}
    assert result.metrics["engine"] == "zap" and result.metrics["urls_scanned"] == 3
    assert status_of(result, "severity_high") is Status.FAIL
    assert status_of(result, "severity_medium") is Status.WARN
    assert status_of(result, "severity_low") is Status.PASS
    assert result.status is Status.FAIL
    checks = {check.id: check for check in result.checks}
    assert (checks["severity_high"].message, checks["severity_high"].threshold) == (
        "1 open high finding (Cross Site Scripting (Reflected) [ZAP 40012]) > 0 allowed",
        {"fail": 0},
    )
    assert checks["severity_medium"].threshold == {"warn": 0}
    assert checks["severity_low"].message.endswith("[ZAP 10021]) (not gated)")
    assert checks["severity_critical"].message == "no critical findings"


def test_required_and_unreachable_is_an_error_with_one_line(make_config: Build, today: dt.date) -> None:
    result = judge(make_config(), UNREACHABLE, today)
    check = next(check for check in result.checks if check.id == "zap_scan")
    assert check.status is Status.ERROR
    assert check.message == (
        "ZAP not reachable at http://127.0.0.1:8090: connection refused; start it with "
        "`docker run -p 127.0.0.1:8090:8090 ghcr.io/zaproxy/zaproxy:stable zap.sh -daemon` "
        "or set security.zap.required = false"
    )
    assert result.status is Status.ERROR
    assert result.metrics["engine"] == "hygiene-only"


def test_not_required_and_unreachable_is_skipped_with_a_note(make_config: Build, today: dt.date) -> None:
    result = judge(make_config("security.zap.required=false"), UNREACHABLE, today)
    assert status_of(result, "zap_scan") is Status.SKIPPED
    expected = NOT_REQUIRED_NOTE.format(engine="ZAP", key="security.zap.required")
    assert any(note.startswith(expected) for note in result.notes)
    assert result.status is Status.PASS


def test_zero_urls_spidered_is_never_a_pass(make_config: Build, today: dt.date) -> None:
    record = zap_record(spider={"status": 100, "completed": True, "urls": [], "urls_found": 0})
    result = judge(make_config(), record, today)
    assert status_of(result, "zap_scan") is Status.ERROR
    assert "found 0 URLs" in next(c.message for c in result.checks if c.id == "zap_scan")
    assert not any(f.extra.get("source") == "zap" for f in result.findings)


def test_a_partial_scan_is_never_a_silent_pass(make_config: Build, today: dt.date) -> None:
    partial = ["passive scan stopped at its 300s deadline (12 records left unscanned)"]
    record = zap_record(passive_scan={"completed": False, "records_left": 12}, partial=partial)
    result = judge(make_config(), record, today)
    check = next(check for check in result.checks if check.id == "zap_scan")
    assert check.status is Status.WARN
    assert "is partial (passive scan stopped at its 300s deadline" in check.message
    assert any(note.startswith("ZAP's scan is partial: passive scan stopped") for note in result.notes)
    assert result.metrics["scan_partial"] is True
    assert status_of(result, "severity_high") is Status.FAIL  # what was found still counts
    strict = judge(make_config('security.zap.partial="error"'), record, today)
    assert status_of(strict, "zap_scan") is Status.ERROR
    relaxed = judge(make_config("security.zap.required=false"), record, today)
    assert status_of(relaxed, "zap_scan") is Status.PASS and relaxed.notes


def test_an_older_record_with_an_unfinished_phase_is_partial(make_config: Build, today: dt.date) -> None:
    record = zap_record(passive_scan={"completed": False, "records_left": 12})
    assert status_of(judge(make_config(), record, today), "zap_scan") is Status.WARN


def test_risk_actions_decide_for_alerts_no_rules_file_line_covers(make_config: Build, today: dt.date) -> None:
    config = make_config('security.zap.risk_actions={Informational="IGNORE", Low="FAIL"}')
    rules = parse_rules("10021\tINFO\tXCTO\n")
    result = judge(config, zap_record(), today, rules=rules)
    rules_seen = {f.rule for f in result.findings}
    assert "10109" not in rules_seen  # Informational ignored: never in the findings, only counted
    assert result.metrics["alerts_ignored_by_rules"] == 1
    assert status_of(result, "zap_rules") is Status.PASS  # the rules-file line (INFO) beats the risk action


def test_risk_actions_are_validated(make_config: Build) -> None:
    from harness.config_loader import ConfigError

    with pytest.raises(ConfigError, match=r"security\.zap\.risk_actions"):
        make_config('security.zap.risk_actions={High="BLOCK"}')


def test_nothing_measured_makes_the_gates_errors(make_config: Build, today: dt.date) -> None:
    result = judge(make_config("security.zap.required=false"), UNREACHABLE, today, hygiene={"enabled": False})
    assert status_of(result, "severity_high") is Status.ERROR
    assert result.metrics["engine"] == "none"


def test_a_waiver_marks_the_finding_and_an_expired_one_says_so(make_config: Build, today: dt.date) -> None:
    config = make_config()
    waiver = Waiver(rule="40012", url=TARGET + "/search*", reason="fixed in 2.3", expires=today)
    waived = judge(config.model_copy(update={"waivers": [waiver]}), zap_record(), today)
    assert status_of(waived, "severity_high") is Status.PASS
    assert next(f for f in waived.findings if f.rule == "40012").waived == "fixed in 2.3 (waived until 2026-11-26)"
    expired = judge(config.model_copy(update={"waivers": [waiver]}), zap_record(), today + dt.timedelta(days=1))
    assert status_of(expired, "severity_high") is Status.FAIL
    assert any("expired on 2026-11-26" in note for note in expired.notes)


def test_a_rules_file_overrides_the_severity_gate(make_config: Build, today: dt.date) -> None:
    rules = parse_rules("# comment\n40012\tIGNORE\tXSS\n10021\tFAIL\tXCTO\n10038\tINFO\tCSP\n")
    result = judge(make_config(), zap_record(), today, rules=rules)
    assert "40012" not in {f.rule for f in result.findings}
    assert result.metrics["alerts_ignored_by_rules"] == 1
    assert status_of(result, "severity_high") is Status.PASS
    assert status_of(result, "severity_medium") is Status.PASS  # 10038 is INFO now
    assert status_of(result, "zap_rules") is Status.FAIL


def test_rules_file_errors_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(RulesFileError, match=r"rules:2: action 'BLOCK'"):
        parse_rules("10021\tWARN\tok\n10038\tBLOCK\tCSP\n", "rules")
    with pytest.raises(RulesFileError, match="not found"):
        load_rules(str(tmp_path / "missing.tsv"))
    scoped = parse_rules("10021\tOUTOFSCOPE\t/static/.*\n")
    findings, _, ignored = zap_findings(
        [alert("10021", "XCTO", "Low", "/static/a.js") | {"url": TARGET + "/static/a.js"}], scoped
    )
    assert findings == [] and ignored == 1


def test_the_shipped_rules_file_parses() -> None:
    rules = load_rules(str(REPO_ROOT / "config" / "zap-rules.tsv"))
    assert rules.actions and all(isinstance(action, RuleAction) for action in rules.actions.values())
