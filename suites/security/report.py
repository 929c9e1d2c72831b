"""How the security suite's details read in the reports: figures and the rules table (harness.blocks)."""

from __future__ import annotations

from harness.blocks import Block, Column, Figure, KeyFigures, Kind, Table
from harness.models import SuiteResult

_FIGURES = (
    ("engine", "Scanner", Kind.TEXT),
    ("engine_version", "Scanner version", Kind.TEXT),
    ("urls_scanned", "URLs scanned", Kind.NUMBER),
    ("scan_duration_s", "Scan time (s)", Kind.NUMBER),
    ("zap_session", "ZAP session", Kind.TEXT),
    ("hygiene_requests", "Hygiene requests", Kind.NUMBER),
    ("hygiene_findings", "Hygiene findings", Kind.NUMBER),
    ("tls_certificate_days_left", "Days until the TLS certificate expires", Kind.NUMBER),
    ("findings_waived", "Waived findings", Kind.NUMBER),
    ("alerts_ignored_by_rules", "Alerts ignored by the rules file", Kind.NUMBER),
)
_RULES = (
    Column("rule", "Rule", Kind.CODE),
    Column("title", "What is wrong"),
    Column("severity", "Severity"),
    Column("open", "Open", Kind.NUMBER),
    Column("waived", "Waived", Kind.NUMBER),
)


def security_blocks(result: SuiteResult) -> tuple[Block, ...]:
    """The suite's report: key figures, findings by severity, and the rules that raised findings."""
    metrics = result.metrics
    figures = [
        Figure(key, label, metrics[key], kind=kind) for key, label, kind in _FIGURES if metrics.get(key) is not None
    ]
    for severity, count in (metrics.get("findings_by_severity") or {}).items():
        figures.append(Figure(f"findings_by_severity.{severity}", f"Open {severity} findings", count))
    blocks: list[Block] = [KeyFigures("Measurements", tuple(figures))]
    rules = result.details.get("rules")
    if rules:
        blocks.append(Table("By rule", _RULES, tuple(rules)))
    return tuple(blocks)
