"""The trend page (`<out>/index.html`) rendered from recorded runs: gaps, invalid runs, links, escaping."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser
from pathlib import Path

import pytest

from harness.comparison import NOT_RUN
from harness.events import EventHandler, RunFinished
from harness.history import HistoryRecorder
from harness.history_settings import HistorySettings
from harness.history_store import HistoryStore
from harness.models import Check, RunResult, Status, SuiteResult, Verdict
from harness.redaction import Redactor
from harness.reporters.trend_charts import axis_ends, render_trend_chart, run_moments
from harness.reporters.trend_page import render_trend_page
from harness.run_record import CheckRecord, RunRecord, SuiteRecord
from harness.trend_writer import TrendPageWriter, trend_sections, write_trend_page
from harness.trends import TargetTrend, plain_label, report_href, target_trend, trend_charts
from tests.history.runs import TARGET, a11y_finding, accessibility, full_run, performance, record, run

HOSTILE = '<script>alert("x")</script>'


def _ids(count: int, day: int = 1) -> list[str]:
    return [f"202611{day:02d}T{hour:02d}0000Z-{hour:04x}" for hour in range(count)]


def _store(tmp_path: Path, runs: list[RunRecord]) -> HistoryStore:
    store = HistoryStore.open(f"sqlite:///{tmp_path / 'history.db'}")
    for item in runs:
        store.record(item)
    return store


def _page(sections: list[TargetTrend]) -> str:
    return render_trend_page(sections, "2026-12-05 09:00:00 UTC", "At most the last 60 runs.")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src")]


def _parsed(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _chart(runs: list[RunRecord], suite: str, key: str) -> tuple[str, tuple[object, ...]]:
    for chart in trend_charts(runs):
        for series in chart.series:
            if chart.suite == suite and series.key == key:
                return chart.title, series.values
    raise AssertionError(f"no chart for {suite} {key}")


def test_a_suite_that_did_not_run_is_a_gap_never_a_zero(tmp_path: Path) -> None:
    first, second, third = _ids(3)
    runs = [
        record(full_run(first)),
        record(run(second, {"performance": performance(p95=412)})),
        record(full_run(third)),
    ]
    _, serious = _chart(runs, "accessibility", "by_impact.serious")
    assert serious == (1, NOT_RUN, 1)
    _, p95 = _chart(runs, "performance", "p95_ms")
    assert p95 == (300, 412, 300)
    html = _page([target_trend(TARGET, runs, tmp_path)])
    assert "not run in 1 of 3 runs" in html and ">not run</td>" in html
    # The accessibility line is broken at the gap: two single points, no line drawn through a zero.
    accessibility_svg = html.split("Accessibility: violations by impact")[0].rsplit("<figure", 1)[1]
    assert "polyline" not in accessibility_svg.split("</svg>")[0]


def test_a_suite_that_never_ran_gets_no_chart(tmp_path: Path) -> None:
    runs = [record(run(run_id, {"performance": performance()})) for run_id in _ids(2)]
    assert {chart.suite for chart in trend_charts(runs)} == {"performance"}


def test_headline_keys_group_by_prefix_and_unit_and_a_family_is_drawn_whole() -> None:
    audited = dataclasses.replace(
        accessibility(), metrics={"pages_audited": 2, "by_impact": {"critical": 1, "serious": 2, "minor": 4}}
    )
    runs = [record(run(run_id, {"accessibility": audited, "performance": performance()})) for run_id in _ids(2)]
    charts = {(chart.suite, chart.title): chart for chart in trend_charts(runs)}
    impact = charts[("accessibility", "violations by impact")]
    # The suite declares critical and serious; the family's other recorded member comes with them.
    assert [series.label for series in impact.series] == ["critical", "serious", "minor"]
    assert [series.values for series in impact.series] == [(1, 1), (2, 2), (4, 4)]
    errors = charts[("performance", "failed requests")]
    assert errors.ratio and errors.unit == "%"
    assert charts[("performance", "95th percentile response time")].unit == "ms"


def test_invalidated_and_interrupted_runs_are_marked(tmp_path: Path) -> None:
    first, second, third = _ids(3)
    store = _store(
        tmp_path,
        [
            record(full_run(first)),
            record(full_run(second)),
            record(run(third, {"performance": performance()}, verdict=Verdict.INCONCLUSIVE, interrupted=True)),
        ],
    )
    store.invalidate(second, "redeploy during the run")
    html = _page(trend_sections(store, tmp_path))
    store.close()
    assert "INVALID: redeploy during the run" in html
    assert '<span class="flag">INVALID</span>' in html and '<span class="flag">interrupted</span>' in html
    assert "1 invalidated run, marked INVALID." in html
    assert 'class="dot s0 hollow"' in html and "Hollow marks are runs that were invalidated" in html
    assert "(invalid)" in html and "(interrupted)" in html


def test_a_verdict_from_golive_evaluate_is_marked_as_re_evaluated(tmp_path: Path) -> None:
    first, second = _ids(2)
    judged = dataclasses.replace(record(full_run(second)), evaluated_at="2026-11-27T09:00:00Z")
    store = _store(tmp_path, [record(full_run(first)), judged])
    html = _page(trend_sections(store, tmp_path))
    store.close()
    assert html.count('<span class="flag flag-kept">re-evaluated</span>') == 1
    assert "verdict re-evaluated 2026-11-27T09:00:00Z" in html


def test_verdicts_read_in_words_and_symbols(tmp_path: Path) -> None:
    ids = _ids(3)
    verdicts = [Verdict.READY, Verdict.NOT_READY, Verdict.INCONCLUSIVE]
    runs = [record(run(i, {"performance": performance()}, verdict=v)) for i, v in zip(ids, verdicts, strict=True)]
    html = _page([target_trend(TARGET, runs, tmp_path)])
    timeline = html.split('<ol class="timeline"')[1].split("</ol>")[0]
    assert [part.split("</span>")[0] for part in timeline.split('aria-hidden="true">')[1:]] == ["✓ ", "✗ ", "? "]
    for word in ("READY", "NOT READY", "INCONCLUSIVE"):
        assert f"</span>{word}</span>" in timeline


def test_reports_under_out_are_linked_relatively_others_say_so(tmp_path: Path) -> None:
    here, elsewhere = _ids(2)
    (tmp_path / here).mkdir()
    (tmp_path / here / "report.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    runs = [record(run(run_id, {"performance": performance()})) for run_id in (here, elsewhere)]
    html = _page([target_trend(TARGET, runs, tmp_path)])
    assert _parsed(html).hrefs == ["data:,", f"{here}/report.html", f"{here}/report.html"]
    assert str(tmp_path) not in html
    assert "no local report" in html and "recorded on another machine" in html


@pytest.mark.parametrize("run_id", ["../../etc", "/etc/passwd", ".hidden", "a b"])
def test_a_run_id_that_is_not_a_folder_name_is_never_a_link(tmp_path: Path, run_id: str) -> None:
    assert report_href(tmp_path, run_id) is None


def test_hostile_target_metric_and_label_text_is_escaped(tmp_path: Path) -> None:
    suite = SuiteRecord(
        name=f"evil{HOSTILE}",
        status="pass",
        ran=True,
        metrics={f"{HOSTILE}_ms": 12.0, f"{HOSTILE}.x": 3.0},
        headline={f"{HOSTILE}_ms": HOSTILE, f"{HOSTILE}.x": HOSTILE},
        checks=(CheckRecord("probe", "pass", "ok", 1.0),),
    )
    hostile = RunRecord(
        run_id=_ids(1)[0],
        target=f"http://127.0.0.1:8000/{HOSTILE}",
        verdict=f"{HOSTILE}",
        started_at=HOSTILE,
        label=HOSTILE,
        profile=HOSTILE,
        invalid_reason=HOSTILE,
        suites={suite.name: suite},
    )
    html = _page([target_trend(hostile.target, [hostile], tmp_path)])
    parsed = _parsed(html)
    assert "script" not in parsed.tags and "<script" not in html
    assert html.count("&lt;script&gt;") >= 8
    assert parsed.hrefs == ["data:,"]


def test_the_page_loads_nothing_and_runs_nothing(tmp_path: Path) -> None:
    runs = [record(full_run(run_id)) for run_id in _ids(3)]
    html = _page([target_trend(TARGET, runs, tmp_path), target_trend("http://127.0.0.1:9000", runs, tmp_path)])
    parsed = _parsed(html)
    assert not parsed.tags & {"script", "img", "iframe", "link"} - {"link"}
    assert all(not href.startswith(("http", "//")) for href in parsed.hrefs)
    assert '<a href="#target-1">' in html and '<a href="#target-2">' in html


def test_sections_per_target_newest_runs_last_at_most_the_limit(tmp_path: Path) -> None:
    other = "http://127.0.0.1:9000"
    ids = _ids(5)
    store = _store(
        tmp_path,
        [record(run(run_id, {"performance": performance(p95=100 + n)})) for n, run_id in enumerate(ids)]
        + [record(run(_ids(1, day=2)[0], {"performance": performance()}, target=other))],
    )
    sections = trend_sections(store, tmp_path, limit=3)
    only = trend_sections(store, tmp_path, target=TARGET + "/", limit=60)
    store.close()
    assert [section.target for section in sections] == [other, TARGET]
    assert [mark.run.run_id for mark in sections[1].marks] == ids[2:]
    assert [len(section.marks) for section in only] == [5]


def test_no_runs_gives_a_page_that_says_so(tmp_path: Path) -> None:
    path = write_trend_page(None, tmp_path, Redactor())
    assert path == tmp_path / "index.html"
    assert "No runs are recorded yet" in path.read_text(encoding="utf-8")


def _finished(run_id: str) -> RunFinished:
    result = run(run_id, {"performance": performance()})
    return RunFinished(result, Path("unused"))


def test_the_page_is_rewritten_after_each_recorded_run(tmp_path: Path) -> None:
    settings, redactor = HistorySettings(), Redactor()
    handlers: list[EventHandler] = [
        HistoryRecorder(settings, tmp_path, redactor),
        TrendPageWriter(settings, tmp_path, redactor),
    ]
    for run_id in _ids(2):
        for handler in handlers:
            handler.handle(_finished(run_id))
        assert run_id in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_secrets_never_reach_the_page(tmp_path: Path) -> None:
    secret = "s3cr3t-token-value"
    leaked = record(run(_ids(1)[0], {"performance": performance()}, target=f"http://127.0.0.1:8000/?t={secret}"))
    store = _store(tmp_path, [leaked])
    page = write_trend_page(store, tmp_path, Redactor([secret])).read_text(encoding="utf-8")
    store.close()
    assert secret not in page and "***" in page


def test_a_page_that_cannot_be_written_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "index.html").mkdir()  # a folder where the page should go: the write fails
    settings, redactor = HistorySettings(), Redactor()
    HistoryRecorder(settings, tmp_path, redactor).handle(_finished(_ids(1)[0]))
    TrendPageWriter(settings, tmp_path, redactor).handle(_finished(_ids(1)[0]))
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("golive: the trend page") and "was not written" in lines[0]


def test_an_unreadable_history_is_one_line_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = HistorySettings(url="notadatabase://x")
    TrendPageWriter(settings, tmp_path, Redactor()).handle(_finished(_ids(1)[0]))
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and "was not written" in lines[0]
    assert not (tmp_path / "index.html").exists()


def test_a_check_that_could_not_measure_shows_its_status_not_a_number(tmp_path: Path) -> None:
    broken = SuiteResult(
        name="performance",
        checks=(
            Check("p95_ms", Status.ERROR, "p95 latency could not be measured"),
            Check("error_ratio", Status.PASS, "error ratio within limits", 0.0),
        ),
        metrics={"error_ratio": 0.0},
    )
    runs = [record(run(run_id, {"performance": broken if n else performance()})) for n, run_id in enumerate(_ids(2))]
    _, p95 = _chart(runs, "performance", "p95_ms")
    assert p95 == (300, "error")


def _started(result: RunResult, started_at: str) -> RunRecord:
    return record(dataclasses.replace(result, started_at=started_at))


def test_times_are_as_precise_as_needed_to_tell_runs_apart() -> None:
    first, second, third = _ids(3)
    same_minute = [
        _started(run(first, {"performance": performance()}), "2026-12-05T09:05:07Z"),
        _started(run(second, {"performance": performance()}), "2026-12-05T09:05:41Z"),
    ]
    assert run_moments(same_minute) == ["5 Dec 2026 09:05:07", "5 Dec 2026 09:05:41"]
    assert axis_ends(*same_minute) == ("5 Dec 09:05:07", "09:05:41")
    nightly = [*same_minute[:1], _started(run(third, {"performance": performance()}), "2026-12-09T02:00:00Z")]
    assert run_moments(nightly) == ["5 Dec 2026 09:05", "9 Dec 2026 02:00"]
    assert axis_ends(*nightly) == ("5 Dec", "9 Dec")
    new_year = [nightly[0], _started(run(third, {"performance": performance()}), "2027-01-02T02:00:00Z")]
    assert axis_ends(*new_year) == ("5 Dec 2026", "2 Jan 2027")


def test_charts_use_plain_words_and_never_repeat_the_unit(tmp_path: Path) -> None:
    runs = [record(full_run(run_id)) for run_id in _ids(2)]
    html = _page([target_trend(TARGET, runs, tmp_path)])
    titles = [part.split("</strong>")[0] for part in html.split("<figcaption><strong>")[1:]]
    assert "Performance: 95th percentile response time (ms)" in titles
    assert "Performance: requests per second" in titles and "Performance: failed requests (%)" in titles
    assert "Accessibility: violations by impact" in titles
    assert not any(title.endswith("ms (ms)") for title in titles)
    assert plain_label("queue_ms", "queue ms", "ms") == "queue" and plain_label("x", "lbl", "") == "lbl"


def test_counts_get_whole_number_ticks() -> None:
    runs = [record(run(run_id, {"accessibility": accessibility([a11y_finding("image-alt")])})) for run_id in _ids(2)]
    chart = next(chart for chart in trend_charts(runs) if chart.title == "violations by impact")
    svg = render_trend_chart(chart, runs, "Accessibility")
    ticks = [part.split("<")[0] for part in svg.split('text-anchor="end">')[1:-1]]
    assert ticks == ["0", "1", "2"]


def test_markers_with_the_same_value_are_set_side_by_side(tmp_path: Path) -> None:
    audited = dataclasses.replace(accessibility(), metrics={"by_impact": {"critical": 0, "serious": 0, "minor": 0}})
    runs = [record(run(run_id, {"accessibility": audited})) for run_id in _ids(2)]
    chart = next(chart for chart in trend_charts(runs) if chart.title == "violations by impact")
    svg = render_trend_chart(chart, runs, "Accessibility").split("</svg>")[0]
    circle_x = float(svg.split('<circle class="dot s0" cx="')[1].split('"')[0])
    square_x = float(svg.split('<rect class="dot s1" x="')[1].split('"')[0]) + 4
    triangle_x = float(svg.split('<polygon class="dot s2" points="')[1].split(",")[0])
    assert circle_x < square_x < triangle_x


def test_runs_without_a_value_are_dotted_lines_named_in_the_legend(tmp_path: Path) -> None:
    first, second, third = _ids(3)
    runs = [record(full_run(first)), record(run(second, {"performance": performance()})), record(full_run(third))]
    html = _page([target_trend(TARGET, runs, tmp_path)])
    figure = html.split("Accessibility: violations by impact")[0].rsplit("<figure", 1)[1]
    assert figure.count('<line class="gap"') == 1  # the run without accessibility, in the plot
    assert "</svg> not run</li>" in html.split("Accessibility: violations by impact")[1].split("</figure>")[0]
    performance_figure = html.split("Performance: 95th percentile")[0].rsplit("<figure", 1)[1]
    assert 'class="gap"' not in performance_figure
