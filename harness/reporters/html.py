"""report.html: a self-contained, offline page for people who did not run golive (first version)."""

from __future__ import annotations

from html import escape

from harness.models import RunResult

FILE_NAME = "report.html"


def render_html(result: RunResult) -> str:
    """Verdict first, then its reasons, then each suite's checks."""
    items = "".join(f"<li>{escape(reason)}</li>" for reason in result.reasons)
    suites = []
    for name, suite in result.suites.items():
        rows = "".join(
            f"<tr><td>{escape(check.id)}</td><td>{escape(check.status.value)}</td><td>{escape(check.message)}</td></tr>"
            for check in suite.checks
        )
        suites.append(
            f"<section><h2>{escape(name)}: {escape(suite.status.value)}</h2>"
            f"<table><thead><tr><th scope='col'>Check</th><th scope='col'>Status</th>"
            f"<th scope='col'>Details</th></tr></thead><tbody>{rows}</tbody></table></section>"
        )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>golive {escape(result.verdict.value)}: {escape(result.target)}</title></head>"
        f"<body><main><h1>Verdict: {escape(result.verdict.value)}</h1><ul>{items}</ul>{''.join(suites)}"
        "</main></body></html>\n"
    )
