"""Suite-specific extras (SuiteResult.details): per-endpoint tables, error lists, timelines, groupings.

Suites decide what they put in `details`, and its shape may change as they evolve, so nothing here trusts a
shape: known keys get a purpose-built rendering when they look as expected, anything else a generic table or
list, and a part that still cannot be shown is replaced by a sentence instead of breaking the whole report.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.models import SuiteResult
from harness.reporters.html_charts import render_timeline
from harness.reporters.html_common import (
    esc,
    esc_long,
    fmt_metric,
    fmt_value,
    is_number,
    is_ratio,
    label_for,
    short_label,
    table,
    truncate,
)

# Generic tables stop here; the full data is in result.json.
MAX_ROWS = 500
MAX_OUTPUT = 3000


@dataclass(frozen=True)
class Layout:
    """How to show a list of records: columns to put first, columns to leave out (result.json keeps them), and
    columns to leave out when another one says the same more briefly (``error`` when there is a ``summary``)."""

    first: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    redundant: tuple[tuple[str, str], ...] = ()
    # Columns holding a file path relative to the run folder (where report.html is), shown as a link.
    links: tuple[str, ...] = ()


_ENDPOINTS = Layout(
    first=("endpoint", "name", "requests", "failures", "error_ratio", "rps", "p50_ms", "p90_ms", "p95_ms", "p99_ms"),
    redundant=(("name", "endpoint"), ("method", "endpoint")),
)
_ERRORS = Layout(
    first=("summary", "message", "error", "endpoint", "name", "count", "occurrences", "share"),
    redundant=(("error", "summary"),),
)
_BY_RULE = Layout(first=("rule", "title", "impact", "count", "waived", "pages"), hide=("help_url",))
_BY_PAGE = Layout(
    first=("page", "url", "status", "http_status", "violations"),
    hide=("final_url", "result_file", "timing", "source"),
    redundant=(("url", "page"),),
    links=("screenshot",),
)

# Headings for keys suites are known to use; other keys are humanised.
_TITLES = {
    "timeline": "Over time",
    "endpoints": "Per endpoint",
    "errors": "Errors",
    "by_rule": "Violations by rule",
    "by_page": "Violations by page",
    "rules": "By rule",
    "run": "About the run",
    "exceptions": "Exceptions",
    "stderr_tail": "Last lines of the tool's error output",
}


def render_details(suite: SuiteResult) -> str:
    """The suite's details under one heading, known keys first; '' when there are none."""
    details = suite.details
    if not isinstance(details, Mapping) or not details:
        return ""
    thresholds = {check.id: check.threshold for check in suite.checks}
    known: dict[str, Callable[[str, Any], str]] = {
        "timeline": lambda caption, value: _timeline(value, thresholds),
        "endpoints": lambda caption, value: records_table(caption, value, _ENDPOINTS),
        "errors": lambda caption, value: records_table(caption, value, _ERRORS),
        "by_rule": lambda caption, value: records_table(caption, value, _BY_RULE),
        "by_page": lambda caption, value: records_table(caption, value, _BY_PAGE),
    }
    ordered = [key for key in _TITLES if key in details] + [key for key in details if key not in _TITLES]
    parts = []
    for key in ordered:
        title = _TITLES.get(key) or label_for(str(key))
        caption = f"{label_for(suite.name)}: {title.lower()}"
        try:
            value = details[key]
            body = known[key](caption, value) if key in known else generic(caption, value, str(key))
        except Exception:  # a report with one part missing beats no report at all
            body = "<p>This part could not be shown here; it is in result.json.</p>"
        if body:
            parts.append(f"<h4>{esc(title)}</h4>{body}")
    if not parts:
        return ""
    return "<h3>Details</h3>" + "".join(parts)


def _timeline(value: Any, thresholds: Mapping[str, Any]) -> str:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return ""
    return render_timeline(value, thresholds)


def records_table(caption: str, records: Any, layout: Layout = Layout()) -> str:
    """A list of dicts as a table, laid out by `layout`; other shapes go to `generic`.

    A column whose values are small mappings of numbers (``violations: {critical: 1, ...}``) becomes one column
    per inner key, so that nobody has to read JSON in a table cell.
    """
    if not isinstance(records, Sequence) or isinstance(records, str):
        return generic(caption, records)
    rows = [_flatten(record) for record in records if isinstance(record, Mapping)]
    if not rows:
        return generic(caption, records)
    columns = _columns(rows, layout)
    numeric = [all(is_number(r.get(c)) or r.get(c) is None for r in rows) for c in columns]
    body = [
        [
            _link(record.get(column), record) if column in layout.links else cell(record.get(column), _leaf(column))
            for column in columns
        ]
        for record in rows[:MAX_ROWS]
    ]
    headers = [short_label(_leaf(column)) for column in columns]
    return table(caption, headers, body, numeric=numeric) + _more(len(rows))


def _link(path: Any, record: Mapping[str, Any]) -> str:
    """A link to a run-folder file (a screenshot); anything that is not a plain relative path stays text."""
    if not isinstance(path, str) or not path:
        return "—"
    if "://" in path or path.startswith(("/", "\\")) or ".." in path.split("/"):
        return esc_long(path)
    about = record.get("page") or record.get("url") or ""
    return f'<a href="{esc(path)}">View{esc(" " + str(about) if about else "")}</a>'


def _flatten(record: Mapping[Any, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, Mapping) and value and all(is_number(inner) for inner in value.values()):
            flat.update({f"{key}.{inner_key}": inner for inner_key, inner in value.items()})
        else:
            flat[str(key)] = value
    return flat


def _leaf(column: str) -> str:
    return column.rpartition(".")[2]


def _columns(rows: Sequence[Mapping[str, Any]], layout: Layout) -> list[str]:
    seen = list(dict.fromkeys(key for record in rows for key in record))
    dropped = set(layout.hide) | {column for column, better in layout.redundant if better in seen}
    seen = [key for key in seen if key.partition(".")[0] not in dropped]
    ordered = [key for name in layout.first for key in seen if key == name or key.startswith(f"{name}.")]
    return list(dict.fromkeys([*ordered, *seen]))


def generic(caption: str, value: Any, key: str = "") -> str:
    """Any JSON-like value: a mapping as a table, a list as a table or list, a scalar as a sentence.

    `key` is the value's own key; ``by_impact`` names the first column of its table "Impact".
    """
    if isinstance(value, Mapping):
        return _mapping_table(caption, value, _group_name(key))
    if isinstance(value, Sequence) and not isinstance(value, str):
        if any(isinstance(item, Mapping) for item in value):
            return records_table(caption, value)
        items = "".join(f"<li>{cell(item)}</li>" for item in value[:MAX_ROWS])
        return f"<ul>{items}</ul>{_more(len(value))}" if items else ""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and "\n" in value:
        # Tool output (a log tail) keeps its lines; it wraps rather than widening the page.
        return f'<pre class="output"><code>{esc(truncate(value.strip(), MAX_OUTPUT))}</code></pre>'
    return f"<p>{cell(value)}</p>"


def _group_name(key: str) -> str:
    """``by_impact`` → ``Impact``, ``alerts_by_risk`` → ``Risk``; ``Name`` for anything else."""
    _, sep, group = str(key).rpartition("by_")
    return label_for(group) if sep and group else "Name"


def _mapping_table(caption: str, value: Mapping[Any, Any], first: str = "Name") -> str:
    if not value:
        return ""
    entries = list(value.items())[:MAX_ROWS]
    if all(isinstance(inner, Mapping) for _, inner in entries):
        # e.g. {"image-alt": {"count": 3, "pages": 2}}: one row per key, one column per inner key.
        columns = list(dict.fromkeys(k for _, inner in entries for k in inner))
        rows = [[esc_long(key), *(cell(inner.get(c), str(c)) for c in columns)] for key, inner in entries]
        numeric = [False, *(all(is_number(inner.get(c)) for _, inner in entries) for c in columns)]
        return table(caption, [first, *(short_label(str(c)) for c in columns)], rows, numeric=numeric) + _more(
            len(value)
        )
    numeric = [False, all(is_number(inner) for _, inner in entries)]
    rows = [[esc_long(label_for(str(key))), cell(inner, str(key))] for key, inner in entries]
    value_name = (
        "Count" if all(isinstance(inner, int) and not isinstance(inner, bool) for _, inner in entries) else "Value"
    )
    return table(caption, [first, value_name], rows, numeric=numeric) + _more(len(value))


def cell(value: Any, key: str = "") -> str:
    """One value as escaped HTML for a table cell.

    `key` names the column or metric, so that ratios read as percentages. A small mapping of plain values
    (a run's parameters) reads as "name: value" lines; anything deeper as compact, truncated JSON.
    """
    if isinstance(value, Mapping) and value and all(_plain(inner) for inner in value.values()):
        lines = "<br>".join(f"{esc(label_for(str(k)))}: {esc_long(truncate(fmt_value(v)))}" for k, v in value.items())
        return f'<span class="kv">{lines}</span>'
    if isinstance(value, Mapping) or (isinstance(value, Sequence) and not isinstance(value, str) and not _plain(value)):
        return f"<code>{esc(truncate(json.dumps(value, default=str, ensure_ascii=False)))}</code>"
    if value is None:
        return "—"
    if is_number(value) and is_ratio(key):
        return esc(fmt_metric(key, value))
    return esc_long(truncate(fmt_value(value)))


def _plain(value: Any) -> bool:
    """A scalar, or a list of scalars (shown comma-separated)."""
    if isinstance(value, list | tuple):
        return all(_scalar(item) for item in value)
    return _scalar(value)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _more(total: int) -> str:
    return f"<p>Showing the first {MAX_ROWS} of {total}; result.json has them all.</p>" if total > MAX_ROWS else ""
