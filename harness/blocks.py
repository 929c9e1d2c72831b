"""Typed report blocks: how a suite describes its details so that every reporter can render any suite.

A suite returns blocks in `SuiteResult.blocks`; the HTML, Markdown and JUnit reporters know these types and
nothing of a suite's keys. Each block serialises to a dict with a `type` field in result.json.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """How a value reads: plain text, a number (with a unit), a ratio shown as a percentage, a link, code."""

    TEXT = "text"
    NUMBER = "number"
    RATIO = "ratio"
    LINK = "link"
    CODE = "code"


@dataclass(frozen=True)
class Figure:
    """One headline number: `key` is its metric key, `label` what a reader calls it."""

    key: str
    label: str
    value: Any
    unit: str = ""
    kind: Kind = Kind.NUMBER


@dataclass(frozen=True)
class KeyFigures:
    """A short list of headline numbers."""

    title: str
    figures: tuple[Figure, ...]

    def to_dict(self) -> dict[str, Any]:
        """The block as stored in result.json."""
        return {
            "type": "key_figures",
            "title": self.title,
            "figures": [
                {"key": f.key, "label": f.label, "value": f.value, "unit": f.unit, "kind": f.kind.value}
                for f in self.figures
            ],
        }


@dataclass(frozen=True)
class Column:
    """A table column: the row key it shows, its heading, how its values read, and a unit for numbers."""

    key: str
    label: str
    kind: Kind = Kind.TEXT
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """Rows of records under columns; rows may hold more keys than are shown (result.json keeps them)."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...]
    # Shown under the table: what the rows mean, or why some are missing.
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The block as stored in result.json."""
        return {
            "type": "table",
            "title": self.title,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind.value, "unit": c.unit} for c in self.columns],
            "rows": [dict(row) for row in self.rows],
            "note": self.note,
        }


@dataclass(frozen=True)
class Series:
    """One line of a time series: the point key it plots, its label and unit, and the limits drawn with it."""

    key: str
    label: str
    unit: str = ""
    limits: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class TimeSeries:
    """Values over time: each point has `x_key` (seconds from the start) and one value per series."""

    title: str
    x_key: str
    series: tuple[Series, ...]
    points: tuple[Mapping[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        """The block as stored in result.json."""
        return {
            "type": "time_series",
            "title": self.title,
            "x_key": self.x_key,
            "series": [{"key": s.key, "label": s.label, "unit": s.unit, "limits": dict(s.limits)} for s in self.series],
            "points": [dict(point) for point in self.points],
        }


@dataclass(frozen=True)
class ItemList:
    """A list of short sentences (pages that could not be audited, notes from a tool)."""

    title: str
    items: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The block as stored in result.json."""
        return {"type": "list", "title": self.title, "items": list(self.items)}


@dataclass(frozen=True)
class Output:
    """A tool's own output (a log tail), shown as preformatted text."""

    title: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The block as stored in result.json."""
        return {"type": "output", "title": self.title, "text": self.text}


Block = KeyFigures | Table | TimeSeries | ItemList | Output


def records_columns(rows: Sequence[Mapping[str, Any]], first: Sequence[Column] = ()) -> tuple[Column, ...]:
    """`first`, then a text column for every other key the rows hold (for suites that show records as they are)."""
    known = {column.key for column in first}
    rest = [key for key in dict.fromkeys(k for row in rows for k in row) if key not in known]
    return (*first, *(Column(key, key.replace("_", " ").capitalize()) for key in rest))
