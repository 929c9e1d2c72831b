"""security.sarif: the security findings as SARIF 2.1.0 (first version)."""

from __future__ import annotations

import json
from typing import Any

from harness.models import RunResult

FILE_NAME = "security.sarif"


def render_sarif(result: RunResult) -> str:
    """One SARIF run with a result per open security finding."""
    suite = result.suites.get("security")
    results: list[dict[str, Any]] = []
    if suite is not None:
        for finding in suite.findings:
            if finding.waived:
                continue
            results.append(
                {
                    "ruleId": finding.rule,
                    "message": {"text": finding.title},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": finding.url}}}],
                }
            )
    document = {
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{"tool": {"driver": {"name": "golive"}}, "results": results}],
    }
    return json.dumps(document, indent=2) + "\n"
