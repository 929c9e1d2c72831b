"""The findings part of a suite's section: open findings by severity then rule, waived ones listed apart."""

from __future__ import annotations

from collections.abc import Sequence

from harness.models import SEVERITY_ORDER, Finding, Severity
from harness.reporters.html_common import esc, safe_href, severity_badge, severity_word, truncate

# A rule can match thousands of elements; the first ones show the pattern, result.json holds them all.
MAX_INSTANCES = 50
MAX_URLS = 20
# Tool-supplied prose shown once per rule, when a finding carries it in its extra fields.
_PROSE_KEYS = (("description", "What it means"), ("solution", "How to fix it"))


def render_findings(findings: Sequence[Finding]) -> str:
    """A heading, a one-line count, the open findings by severity and rule, then the waived ones."""
    open_findings = [finding for finding in findings if finding.waived is None]
    waived = [finding for finding in findings if finding.waived is not None]
    parts = ["<h3>Findings</h3>", f"<p>{esc(count_sentence(open_findings, waived))}</p>"]
    for severity in SEVERITY_ORDER:
        group = [finding for finding in open_findings if finding.severity is severity]
        if group:
            parts.append(f"<h4>{esc(severity_word(severity))} ({len(group)})</h4>")
            parts.extend(_rule_group(rule_findings) for rule_findings in _by_rule(group))
    if waived:
        parts.append(f"<h4>Waived findings ({len(waived)})</h4>")
        parts.append(
            "<p>These are known issues that someone accepted, with a reason and an expiry date. "
            "They do not count against the verdict, but they are still problems.</p>"
        )
        ordered = sorted(waived, key=lambda finding: SEVERITY_ORDER.index(finding.severity))
        parts.extend(_rule_group(rule_findings) for rule_findings in _by_rule(ordered))
    return "".join(parts)


def count_sentence(open_findings: Sequence[Finding], waived: Sequence[Finding]) -> str:
    """``"5 open findings (1 critical, 4 high) and 2 waived."`` — the counts a reader looks for first."""
    if not open_findings and not waived:
        return "No findings."
    counts = [
        f"{n} {severity_word(severity).lower()}"
        for severity in SEVERITY_ORDER
        if (n := sum(1 for finding in open_findings if finding.severity is severity))
    ]
    text = f"{len(open_findings)} open finding{'' if len(open_findings) == 1 else 's'}"
    if counts:
        text += f" ({', '.join(counts)})"
    return f"{text} and {len(waived)} waived."


def _by_rule(findings: Sequence[Finding]) -> list[list[Finding]]:
    """Group findings by (severity, rule), keeping the order in which each group first appears."""
    groups: dict[tuple[Severity, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.severity, finding.rule), []).append(finding)
    return list(groups.values())


def _rule_group(findings: Sequence[Finding]) -> str:
    first = findings[0]
    urls = list(dict.fromkeys(finding.url for finding in findings))
    waived = first.waived is not None
    marker = '<strong class="tag tag-waived">Waived</strong> ' if waived else ""
    occurrences = f"{len(findings)} occurrence{'' if len(findings) == 1 else 's'}"
    pages = f"{len(urls)} URL{'' if len(urls) == 1 else 's'}"
    summary = (
        f"<summary>{severity_badge(first.severity)} {marker}<span class='finding-title'>{esc(first.title)}</span>"
        f"<span class='finding-meta'>Rule <code>{esc(first.rule)}</code> · {occurrences} on {pages}</span></summary>"
    )
    body = [_waiver_reasons(findings) if waived else "", _help(first), _prose(first), _urls(urls)]
    body.append(_instances(findings))
    return f'<details class="finding">{summary}<div class="finding-body">{"".join(body)}</div></details>'


def _waiver_reasons(findings: Sequence[Finding]) -> str:
    reasons = list(dict.fromkeys(finding.waived for finding in findings if finding.waived is not None))
    items = "".join(f"<li>Waived: {esc(truncate(reason))}</li>" for reason in reasons)
    return f'<ul class="waiver-reasons">{items}</ul>'


def _help(finding: Finding) -> str:
    if not finding.help_url:
        return ""
    href = safe_href(finding.help_url)
    if href is None:
        return f"<p>Guidance: {esc(truncate(finding.help_url))}</p>"
    name = f"{finding.title} (rule {finding.rule})"
    return f'<p><a class="help-link" href="{esc(href)}" rel="noreferrer">How to fix: {esc(truncate(name, 120))}</a></p>'


def _prose(finding: Finding) -> str:
    parts = []
    for key, label in _PROSE_KEYS:
        value = finding.extra.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(f"<p><strong>{label}:</strong> {esc(truncate(value.strip(), 600))}</p>")
    return "".join(parts)


def _urls(urls: Sequence[str]) -> str:
    # URLs are shown as text, not links: the report must not send its reader to the audited site by accident.
    items = "".join(f"<li><code>{esc(truncate(url, 200))}</code></li>" for url in urls[:MAX_URLS])
    more = f"<li>… and {len(urls) - MAX_URLS} more</li>" if len(urls) > MAX_URLS else ""
    return f'<p class="label">Affected URLs</p><ul class="urls">{items}{more}</ul>'


def _instances(findings: Sequence[Finding]) -> str:
    """Each occurrence as a short definition list: a list reflows on a phone where a table of code cannot."""
    if not any(finding.selector or finding.evidence for finding in findings):
        return ""
    items = []
    for finding in findings[:MAX_INSTANCES]:
        rows = [("URL", finding.url), ("Element", finding.selector), ("Evidence", finding.evidence)]
        shown = "".join(
            f"<div><dt>{name}</dt><dd><code>{esc(truncate(value))}</code></dd></div>" for name, value in rows if value
        )
        items.append(f"<li><dl>{shown}</dl></li>")
    note = ""
    if len(findings) > MAX_INSTANCES:
        note = f"<p>Showing the first {MAX_INSTANCES} of {len(findings)}; result.json lists them all.</p>"
    return f'<p class="label">Occurrences</p><ol class="occurrences">{"".join(items)}</ol>{note}'
