"""One suite's section of report.html: status, error, notes, metrics, checks, findings and details."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.blocks import KeyFigures
from harness.golive_list import signed_off_checks
from harness.models import Check, Status, SuiteResult
from harness.reporters.golive_checklist import SIGNED_OFF_TAG
from harness.reporters.html_blocks import key_figures, render_blocks
from harness.reporters.html_common import (
    esc,
    esc_long,
    fmt_metric,
    fmt_threshold,
    is_number,
    label_for,
    slug,
    status_badge,
    table,
    unit_for,
)
from harness.reporters.html_details import cell, generic, render_details
from harness.reporters.html_findings import render_findings


def suite_anchor(name: str) -> str:
    """The id of a suite's section, for links from the summary and the contents."""
    return f"suite-{slug(name)}"


def is_skipped(suite: SuiteResult) -> bool:
    """A suite that was not requested or not run (shown briefly, never counted)."""
    return suite.status is Status.SKIPPED


def checks_passed(suite: SuiteResult) -> tuple[int, int]:
    """(passed, counted) over the checks that were not skipped."""
    counted = [check for check in suite.checks if check.status is not Status.SKIPPED]
    return sum(1 for check in counted if check.status is Status.PASS), len(counted)


def render_suite(suite: SuiteResult) -> str:
    """The whole section for one suite; a skipped suite gets its name and the reason only."""
    anchor = suite_anchor(suite.name)
    title = esc(label_for(suite.name))
    heading = f'<h2 id="{anchor}-title">{title} {status_badge(suite.status)}</h2>'
    open_tag = f'<section class="suite" id="{anchor}" aria-labelledby="{anchor}-title">'
    if is_skipped(suite):
        reasons = "; ".join(check.message for check in suite.checks if check.message) or "not requested"
        return f"{open_tag}{heading}<p>Not run: {esc(reasons)}.</p></section>"
    parts = [
        open_tag,
        heading,
        f'<p class="lead">{esc(_status_sentence(suite))}</p>',
        _error(suite),
        _notes(suite),
        _metrics(suite),
        _checks(suite),
        render_findings(suite.findings),
        render_blocks(label_for(suite.name), suite.blocks) if suite.blocks else render_details(suite),
        "</section>",
    ]
    return "".join(parts)


def _status_sentence(suite: SuiteResult) -> str:
    passed, counted = checks_passed(suite)
    meaning = {
        Status.PASS: "Every check in this suite passed.",
        Status.WARN: "No check failed, but at least one is close to its limit.",
        Status.FAIL: "At least one check failed.",
        Status.ERROR: "At least one check could not be measured, so this suite cannot count as passed.",
        Status.SKIPPED: "This suite was not run.",
    }[suite.status]
    return f"{meaning} {passed} of {counted} check{'' if counted == 1 else 's'} passed."


def _error(suite: SuiteResult) -> str:
    if suite.error is None:
        return ""
    return (
        '<div class="error-box"><h3>This suite could not finish</h3>'
        f"<p>{esc(suite.error)}</p>"
        "<p>Anything it could not measure counts as an error, never as a pass.</p></div>"
    )


def _notes(suite: SuiteResult) -> str:
    if not suite.notes:
        return ""
    items = "".join(f"<li>{esc(note)}</li>" for note in suite.notes)
    return f'<div class="notes"><h3>Notes</h3><ul>{items}</ul></div>'


def _metrics(suite: SuiteResult) -> str:
    """Headline numbers: scalars as a definition list, nested mappings (by impact, by risk) as small tables."""
    figures = [block for block in suite.blocks if isinstance(block, KeyFigures)]
    if figures:
        return "<h3>Measurements</h3>" + "".join(key_figures(block) for block in figures)
    metrics = suite.metrics if isinstance(suite.metrics, Mapping) else {}
    if not metrics:
        return ""
    scalars = []
    nested = []
    for key, value in metrics.items():
        if isinstance(value, Mapping) or (isinstance(value, list) and any(isinstance(v, Mapping) for v in value)):
            nested.append(generic(f"{label_for(suite.name)}: {label_for(str(key)).lower()}", value, str(key)))
        else:
            shown = esc(fmt_metric(str(key), value, unit_for(str(key)))) if is_number(value) else cell(value)
            scalars.append(f"<div><dt>{esc(label_for(str(key)))}</dt><dd>{shown}</dd></div>")
    dl = f'<dl class="metrics">{"".join(scalars)}</dl>' if scalars else ""
    small = f'<div class="small-tables">{"".join(nested)}</div>' if nested else ""
    return f"<h3>Measurements</h3>{dl}{small}"


def _checks(suite: SuiteResult) -> str:
    if not suite.checks:
        return "<h3>Checks</h3><p>This suite recorded no checks.</p>"
    signed_off = signed_off_checks(suite)
    rows = [_check_row(check, check.id in signed_off) for check in suite.checks]
    caption = f"{label_for(suite.name)}: checks"
    headers = ["Check", "Status", "Measured", "Limits", "What was found"]
    return "<h3>Checks</h3>" + table(caption, headers, rows, numeric=[False, False, True, False, False])


def _check_row(check: Check, signed_off: bool = False) -> list[str]:
    name = label_for(check.id)
    shown_name = esc_long(name) if name == check.id else f"{esc_long(name)}<br><code>{esc(check.id)}</code>"
    limits = esc(fmt_threshold(check.threshold, check.id))
    return [
        shown_name,
        SIGNED_OFF_TAG if signed_off else status_badge(check.status),
        _measured(check.id, check.measured),
        limits,
        esc_long(check.message),
    ]


def _measured(key: str, value: Any) -> str:
    if value is None:
        return "not measured"
    if is_number(value):
        return esc(fmt_metric(key, value, unit_for(key)))
    return cell(value)
