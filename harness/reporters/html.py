"""report.html: a self-contained, offline page for people who did not run golive.

The verdict comes first, in words, with what it means; then why; then a summary of the suites; then one
section per suite. The page loads nothing (inline CSS, inline SVG charts, no scripts), so it can be mailed,
archived or opened from a CI artefact, and it meets WCAG 2.2 AA itself. All text is escaped: findings carry
raw HTML from the audited site.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

from harness.golive_list import golive_list_for
from harness.metric_names import metric_in_words
from harness.models import Reason, RunResult, Severity, Status, SuiteResult, Verdict
from harness.reporters import golive_checklist
from harness.reporters.html_common import esc, label_for, severity_word, status_badge, table
from harness.reporters.html_suite import checks_passed, is_skipped, render_suite, suite_anchor
from harness.verdict import headline_and_notes

FILE_NAME = "report.html"

VERDICT_TEXT = {
    Verdict.READY: ("READY", "✓", "Ready: every check that was run passed. Any warnings are listed below."),
    Verdict.NOT_READY: ("NOT READY", "✗", "Not ready: at least one check failed."),
    Verdict.INCONCLUSIVE: (
        "INCONCLUSIVE",
        "?",
        "Inconclusive: nothing failed, but something could not be measured, so readiness is not shown.",
    ),
}


@cache
def _css() -> str:
    return resources.files("harness.reporters").joinpath("report.css").read_text(encoding="utf-8")


def render_html(result: RunResult) -> str:
    """The whole report as one HTML document."""
    word = VERDICT_TEXT[result.verdict][0]
    body = [
        _masthead(result),
        '<main id="main" class="width">',
        _verdict(result),
        _interrupted(result),
        _facts(result),
        _contents(result),
        _reasons(result),
        _comparison(result),
        _summary(result),
        golive_checklist.render_html_section(golive_list_for(result)),
        *(render_suite(suite) for suite in result.suites.values()),
        "</main>",
        _footer(result),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # An empty icon, so that a browser does not ask the server for /favicon.ico.
        '<link rel="icon" href="data:,">'
        f"<title>golive: {esc(word)} - {esc(result.target)}</title>"
        f"<style>{_css()}</style></head><body>{''.join(body)}</body></html>\n"
    )


def _masthead(result: RunResult) -> str:
    return (
        '<header class="masthead"><div class="width">'
        '<p class="brand">golive <span>readiness report</span></p></div></header>'
    )


def _verdict(result: RunResult) -> str:
    word, symbol, meaning = VERDICT_TEXT[result.verdict]
    css = result.verdict.value.lower().replace("_", "-")
    return (
        f'<div class="verdict verdict-{css}">'
        '<p class="verdict-kicker">Readiness verdict</p>'
        f'<h1><span aria-hidden="true" class="verdict-symbol">{symbol}</span> {esc(word)}</h1>'
        f'<p class="verdict-meaning">{esc(meaning)}</p></div>'
    )


def _interrupted(result: RunResult) -> str:
    if not result.interrupted:
        return ""
    return (
        '<div class="interrupted"><p><strong>Interrupted: results are partial.</strong> '
        "The run was stopped before it finished. Suites that did not finish are missing or incomplete, "
        "and nothing missing counts as a pass.</p></div>"
    )


def _facts(result: RunResult) -> str:
    facts = [
        ("Target", f"<code>{esc(result.target)}</code>"),
        ("Run", f"<code>{esc(result.run_id)}</code>"),
        ("Started", _time(result.started_at)),
        ("Finished", _time(result.finished_at)),
    ]
    duration = _duration(result.started_at, result.finished_at)
    if duration:
        facts.append(("Took", esc(duration)))
    if result.evaluated_at:
        # The measurements are the run's; the verdict is a later judgement of them, perhaps with another config.
        facts.append(("Verdict re-evaluated", f"{_time(result.evaluated_at)} by <code>golive evaluate</code>"))
    facts.append(("Profile", esc(result.profile) if result.profile else "none (defaults)"))
    if result.golive_version:
        facts.append(("golive version", esc(result.golive_version)))
    items = "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in facts)
    return f'<dl class="facts">{items}</dl>'


def _parse_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None


def _time(text: str) -> str:
    """An ISO time as '26 Nov 2026, 10:15:00 UTC' (readable), keeping the exact value in datetime=."""
    parsed = _parse_time(text)
    if parsed is None:
        return esc(text) if text else "unknown"
    shown = parsed.strftime("%d %b %Y, %H:%M:%S").lstrip("0")
    if parsed.utcoffset() == dt.timedelta(0):
        shown += " UTC"
    elif parsed.tzinfo is not None:
        shown += parsed.strftime(" %z")
    return f'<time datetime="{esc(text)}">{esc(shown)}</time>'


def _duration(started: str, finished: str) -> str:
    start, end = _parse_time(started), _parse_time(finished)
    if start is None or end is None or (start.tzinfo is None) != (end.tzinfo is None):
        return ""
    seconds = int((end - start).total_seconds())
    if seconds < 0:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    parts += [f"{minutes} min"] if minutes or hours else []
    parts.append(f"{secs} s")
    return " ".join(parts)


def _contents(result: RunResult) -> str:
    links = ['<a href="#why">Why</a>']
    if result.comparison is not None:
        links.append('<a href="#since">Since the previous run</a>')
    links.append('<a href="#summary">Summary of suites</a>')
    links.append(f'<a href="#{golive_checklist.ANCHOR}">{golive_checklist.TITLE}</a>')
    links += [f'<a href="#{suite_anchor(name)}">{esc(label_for(name))}</a>' for name in result.suites]
    items = "".join(f"<li>{link}</li>" for link in links)
    return f'<nav class="contents" aria-label="Contents"><h2 class="contents-title">Contents</h2><ul>{items}</ul></nav>'


def _reasons(result: RunResult) -> str:
    headline, notes = headline_and_notes(result.reasons)
    if headline:
        items = "".join(f"<li>{_reason(reason)}</li>" for reason in headline)
        body = f"<ul class='reasons'>{items}</ul>"
    else:
        body = "<p>No reasons were recorded.</p>"
    if notes:
        # Notes change nothing in the verdict; apart from the reasons, they do not dilute them.
        items = "".join(f"<li>{_reason(reason)}</li>" for reason in notes)
        body += f"<h3 id='notes'>Also worth knowing</h3><ul class='reasons notes'>{items}</ul>"
    return f'<section aria-labelledby="why"><h2 id="why">Why</h2>{body}</section>'


def _reason(reason: Reason) -> str:
    """One reason: its status as a tag, the suites that said it in bold, then the message."""
    tag = status_badge(reason.status) + " " if reason.status is not None else ""
    if reason.suites:
        names = ", ".join(label_for(suite) for suite in reason.suites)
        return f"{tag}<strong>{esc(names)}:</strong> {esc(reason.message)}"
    return f"{tag}{esc(reason.message)}"


def _number(value: object) -> object:
    """A measurement as a reader writes it: 332.0 is 332, 0.123456 is 0.1235."""
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return value


def _comparison(result: RunResult) -> str:
    """What changed since the previous run of the same target: the nightly reader's first question."""
    comparison = result.comparison
    if comparison is None:
        return ""
    previous = f"run {esc(comparison['previous_run_id'])}, verdict {esc(comparison.get('previous_verdict'))}"
    counts = [f"{esc(comparison['new_findings'])} new finding(s)", f"{esc(comparison['resolved_findings'])} resolved"]
    if "unchanged_findings" in comparison:
        counts.append(f"{esc(comparison['unchanged_findings'])} unchanged")
    if comparison.get("not_compared_findings"):
        counts.append(f"{esc(comparison['not_compared_findings'])} not compared")
    parts = [f"<p>Compared with the previous run ({previous}): {', '.join(counts)}.</p>"]
    # A finding left out of the comparison is neither new nor fixed: the reader must see why it was left out.
    reasons = comparison.get("not_compared_reasons") or {}
    if reasons:
        items = "".join(f"<li>{esc(reason)}: {esc(count)} finding(s)</li>" for reason, count in reasons.items())
        parts.append(f"<h3>Not compared</h3><ul>{items}</ul>")
    for key, title in (("new", "New findings"), ("resolved", "Resolved findings")):
        labels = comparison.get(key) or []
        if labels:
            items = "".join(f"<li>{esc(label)}</li>" for label in labels)
            parts.append(f"<h3>{title}</h3><ul>{items}</ul>")
    changes = comparison.get("metric_changes") or []
    if changes:
        rows = [
            [
                esc(label_for(change["suite"])),
                esc(metric_in_words(change["metric"])),
                esc(_number(change["before"])),
                esc(_number(change["after"])),
            ]
            for change in changes
        ]
        parts.append(
            table(
                "Measurements that changed by more than 10%",
                ["Suite", "Measurement", "Before", "Now"],
                rows,
                numeric=[False, False, True, True],
            )
        )
    return f'<section aria-labelledby="since"><h2 id="since">Since the previous run</h2>{"".join(parts)}</section>'


def _summary(result: RunResult) -> str:
    rows = [_summary_row(name, suite) for name, suite in result.suites.items()]
    if not rows:
        body = "<p>No suites were run.</p>"
    else:
        headers = ["Suite", "Status", "Checks passed", "Open findings", "Waived findings"]
        numeric = [False, False, False, False, True]
        body = table("Summary of suites", headers, rows, numeric=numeric, caption_hidden=True)
    return f'<section aria-labelledby="summary"><h2 id="summary">Summary of suites</h2>{body}</section>'


def _summary_row(name: str, suite: SuiteResult) -> list[str]:
    link = f'<a href="#{suite_anchor(name)}">{esc(label_for(name))}</a>'
    if is_skipped(suite):
        return [link, status_badge(Status.SKIPPED), "—", "—", "—"]
    passed, counted = checks_passed(suite)
    open_findings = [finding for finding in suite.findings if finding.waived is None]
    waived = len(suite.findings) - len(open_findings)
    worst = [
        f"{n} {severity_word(severity).lower()}"
        for severity in (Severity.CRITICAL, Severity.HIGH)
        if (n := sum(1 for finding in open_findings if finding.severity is severity))
    ]
    shown = str(len(open_findings)) + (f" ({', '.join(worst)})" if worst else "")
    checks = esc(golive_checklist.passed_text(suite, passed, counted))
    return [link, status_badge(suite.status), checks, esc(shown), str(waived)]


def _footer(result: RunResult) -> str:
    version = f" {esc(result.golive_version)}" if result.golive_version else ""
    return (
        '<footer class="footer"><div class="width">'
        f"<p>Written by golive{version} for run <code>{esc(result.run_id)}</code>. "
        "This page is a single file that loads nothing from the network. "
        "The complete data, including every finding, is in <code>result.json</code> in the same folder.</p>"
        "</div></footer>"
    )
