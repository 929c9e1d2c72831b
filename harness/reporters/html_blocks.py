"""Report blocks (harness.blocks) as HTML: the one way any suite's details reach report.html.

Nothing here knows a suite's keys: a block says what its columns are, how values read and what a chart plots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.blocks import Block, Column, ItemList, KeyFigures, Kind, Output, Table, TimeSeries
from harness.reporters.html_charts import render_time_series
from harness.reporters.html_common import esc, esc_long, fmt_number, fmt_value, is_number, table, truncate

# Tables stop here; the full data is in result.json.
MAX_ROWS = 500
MAX_OUTPUT = 3000


def render_blocks(suite_label: str, blocks: Sequence[Block]) -> str:
    """Every block under its own heading ('' when there are none); key figures are shown as measurements."""
    parts = [_block(suite_label, block) for block in blocks if not isinstance(block, KeyFigures)]
    shown = [part for part in parts if part]
    return "<h3>Details</h3>" + "".join(shown) if shown else ""


def _block(suite_label: str, block: Block) -> str:
    caption = f"{suite_label}: {block.title.lower()}"
    if isinstance(block, KeyFigures):
        body = key_figures(block)
    elif isinstance(block, Table):
        body = block_table(caption, block)
    elif isinstance(block, TimeSeries):
        body = render_time_series(block)
    elif isinstance(block, ItemList):
        items = "".join(f"<li>{esc_long(truncate(item))}</li>" for item in block.items[:MAX_ROWS])
        body = f"<ul>{items}</ul>{_more(len(block.items))}" if items else ""
    else:
        body = _output(block)
    return f"<h4>{esc(block.title)}</h4>{body}" if body else ""


def key_figures(block: KeyFigures) -> str:
    """Headline numbers as a definition list."""
    items = "".join(
        f"<div><dt>{esc(figure.label)}</dt><dd>{value_html(figure.value, figure.kind, figure.unit)}</dd></div>"
        for figure in block.figures
    )
    return f'<dl class="metrics">{items}</dl>' if items else ""


def block_table(caption: str, block: Table) -> str:
    """A table block: one column per declared column, numbers right-aligned, links relative to the run folder."""
    if not block.rows:
        return f"<p>{esc(block.note)}</p>" if block.note else ""
    columns = block.columns
    numeric = [column.kind in (Kind.NUMBER, Kind.RATIO) for column in columns]
    rows = [[_cell(row, column) for column in columns] for row in block.rows[:MAX_ROWS]]
    headers = [column.label + (f" ({column.unit})" if column.unit else "") for column in columns]
    note = f"<p>{esc(block.note)}</p>" if block.note else ""
    return table(caption, headers, rows, numeric=numeric) + note + _more(len(block.rows))


def _cell(row: Mapping[str, Any], column: Column) -> str:
    value = row.get(column.key)
    if column.kind is Kind.LINK:
        return _link(value, row)
    return value_html(value, column.kind)


def value_html(value: Any, kind: Kind = Kind.TEXT, unit: str = "") -> str:
    """One value as escaped HTML, read the way its kind says."""
    if value is None:
        return "—"
    if kind is Kind.RATIO and is_number(value):
        return esc(f"{fmt_number(value * 100)}%")
    if kind is Kind.NUMBER and is_number(value):
        return esc(fmt_number(value) + (f" {unit}" if unit else ""))
    if kind is Kind.CODE:
        return f"<code>{esc_long(truncate(fmt_value(value)))}</code>"
    if isinstance(value, Mapping):
        lines = "<br>".join(f"{esc(_humane(str(k)))}: {esc_long(truncate(fmt_value(v)))}" for k, v in value.items())
        return f'<span class="kv">{lines}</span>'
    return esc_long(truncate(fmt_value(value)))


def _humane(key: str) -> str:
    """A record key as a reader would write it: ``spawn_rate`` → ``Spawn rate``."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else key


def _link(path: Any, row: Mapping[str, Any]) -> str:
    """A link to a run-folder file (a screenshot); anything that is not a plain relative path stays text."""
    if not isinstance(path, str) or not path:
        return "—"
    if "://" in path or path.startswith(("/", "\\")) or ".." in path.split("/"):
        return esc_long(path)
    about = row.get("page") or row.get("url") or ""
    return f'<a href="{esc(path)}">View{esc(" " + str(about) if about else "")}</a>'


def _output(block: Output) -> str:
    text = block.text.strip()
    if not text:
        return ""
    # Tool output keeps its lines; it wraps rather than widening the page.
    return f'<pre class="output"><code>{esc(truncate(text, MAX_OUTPUT))}</code></pre>'


def _more(total: int) -> str:
    return f"<p>Showing the first {MAX_ROWS} of {total}; result.json has them all.</p>" if total > MAX_ROWS else ""
