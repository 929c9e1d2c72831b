"""How the accessibility suite's details read in the reports: figures and tables (harness.blocks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.blocks import Block, Column, Figure, KeyFigures, Kind, Table
from harness.models import SuiteResult

IMPACTS = ("critical", "serious", "moderate", "minor")

_FIGURES = (
    ("pages_audited", "Pages audited"),
    ("pages_failed", "Pages that could not be audited"),
    ("pages_reused", "Pages reused (unchanged)"),
    ("journeys", "Journeys"),
    ("journey_states_audited", "Journey states audited"),
    ("violations", "Open violations"),
    ("waived", "Waived violations"),
    ("needs_review", "Needs review"),
    ("needs_review_golive", "Needs review (golive's own checks)"),
)
_BY_RULE = (
    Column("rule", "Rule", Kind.CODE),
    Column("title", "What is wrong"),
    Column("wcag", "WCAG"),
    Column("impact", "Impact"),
    Column("count", "Count", Kind.NUMBER),
    Column("waived", "Waived", Kind.NUMBER),
    Column("pages", "Pages"),
)
# What golive's own checks could not decide: never a failure, listed with its evidence for a person to look at.
_NEEDS_REVIEW = (
    Column("page", "Page"),
    Column("rule", "Rule", Kind.CODE),
    Column("wcag", "WCAG"),
    Column("selector", "Element", Kind.CODE),
    Column("reason", "Why it needs review"),
)
_BY_PAGE = (
    Column("page", "Page"),
    Column("ended_on", "Ended on (after a redirect)"),
    Column("status", "Status"),
    Column("http_status", "HTTP status", Kind.NUMBER),
    *(Column(f"violations.{impact}", impact.capitalize(), Kind.NUMBER) for impact in IMPACTS),
    Column("needs_review", "Needs review", Kind.NUMBER),
    Column("error", "Problem"),
    Column("reused", "Reused"),
    Column("screenshot", "Screenshot", Kind.LINK),
)


def _flat(row: Mapping[str, Any]) -> dict[str, Any]:
    flat = dict(row)
    for impact, count in (row.get("violations") or {}).items():
        flat[f"violations.{impact}"] = count
    return flat


def accessibility_blocks(result: SuiteResult) -> tuple[Block, ...]:
    """The suite's report: key figures, violations by impact and by rule, what needs review, pages."""
    metrics = result.metrics
    blocks: list[Block] = []
    figures = [Figure(key, label, metrics[key]) for key, label in _FIGURES if metrics.get(key) is not None]
    by_impact = metrics.get("by_impact") or {}
    figures += [
        Figure(f"by_impact.{impact}", f"{impact.capitalize()} violations", by_impact.get(impact, 0))
        for impact in IMPACTS
    ]
    if metrics.get("axe_version"):
        figures.append(Figure("axe_version", "axe-core version", metrics["axe_version"], kind=Kind.TEXT))
    blocks.append(KeyFigures("Measurements", tuple(figures)))
    details = result.details
    if details.get("by_rule"):
        blocks.append(Table("Violations by rule", _BY_RULE, tuple(details["by_rule"])))
    if details.get("needs_review"):
        note = "golive's own checks could not decide these; they never fail the verdict."
        blocks.append(Table("Needs review", _NEEDS_REVIEW, tuple(details["needs_review"]), note))
    if details.get("by_page"):
        rows = tuple(_flat(row) for row in details["by_page"])
        # Where a page ended, or whose audit it reused, is worth a column only when some page has one.
        unused = {key for key in ("ended_on", "reused") if not any(row.get(key) for row in rows)}
        columns = tuple(column for column in _BY_PAGE if column.key not in unused)
        blocks.append(Table("Violations by page", columns, rows))
    return tuple(blocks)
