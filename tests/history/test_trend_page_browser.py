"""The trend page of a real history, opened in real Chromium: axe (WCAG 2.2 AA) at 1280 and 320 px, and what a
reader sees: verdicts in words, links to each run's report that resolve, a table per chart, "not run" for suites
that did not run, the invalidated run marked."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from harness.files import write_atomic
from harness.history_store import HistoryStore
from harness.models import RunResult, SuiteResult, Verdict
from harness.redaction import Redactor
from harness.reporters.html import render_html
from harness.trend_writer import write_trend_page
from tests.history.runs import TARGET, accessibility, full_run, performance, record, run, security
from tests.reporters.browser_audit import audit_widths, violation_summary
from tests.support import serving

pytestmark = pytest.mark.integration

OTHER_TARGET = "http://127.0.0.1:9000"
INVALID_REASON = "the database was being restored during the run"

# What the page shows a reader, gathered in the browser (text as rendered, links as written in the page).
FACTS = """() => [...document.querySelectorAll('main > section')].map(section => ({
  heading: section.querySelector('h2').innerText,
  marks: [...section.querySelectorAll('ol.timeline > li')].map(li => ({
    text: li.innerText, href: li.querySelector('a') ? li.querySelector('a').getAttribute('href') : null})),
  runRows: [...section.querySelectorAll('details > .table-wrap tbody tr')].map(
    tr => [...tr.children].map(cell => cell.innerText)),
  charts: [...section.querySelectorAll('figure.chart')].map(figure => ({
    title: figure.querySelector('figcaption strong').innerText,
    image: figure.querySelector('svg[role=img]') !== null,
    legend: [...figure.querySelectorAll('.legend li')].map(li => li.innerText.trim()),
    headers: [...figure.querySelectorAll('thead th')].map(th => th.innerText),
    rows: [...figure.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(cell => cell.innerText)),
  })),
}))"""


def _at(result: RunResult, started_at: str) -> RunResult:
    return dataclasses.replace(result, started_at=started_at)


def _scanned(medium: int, zap: bool = True) -> SuiteResult:
    """A security result with the counts by severity the real suite records."""
    result = security(zap=zap)
    return dataclasses.replace(
        result, metrics={**result.metrics, "findings_by_severity": {"high": 0, "medium": medium}}
    )


def _history_runs() -> list[RunResult]:
    """Five nightly runs of one target: NOT_READY, a performance-only run, INCONCLUSIVE, one later invalidated,
    then READY."""
    fixed = {"performance": performance(p95=280), "accessibility": accessibility(), "security": _scanned(0)}
    zap_down = {"performance": performance(p95=450), "accessibility": accessibility(), "security": _scanned(1, False)}
    first = full_run("20261120T020000Z-0a01")
    first = dataclasses.replace(first, suites={**first.suites, "security": _scanned(2)})
    return [
        _at(first, "2026-11-20T02:00:00Z"),
        _at(run("20261121T020000Z-0a02", {"performance": performance(p95=350)}), "2026-11-21T02:00:00Z"),
        _at(run("20261122T020000Z-0a03", zap_down, verdict=Verdict.INCONCLUSIVE), "2026-11-22T02:00:00Z"),
        _at(run("20261123T020000Z-0a04", fixed), "2026-11-23T02:00:00Z"),
        _at(run("20261124T020000Z-0a05", fixed), "2026-11-24T02:00:00Z"),
    ]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An output folder as golive leaves it: run folders with their report.html, history.db and index.html."""
    out = tmp_path / "reports"
    store = HistoryStore.open(f"sqlite:///{out / 'history.db'}")
    try:
        for result in _history_runs():
            write_atomic(out / result.run_id / "report.html", render_html(result))
            store.record(record(result))
        store.invalidate("20261123T020000Z-0a04", INVALID_REASON)
        # A run another machine recorded into a shared history: no report folder here.
        other = run("20261124T030000Z-0b01", {"performance": performance()}, target=OTHER_TARGET)
        store.record(record(_at(other, "2026-11-24T03:00:00Z")))
        write_trend_page(store, out, Redactor())
    finally:
        store.close()
    return out


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def page_url(out_dir: Path) -> Iterator[str]:
    """index.html served over HTTP from the output folder, as a CI artifact server or a colleague would."""
    handler = functools.partial(_QuietFiles, directory=str(out_dir))
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as port:
        yield f"http://127.0.0.1:{port}/index.html"


def test_the_trend_page_passes_axe_at_desktop_and_320px_and_shows_what_happened(page_url: str) -> None:
    audit = audit_widths(page_url, (1280, 320), FACTS)

    for width in audit.widths:
        assert width.violations == [], (width.width, violation_summary(width.violations))
        # The page body never scrolls sideways; wide tables scroll inside their own container.
        assert width.scroll_width <= width.width, f"horizontal overflow at {width.width} px: {width.scroll_width}"

    # Every link on the page answers: each run's report, the section anchors.
    assert audit.link_statuses and all(status == 200 for status in audit.link_statuses.values()), audit.link_statuses
    reports = [link for link in audit.link_statuses if link.endswith("/report.html")]
    assert len(reports) == 5

    sections = {section["heading"]: section for section in audit.facts}
    ours, other = sections[f"Target {TARGET}"], sections[f"Target {OTHER_TARGET}"]
    _verdicts_in_words_each_linked_to_its_report(ours)
    _charts_each_with_a_table_and_not_run_never_zero(ours)
    _the_invalidated_run_is_marked(ours)
    assert [mark["href"] for mark in other["marks"]] == [None]
    assert "no local report" in other["marks"][0]["text"]


def _verdicts_in_words_each_linked_to_its_report(section: dict[str, Any]) -> None:
    marks = section["marks"]
    words = [mark["text"].splitlines()[0].split(" ", 1)[1] for mark in marks]
    assert words == ["NOT READY", "READY", "INCONCLUSIVE", "READY", "READY"]
    assert [mark["href"] for mark in marks] == [f"{result.run_id}/report.html" for result in _history_runs()]
    # Each mark says when the run started, so two marks of the same verdict still read differently.
    assert len({mark["text"] for mark in marks}) == len(marks)


def _charts_each_with_a_table_and_not_run_never_zero(section: dict[str, Any]) -> None:
    charts = {chart["title"]: chart for chart in section["charts"]}
    assert {
        "Performance: 95th percentile response time (ms)",
        "Performance: requests per second",
        "Accessibility: violations by impact",
        "Security: findings by severity",
    } <= set(charts)
    for chart in charts.values():
        assert chart["image"] and len(chart["rows"]) == 5, chart["title"]
        assert chart["headers"][0] == "Run started"
    # The second run was performance only: every accessibility and security value of it reads "not run".
    for title in ("Accessibility: violations by impact", "Security: findings by severity"):
        second = charts[title]["rows"][1]
        assert second[1:] and all(cell == "not run" for cell in second[1:]), (title, second)
        assert "not run" in charts[title]["legend"]
        assert all(cell != "not run" for row in charts[title]["rows"][2:] for cell in row[1:])
    p95 = [row[1] for row in charts["Performance: 95th percentile response time (ms)"]["rows"]]
    assert p95 == ["300 ms", "350 ms", "450 ms", "280 ms", "280 ms"]


def _the_invalidated_run_is_marked(section: dict[str, Any]) -> None:
    marks = section["marks"]
    assert ["INVALID" in mark["text"] for mark in marks] == [False, False, False, True, False]
    notes = [row[-1] for row in section["runRows"]]
    assert notes[3] == f"INVALID: {INVALID_REASON}" and notes.count("") == 4
    p95 = section["charts"][0]["rows"]
    assert p95[3][0].endswith("(invalid)") and not p95[4][0].endswith("(invalid)")
