"""Any JSON-like value as HTML: a suite's free-form `details` and nested metrics, for suites without blocks.

Nothing here knows a suite's keys or trusts a shape: a mapping becomes a table, a list of records a table, a
list of values a list, a scalar a sentence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from harness.models import SuiteResult
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


def render_details(suite: SuiteResult) -> str:
    """A suite's free-form `details`, for suites that describe no blocks: each key under its own heading."""
    details = suite.details
    if not isinstance(details, Mapping) or not details:
        return ""
    parts = []
    for key, value in details.items():
        title = label_for(str(key))
        body = generic(f"{label_for(suite.name)}: {title.lower()}", value, str(key))
        if body:
            parts.append(f"<h4>{esc(title)}</h4>{body}")
    return "<h3>Details</h3>" + "".join(parts) if parts else ""


def records_table(caption: str, records: Any) -> str:
    """A list of dicts as a table, one column per key; other shapes go to `generic`.

    A column whose values are small mappings of numbers (``violations: {critical: 1, ...}``) becomes one column
    per inner key, so that nobody has to read JSON in a table cell.
    """
    if not isinstance(records, Sequence) or isinstance(records, str):
        return generic(caption, records)
    rows = [_flatten(record) for record in records if isinstance(record, Mapping)]
    if not rows:
        return generic(caption, records)
    columns = list(dict.fromkeys(key for record in rows for key in record))
    numeric = [all(is_number(r.get(c)) or r.get(c) is None for r in rows) for c in columns]
    body = [[cell(record.get(column), _leaf(column)) for column in columns] for record in rows[:MAX_ROWS]]
    headers = [short_label(_leaf(column)) for column in columns]
    return table(caption, headers, body, numeric=numeric) + _more(len(rows))


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
