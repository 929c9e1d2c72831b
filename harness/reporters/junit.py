"""junit.xml: one test case per check, so CI systems (Jenkins, GitLab, GitHub) show golive's gates as tests."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from harness.golive_list import golive_list_for
from harness.models import Check, RunResult, Status
from harness.reporters.golive_checklist import add_junit_suite

FILE_NAME = "junit.xml"


def _detail(check: Check) -> str:
    threshold = json.dumps(check.threshold) if check.threshold is not None else "none"
    return f"{check.message}\nmeasured: {check.measured}\nthreshold: {threshold}"


def render_junit(result: RunResult) -> str:
    """A <testsuites> document: a <testsuite> per suite, a <testcase> per check (warnings pass, with output)."""
    root = ET.Element("testsuites", name=f"golive {result.run_id}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for name, suite in result.suites.items():
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        element = ET.SubElement(root, "testsuite", name=f"golive.{name}")
        checks = list(suite.checks)
        if suite.error is not None:
            checks.append(Check(id="suite_error", status=Status.ERROR, message=suite.error))
        for check in checks:
            counts["tests"] += 1
            case = ET.SubElement(element, "testcase", name=check.id, classname=f"golive.{name}")
            if check.status is Status.FAIL:
                counts["failures"] += 1
                ET.SubElement(case, "failure", message=check.message, type="threshold").text = _detail(check)
            elif check.status is Status.ERROR:
                counts["errors"] += 1
                ET.SubElement(case, "error", message=check.message, type="not_measured").text = _detail(check)
            elif check.status is Status.SKIPPED:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=check.message)
            else:
                ET.SubElement(case, "system-out").text = _detail(check)
        for key, value in counts.items():
            element.set(key, str(value))
            totals[key] += value
    for key, value in add_junit_suite(root, golive_list_for(result)).items():
        totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
