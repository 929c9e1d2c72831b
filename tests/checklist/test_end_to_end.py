"""`golive run --suite availability --suite checklist` against a local service, read as a user reads the outputs."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.checklist.samples import COVERAGE_PY, JUNIT_PYTEST
from tests.support import Route, run_golive, serve

pytestmark = pytest.mark.integration

STATEMENT = """<!DOCTYPE html><html lang="en"><title>Accessibility statement</title><main>
<h1>Accessibility statement for Apply for a licence</h1>
<h2>Compliance status</h2><p>This website is partially compliant with the Web Content Accessibility Guidelines
version 2.2 AA standard, due to the non-compliances listed below.</p>
<h2>Reporting accessibility problems with this website</h2><p>Email accessibility@example.gov.uk.</p></main></html>"""
SECRET = "Bearer s3cret-token-value"


def config(tmp_path: Path, elsewhere: str) -> Path:
    today = dt.date.today()
    text = f"""
[target]
headers = {{ Authorization = "{SECRET}" }}

[availability]
urls = ["/"]

[[checklist.items]]
id = "unit-coverage"
title = "Unit test line coverage"
kind = "coverage"
path = "coverage.xml"
min = 0.8

[[checklist.items]]
id = "unit-tests"
title = "Automated tests pass"
kind = "junit"
path = "junit/*.xml"

[[checklist.items]]
id = "pen-test"
title = "Independent penetration test report"
topic = "security-assessment"
kind = "file"
path = "evidence/pen-test.pdf"
max_age_days = 365

[[checklist.items]]
id = "accessibility-statement"
title = "Accessibility statement"
topic = "accessibility-audit"
kind = "url"
url = "/accessibility-statement"
expect_text = ["compliant with the Web Content Accessibility Guidelines", "accessibility problems"]

[[checklist.items]]
id = "support-contact"
title = "Support contact page"
topic = "exclusion-risks"
kind = "url"
url = "/contact"
expect_text = ["telephone"]

[[checklist.items]]
id = "kpis"
title = "Metrics and KPIs agreed"
topic = "metrics"
kind = "attestation"
by = "Ana Silva, service owner"
date = {today.isoformat()}
note = "completion rate and satisfaction on the performance dashboard"

[[checklist.items]]
id = "monitoring-on-call"
title = "Uptime monitoring and on-call in place"
topic = "uptime-monitoring"
kind = "attestation"
by = ""
"""
    (tmp_path / "coverage.xml").write_text(COVERAGE_PY.format(valid=100, covered=86, line_rate=0.86), encoding="utf-8")
    (tmp_path / "junit").mkdir()
    (tmp_path / "junit" / "unit.xml").write_text(JUNIT_PYTEST.format(failures=0, failure=""), encoding="utf-8")
    path = tmp_path / "golive.toml"
    path.write_text(text, encoding="utf-8")
    assert elsewhere
    return path


def test_the_go_live_list_in_every_output(tmp_path: Path) -> None:
    contact_headers: list[str | None] = []

    def contact(handler: BaseHTTPRequestHandler) -> Route:
        contact_headers.append(handler.headers.get("Authorization"))
        return Route("<html lang='en'><title>Contact</title><p>Call us on telephone 0300 000 0000</p></html>")

    with serve({"/contact": contact}) as other:
        routes = {
            "/": Route("<!DOCTYPE html><html lang='en'><title>Apply</title><h1>Apply</h1></html>"),
            "/accessibility-statement": Route(STATEMENT),
            # The support page lives on another origin: the target's credentials must not follow the redirect.
            "/contact": Route("", 302, headers={"Location": f"{other.url}/contact"}),
        }
        with serve(routes) as site:
            path = config(tmp_path, other.url)
            out = tmp_path / "reports"
            done = run_golive(
                "run", "--suite", "availability", "--suite", "checklist", "--target", site.url,
                "--config", str(path), "--out", str(out), "--set", 'availability.window="1s"',
                cwd=tmp_path, timeout=120,
            )  # fmt: skip
    assert done.returncode == 1, done.stderr
    run_dir = out / "latest"
    result = json.loads((run_dir / "result.json").read_text(encoding="utf-8"))
    checks = {check["id"]: check for check in result["suites"]["checklist"]["checks"]}
    assert {key: check["status"] for key, check in checks.items()} == {
        "unit-coverage": "pass",
        "unit-tests": "pass",
        "pen-test": "fail",
        "accessibility-statement": "pass",
        "support-contact": "pass",
        "kpis": "pass",
        "monitoring-on-call": "fail",
    }
    assert "expected a document at evidence/pen-test.pdf, found no such file" in checks["pen-test"]["message"]
    assert contact_headers == [None]
    assert result["suites"]["availability"]["status"] == "pass"

    html = (run_dir / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="golive-checklist"') : html.index("</section>", html.index('id="golive-checklist"'))]
    assert "Signed off" in section and "signed off by Ana Silva, service owner" in section
    assert "Not covered" in section and "Continued vulnerability and performance testing" in section
    assert "[evidence]" in section and "[measured]" in section and "[sign-off]" in section

    summary = (run_dir / "summary.md").read_text(encoding="utf-8")
    assert "### Go-live checklist" in summary
    assert "| Metrics to measure success | signed off | sign-off |" in summary
    assert "| Continued vulnerability and performance testing | **not covered** |" in summary

    junit = ET.fromstring((run_dir / "junit.xml").read_text(encoding="utf-8"))
    golive_suite = next(s for s in junit.iter("testsuite") if s.get("name") == "golive.go-live-checklist")
    assert golive_suite.find("testcase[@name='security-assessment']/failure") is not None
    assert golive_suite.find("testcase[@name='continued-testing']/skipped") is not None

    for written in run_dir.rglob("*"):
        if written.is_file():
            assert "s3cret-token-value" not in written.read_text(encoding="utf-8", errors="replace")
