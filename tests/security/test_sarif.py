"""security.sarif: the SARIF 2.1.0 subset GitHub code scanning reads."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from harness.models import Finding, RunResult, Severity, Verdict
from harness.reporters.sarif import FILE_NAME, _rule, render_sarif
from harness.settings import GoliveConfig, Waiver
from suites.security.evaluate import evaluate_security
from tests.security.test_evaluate import CLEAN_HYGIENE, TARGET, zap_record

Build = Callable[..., GoliveConfig]


def _document(make_config: Build, today: dt.date) -> dict[str, Any]:
    config = make_config()
    waiver = Waiver(rule="10109", url="*", reason="not a problem for us", expires=today)
    hygiene = {**CLEAN_HYGIENE, "main": {**CLEAN_HYGIENE["main"], "headers": {}}}
    suite = evaluate_security(hygiene, zap_record(), config.security, [waiver], today)
    run = RunResult(
        run_id="20261126T101500Z-3f2a",
        target=TARGET,
        started_at="2026-11-26T10:15:00Z",
        finished_at="2026-11-26T10:21:40Z",
        verdict=Verdict.NOT_READY,
        reasons=(),
        suites={"security": suite},
        golive_version="0.1.0",
    )
    document: dict[str, Any] = json.loads(render_sarif(run))
    return document


def test_the_document_has_the_shape_github_code_scanning_reads(make_config: Build, today: dt.date) -> None:
    document = _document(make_config, today)
    assert FILE_NAME == "security.sarif"
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-2.1.0.json")
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "golive" and driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    assert {"40012", "missing-csp", "missing-x-content-type-options"} <= set(rule_ids)
    # ZAP's "CSP header not set" on the page the hygiene checks fetched is the same finding, listed once.
    assert "10038" not in rule_ids
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"].startswith("https://")
        assert rule["properties"]["tags"][0] == "security"
        assert rule["properties"]["security-severity"] in {"9.5", "8.0", "5.5", "3.0", "0.0"}
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    assert by_id["40012"]["properties"]["security-severity"] == "8.0"
    assert by_id["missing-csp"]["properties"]["security-severity"] == "5.5"
    assert by_id["missing-x-content-type-options"]["properties"]["security-severity"] == "3.0"
    assert "How to fix" in by_id["missing-csp"]["help"]["text"]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith(TARGET)
        assert location["region"]["startLine"] == 1
        assert len(result["partialFingerprints"]["goliveFingerprint/v1"]) == 16
    levels = {result["ruleId"]: result["level"] for result in run["results"]}
    assert levels["40012"] == "error" and levels["missing-csp"] == "warning"
    assert levels["missing-x-content-type-options"] == "note"


def test_waived_findings_are_suppressed_with_the_reason(make_config: Build, today: dt.date) -> None:
    results = _document(make_config, today)["runs"][0]["results"]
    waived = [result for result in results if "suppressions" in result]
    assert [result["ruleId"] for result in waived] == ["10109"]
    suppression = waived[0]["suppressions"][0]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert suppression["justification"].startswith("not a problem for us")


def test_no_security_suite_gives_an_empty_valid_run() -> None:
    run = RunResult("r", TARGET, "", "", Verdict.INCONCLUSIVE, (), {})
    document = json.loads(render_sarif(run))
    assert document["runs"][0]["results"] == [] and document["runs"][0]["tool"]["driver"]["rules"] == []


def test_a_rule_is_tagged_with_its_own_suite_and_standards() -> None:
    security = Finding("security", "40012", Severity.HIGH, "XSS", TARGET, "f1", extra={"cwe": "79"})
    assert _rule("40012", [security])["properties"]["tags"] == ["security", "external/cwe/cwe-79"]
    assert _rule("40012", [security])["properties"]["security-severity"] == "8.0"
    image = Finding("accessibility", "image-alt", Severity.CRITICAL, "Images need alt text", TARGET, "f2",
                    extra={"wcag": ["1.1.1"]})  # fmt: skip
    descriptor = _rule("image-alt", [image])
    assert descriptor["properties"]["tags"] == ["accessibility", "wcag/1.1.1"]
    assert "security-severity" not in descriptor["properties"]
