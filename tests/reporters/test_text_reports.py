"""result.json, summary.md and junit.xml rendered from a recorded run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.golive_list import TOPICS
from harness.redaction import Redactor
from harness.reporters import write_reports
from harness.reporters.json_report import render_json
from harness.reporters.junit import render_junit
from harness.reporters.markdown import render_markdown
from tests.reporters.sample import sample_run


def test_result_json_has_the_contract_fields() -> None:
    data = json.loads(render_json(sample_run()))
    for key in ("schema_version", "run_id", "target", "started_at", "finished_at", "verdict", "reasons", "suites"):
        assert key in data
    assert data["schema_version"] == 2
    assert data["reasons"][0] == {
        "status": "fail",
        "suites": ["performance"],
        "check": "p95_ms",
        "message": "p95 latency 1240 ms > 1000 ms",
    }
    performance = data["suites"]["performance"]
    assert performance["status"] == "fail"
    assert performance["checks"][0] == {
        "id": "p95_ms",
        "status": "fail",
        "measured": 1240,
        "threshold": {"warn": 500, "fail": 1000},
        "message": "p95 latency 1240 ms > 1000 ms",
    }
    assert data["suites"]["security"]["status"] == "error"
    assert data["suites"]["security"]["error"].startswith("ZAP not reachable")
    waived = data["suites"]["accessibility"]["findings"][1]
    assert waived["waived"] is True
    assert "logo replaced" in waived["waiver_reason"]
    assert data["suites"]["extra"]["status"] == "skipped"


def test_summary_is_short_and_leads_with_the_verdict() -> None:
    text = render_markdown(sample_run())
    assert text.splitlines()[0] == "## golive: ❌ NOT_READY"
    assert "- performance: p95 latency 1240 ms > 1000 ms (fail)" in text
    assert "| performance | ❌ fail | 1/2 passed | 0 / 0 |" in text
    assert "| accessibility | ⚠️ warn | 0/1 passed | 1 / 1 |" in text
    assert "interrupted" not in text
    assert "interrupted" in render_markdown(sample_run(interrupted=True))


def test_junit_has_one_case_per_check_with_measured_and_threshold() -> None:
    root = ET.fromstring(render_junit(sample_run()))
    assert root.tag == "testsuites"
    suites = {element.get("name"): element for element in root.iter("testsuite")}
    performance = suites["golive.performance"]
    assert performance.get("tests") == "2"
    assert performance.get("failures") == "1"
    failure = performance.find("testcase[@name='p95_ms']/failure")
    assert failure is not None
    assert failure.get("message") == "p95 latency 1240 ms > 1000 ms"
    assert "measured: 1240" in (failure.text or "")
    assert '"fail": 1000' in (failure.text or "")
    security = suites["golive.security"]
    assert security.get("errors") == "1"
    assert suites["golive.extra"].get("skipped") == "1"
    # Five checks, plus one case per go-live topic in the go-live checklist's own test suite.
    assert root.get("tests") == str(5 + len(TOPICS))


def test_write_reports_writes_every_file_and_masks_secrets(tmp_path: Path) -> None:
    written = write_reports(sample_run(), tmp_path, Redactor(["127.0.0.1:8090"]))
    names = sorted(path.name for path in written)
    assert names == ["junit.xml", "report.html", "result.json", "security.sarif", "summary.md"]
    for path in written:
        assert "127.0.0.1:8090" not in path.read_text()
