"""Building blocks shared by the parts of report.html: escaping, number formatting, badges and tables.

Every piece of text that reaches the page goes through `esc` (or a helper that calls it): findings carry raw
HTML from the audited site, and a report must never run or render it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from harness.models import Severity, Status

# Evidence and other free text from tools can be whole pages; a reader needs the gist, result.json has the rest.
MAX_TEXT = 300
# Tokens longer than this get a class that lets them wrap anywhere.
_LONG_TOKEN = 24

_STATUS_LABEL = {
    Status.PASS: ("Pass", "✓"),
    Status.WARN: ("Warning", "!"),
    Status.FAIL: ("Fail", "✗"),
    Status.ERROR: ("Error", "?"),
    Status.SKIPPED: ("Skipped", "\u2013"),
}

_SEVERITY_LABEL = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
}

# Names a delivery manager understands for common measurement words; anything else is humanised. Suites name
# their own figures in their report blocks.
_LABELS = {
    "requests": "Requests sent",
    "failures": "Failed requests",
    "error_ratio": "Error ratio",
    "rps": "Requests per second",
    "p50_ms": "Median response time (p50, ms)",
    "p90_ms": "90th percentile response time (p90, ms)",
    "p95_ms": "95th percentile response time (p95, ms)",
    "p99_ms": "99th percentile response time (p99, ms)",
    "max_ms": "Slowest response (ms)",
    "min_ms": "Fastest response (ms)",
    "avg_ms": "Average response time (ms)",
    "duration_s": "Duration (s)",
    "url": "URL",
    "name": "Name",
    "endpoint": "Endpoint",
    "share": "Share of requests",
    "summary": "Error",
    "http_status": "HTTP status",
    "needs_review": "Needs review",
    "measured_seconds": "Measured for (s)",
    "exit_code": "Exit code",
}

# Column headings must stay short: a table with ten long headings is unreadable on a phone.
_SHORT_LABELS = {
    "name": "Name",
    "requests": "Requests",
    "failures": "Failures",
    "error_ratio": "Error ratio",
    "rps": "Req/s",
    "p50_ms": "p50 (ms)",
    "p90_ms": "p90 (ms)",
    "p95_ms": "p95 (ms)",
    "p99_ms": "p99 (ms)",
    "max_ms": "Max (ms)",
    "min_ms": "Min (ms)",
    "avg_ms": "Average (ms)",
}

_THRESHOLD_WORDS = {
    "warn": ("warn", ">"),
    "fail": ("fail", ">"),
    "warn_below": ("warn", "<"),
    "fail_below": ("fail", "<"),
}


def esc(value: object) -> str:
    """HTML-escape any value's text (quotes too, so the result is safe inside attributes)."""
    return escape(str(value), quote=True)


def esc_long(value: object) -> str:
    """`esc`, marking text with a long unbroken token (a URL, a query string) as breakable anywhere.

    Breaking every word anywhere would squeeze table columns letter by letter; only long tokens need it.
    """
    text = str(value)
    escaped = esc(text)
    if any(len(token) > _LONG_TOKEN for token in text.split()):
        return f'<span class="long">{escaped}</span>'
    return escaped


def truncate(text: str, limit: int = MAX_TEXT) -> str:
    """Shorten `text` to `limit` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters in result.json)"


def slug(text: str) -> str:
    """A value fit for an id attribute, derived from a suite or section name."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned or "section"


def label_for(key: str) -> str:
    """A readable label for a metric or column key (``p95_ms`` → ``95th percentile response time (p95, ms)``)."""
    if key in _LABELS:
        return _LABELS[key]
    text = str(key)
    unit = ""
    for suffix, name in (("_ms", "ms"), ("_s", "s"), ("_pct", "%")):
        if text.endswith(suffix):
            text, unit = text[: -len(suffix)], name
            break
    text = text.replace("_", " ").strip()
    text = text[:1].upper() + text[1:] if text else str(key)
    return f"{text} ({unit})" if unit else text


def short_label(key: str) -> str:
    """A column heading for a metric key: short where a long label exists (``p95_ms`` → ``p95 (ms)``)."""
    return _SHORT_LABELS.get(key) or label_for(key)


def fmt_number(value: float) -> str:
    """Numbers as a reader expects them: thousands separated, at most a few significant decimals."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    if abs(value) < 0.001:
        # Plain decimals: "0.00006" reads better than "6e-05" to someone who is not an engineer.
        return f"{value:.8f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


def is_ratio(key: str) -> bool:
    """Metric keys holding a fraction (``error_ratio``), shown as a percentage."""
    return key.endswith("ratio") or key == "share"


def fmt_metric(key: str, value: Any, unit: str = "") -> str:
    """A metric's value as text: ratios as percentages, numbers with their unit, anything else as is."""
    if is_number(value) and is_ratio(key):
        return f"{fmt_number(value * 100)}%"
    if is_number(value):
        return fmt_number(value) + (f" {unit}" if unit else "")
    return fmt_value(value)


def fmt_value(value: Any) -> str:
    """Any scalar (or a short list) as plain, unescaped text; None reads as 'not measured'."""
    if value is None:
        return "not measured"
    if isinstance(value, bool | int | float):
        return fmt_number(value)
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(item) for item in value)
    return str(value)


def fmt_threshold(threshold: Any, key: str = "") -> str:
    """A threshold band as words: ``{"warn": 500, "fail": 1000}`` → ``warn > 500 ms, fail > 1,000 ms``.

    `key` is the metric's key, which gives the unit (``_ms``) or says the numbers are ratios.
    """
    if threshold is None or threshold == {}:
        return "none"
    if isinstance(threshold, dict):
        parts = []
        for name, value in threshold.items():
            shown = fmt_metric(key, value, unit_for(key))
            if name in _THRESHOLD_WORDS:
                word, sign = _THRESHOLD_WORDS[name]
                parts.append(f"{word} {sign} {shown}")
            else:
                parts.append(f"{label_for(str(name)).lower()}: {shown}")
        return ", ".join(parts)
    return fmt_metric(key, threshold, unit_for(key))


def unit_for(key: str) -> str:
    """The unit implied by a metric key's suffix (``p95_ms`` → ``ms``), or ''."""
    return "ms" if str(key).endswith("_ms") else ""


def status_badge(status: Status) -> str:
    """A status tag that reads without colour: a symbol (hidden from screen readers) and a word."""
    label, symbol = _STATUS_LABEL[status]
    return f'<strong class="tag tag-{status.value}"><span aria-hidden="true">{symbol} </span>{label}</strong>'


def severity_badge(severity: Severity) -> str:
    """A severity tag; the word carries the meaning, the colour only repeats it."""
    return f'<strong class="tag sev-{severity.value}">{_SEVERITY_LABEL[severity]}</strong>'


def severity_word(severity: Severity) -> str:
    """The plain word for a severity."""
    return _SEVERITY_LABEL[severity]


def safe_href(url: object) -> str | None:
    """`url` if it is an http(s) link, else None: a `javascript:` help URL must never become a link."""
    text = str(url).strip()
    if re.match(r"^https?://[^\s\"'<>]+$", text, flags=re.IGNORECASE):
        return text
    return None


def table(
    caption: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    row_headers: bool = True,
    numeric: Sequence[bool] | None = None,
    caption_hidden: bool = False,
) -> str:
    """A captioned table inside a focusable, scrollable wrapper, so a wide table never widens the page.

    `headers` are plain text (escaped here); cells in `rows` are HTML already (callers escape what they put in).
    The first cell of each row is a row header when `row_headers`. `numeric` right-aligns columns.
    """
    numeric = numeric or [False] * len(headers)
    head = "".join(f'<th scope="col"{_num_class(numeric, i)}>{esc(header)}</th>' for i, header in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            if i == 0 and row_headers:
                cells.append(f'<th scope="row"{_num_class(numeric, i)}>{cell}</th>')
            else:
                cells.append(f"<td{_num_class(numeric, i)}>{cell}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    caption_class = ' class="visually-hidden"' if caption_hidden else ""
    return (
        f'<div class="table-wrap" role="region" aria-label="{esc(caption)}" tabindex="0">'
        f"<table><caption{caption_class}>{esc(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _num_class(numeric: Sequence[bool], index: int) -> str:
    return ' class="num"' if index < len(numeric) and numeric[index] else ""


def is_number(value: object) -> bool:
    """True for ints and floats (not booleans, which are shown as yes/no)."""
    return isinstance(value, int | float) and not isinstance(value, bool)
