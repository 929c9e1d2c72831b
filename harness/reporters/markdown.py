"""summary.md: a short summary fit for a CI job summary or a pull-request comment."""

from __future__ import annotations

from typing import Any

from harness.comparison import describe
from harness.golive_list import golive_list_for
from harness.models import RunResult, Status, Verdict
from harness.reporters.golive_checklist import passed_text, render_markdown_section
from harness.verdict import headline_and_notes

FILE_NAME = "summary.md"

_VERDICT_ICON = {Verdict.READY: "✅", Verdict.NOT_READY: "❌", Verdict.INCONCLUSIVE: "⚠️"}
_STATUS_LABEL = {
    Status.PASS: "✅ pass",
    Status.WARN: "⚠️ warn",
    Status.FAIL: "❌ fail",
    Status.ERROR: "⛔ error",
    Status.SKIPPED: "⏭️ skipped",
}
# A pull-request comment should stay readable; the full list is in report.html.
_MAX_REASONS = 15


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(result: RunResult) -> str:
    """Verdict, reasons, and one row per suite with its headline numbers."""
    lines = [
        f"## golive: {_VERDICT_ICON[result.verdict]} {result.verdict.value}",
        "",
        f"Target `{result.target}` · run `{result.run_id}` · {result.started_at} to {result.finished_at}"
        + (f" · profile `{result.profile}`" if result.profile else ""),
        "",
    ]
    if result.interrupted:
        lines += ["> **The run was interrupted; results are partial.**", ""]
    if result.evaluated_at:
        lines += [f"Verdict re-evaluated {result.evaluated_at} by `golive evaluate` from the run's measurements.", ""]
    headline, notes = headline_and_notes(result.reasons)
    for title, reasons in (("### Why", headline), ("#### Also worth knowing", notes)):
        if reasons:
            lines.append(title)
            lines += [f"- {_cell(reason.text())}" for reason in reasons[:_MAX_REASONS]]
            if len(reasons) > _MAX_REASONS:
                lines.append(f"- … and {len(reasons) - _MAX_REASONS} more (see report.html)")
            lines.append("")
    if result.comparison is not None:
        lines += _comparison(result.comparison)
    lines += ["| Suite | Status | Checks | Findings (open / waived) |", "|---|---|---|---|"]
    for name, suite in result.suites.items():
        counted = [check for check in suite.checks if check.status is not Status.SKIPPED]
        passed = sum(1 for check in counted if check.status is Status.PASS)
        waived = sum(1 for finding in suite.findings if finding.waived)
        checks = passed_text(suite, passed, len(counted), "{passed}/{counted} passed") if counted else "none"
        findings = f"{len(suite.findings) - waived} / {waived}"
        lines.append(f"| {name} | {_STATUS_LABEL[suite.status]} | {checks} | {findings} |")
    lines += ["", *render_markdown_section(golive_list_for(result))]
    lines += ["Full report: `report.html` in the run folder.", ""]
    return "\n".join(lines)


def _comparison(comparison: dict[str, Any]) -> list[str]:
    lines = ["### Since the previous run", "", describe(comparison), ""]
    lines += [f"- new: {_cell(label)}" for label in comparison.get("new", [])[:_MAX_REASONS]]
    lines += [f"- resolved: {_cell(label)}" for label in comparison.get("resolved", [])[:_MAX_REASONS]]
    for change in comparison.get("metric_changes", [])[:_MAX_REASONS]:
        lines.append(f"- {change['suite']} {change['metric']}: {change['before']:g} → {change['after']:g}")
    return [*lines, ""]
