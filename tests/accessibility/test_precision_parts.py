"""Unit tests of the parts that make the own checks precise: pixels, WCAG criteria, reflow and review rows."""

from __future__ import annotations

import struct
import zlib

import pytest

from suites.accessibility.findings import criteria_of
from suites.accessibility.focus import needed_pixels, region
from suites.accessibility.pixels import CHANNEL_STEP, ImageError, changed_pixels, decode_png
from suites.accessibility.reflow import EXEMPTION, reflow_outcome
from suites.accessibility.rules import REFLOW, wcag_criteria
from suites.accessibility.scripts import script


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _filtered(kind: int, row: bytes, previous: bytes, step: int) -> bytes:
    """Encode one row with PNG filter `kind` (the inverse of what a decoder undoes)."""
    out = bytearray()
    for index, value in enumerate(row):
        left = row[index - step] if index >= step else 0
        up = previous[index]
        corner = previous[index - step] if index >= step else 0
        if kind == 0:
            predicted = 0
        elif kind == 1:
            predicted = left
        elif kind == 2:
            predicted = up
        elif kind == 3:
            predicted = (left + up) // 2
        else:
            estimate = left + up - corner
            distances = (abs(estimate - left), abs(estimate - up), abs(estimate - corner))
            predicted = (
                left
                if distances[0] <= distances[1] and distances[0] <= distances[2]
                else (up if distances[1] <= distances[2] else corner)
            )
        out.append((value - predicted) & 0xFF)
    return bytes([kind]) + bytes(out)


def png(rows: list[bytes], width: int, channels: int = 3, filters: tuple[int, ...] = (0,)) -> bytes:
    """A PNG of `rows`, cycling through `filters` row by row."""
    colour = {3: 2, 4: 6}[channels]
    header = struct.pack(">IIBBBBB", width, len(rows), 8, colour, 0, 0, 0)
    previous = bytes(width * channels)
    raw = b""
    for number, row in enumerate(rows):
        raw += _filtered(filters[number % len(filters)], row, previous, channels)
        previous = row
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b"")


ROWS = [bytes((x * 40 + y * 7) % 256 for x in range(12)) for y in range(5)]  # 4 pixels of RGB per row


@pytest.mark.parametrize("filters", [(0,), (1,), (2,), (3,), (4,), (0, 1, 2, 3, 4)])
def test_every_png_filter_decodes_to_the_same_pixels(filters: tuple[int, ...]) -> None:
    image = decode_png(png(ROWS, 4, filters=filters))
    assert (image.width, image.height, image.channels) == (4, 5, 3)
    assert list(image.rows) == ROWS


def test_changed_pixels_counts_only_clear_changes() -> None:
    before = decode_png(png([bytes(12)] * 2, 4))
    faint = decode_png(png([bytes([CHANNEL_STEP - 1] * 12), bytes(12)], 4))
    clear = decode_png(png([bytes([0, 0, CHANNEL_STEP] * 4), bytes([0, 0, 0, 255, 255, 255] * 2)], 4))
    assert changed_pixels(before, faint) == 0
    assert changed_pixels(before, clear) == 6  # a whole row, and two pixels of the next


def test_images_that_cannot_be_compared_are_refused() -> None:
    with pytest.raises(ImageError, match="not a PNG"):
        decode_png(b"GIF89a")
    with pytest.raises(ImageError, match="not the same size"):
        changed_pixels(decode_png(png(ROWS, 4)), decode_png(png(ROWS[:2], 4)))
    rgba = decode_png(png([bytes(16)], 4, channels=4))
    assert rgba.channels == 4


def test_the_focus_threshold_and_region() -> None:
    assert needed_pixels(40, 20) == 30
    assert needed_pixels(4, 4) == 16
    assert needed_pixels(2000, 500) == 200
    assert region([100, 50, 40, 20], [1280, 2000]) == {"x": 92, "y": 42, "width": 56, "height": 36, "scale": 1}
    assert region([0, 0, 2000, 900], [2000, 900])["width"] == 600  # a huge element is cut to its corner


def test_wcag_criteria_come_from_axe_tags() -> None:
    assert wcag_criteria(["cat.text-alternatives", "wcag2a", "wcag111", "section508"]) == ["1.1.1"]
    assert wcag_criteria(["wcag21aa", "wcag1410", "wcag2411", "wcag412", "wcag412"]) == ["1.4.10", "2.4.11", "4.1.2"]
    assert wcag_criteria(["wcag2aa", "wcag22aa", "best-practice"]) == []
    assert criteria_of({"tags": ["wcag2a", "wcag131"], "wcag": "1.3.1"}) == ["1.3.1"]
    assert criteria_of({"tags": [], "wcag": "2.4.7"}) == ["2.4.7"]  # results saved before tags were read
    assert REFLOW.violation([])["wcag"] == ["1.4.10"] and "wcag1410" in REFLOW.tags


def _measured(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "width": 320,
        "scrollWidth": 768,
        "overflow": 448,
        "offenders": [{"target": ["body > div"], "html": "<div>", "right": 768, "width": 768}],
        "offenderCount": 9,
        "exempt": [],
        "exemptCount": 0,
    }
    return {**base, **overrides}


def test_a_page_that_scrolls_sideways_is_one_reflow_finding() -> None:
    outcome = reflow_outcome(_measured())
    [violation] = outcome.violations
    [node] = violation["nodes"]
    assert node["target"] == ["html"] and node["relatedNodes"][0]["target"] == ["body > div"]
    assert "page is 768 px wide" in node["failureSummary"] and "(+8 more)" in node["failureSummary"]
    assert outcome.facts["offending"] == 9


def test_overflow_from_exempt_content_alone_is_not_a_finding() -> None:
    exempt = [{"target": ["body > table"], "html": "<table>", "right": 700, "width": 700}]
    outcome = reflow_outcome(_measured(offenders=[], offenderCount=0, exempt=exempt, exemptCount=1))
    assert outcome.violations == []
    assert outcome.facts["exempt"] == ["body > table"] and outcome.facts["exemption"] == EXEMPTION
    mixed = reflow_outcome(_measured(exempt=exempt, exemptCount=1))
    assert "Left out: 1 exempt element(s)" in mixed.violations[0]["nodes"][0]["failureSummary"]


def test_browser_scripts_ship_as_files_with_their_helpers() -> None:
    report = script("keyboard_report")
    assert "const golivePath" in report and "// @include" not in report
    assert "const goliveCandidates" in script("keyboard_setup") and "const goliveLooks" in script("keyboard_setup")
    for name in ("axe_run", "outline", "reflow", "keyboard_setup", "keyboard_status", "focus_shot"):
        assert script(name).lstrip().startswith(("(", "async", "//"))
