"""index.html beside the run folders: readiness over time, one section per target.

Each section has the verdict timeline (one mark per run, linked to its report), the runs as a table, and one
chart per group of the suites' headline values. Same look and the same rules as report.html: self-contained
(inline CSS and SVG, no scripts), every text escaped, every chart with a summary in words and a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

from harness.models import Verdict
from harness.reporters.html import VERDICT_TEXT
from harness.reporters.html_common import esc, label_for, table
from harness.reporters.trend_charts import render_trend_chart, run_moments
from harness.trends import RunMark, TargetTrend

FILE_NAME = "index.html"
_NO_REPORT = "no local report (recorded on another machine or removed)"


@cache
def _css() -> str:
    folder = resources.files("harness.reporters")
    return "".join(folder.joinpath(name).read_text(encoding="utf-8") for name in ("report.css", "trend.css"))


def verdict_text(verdict: str) -> tuple[str, str, str]:
    """(word, symbol, css class) for a recorded verdict; an unknown one is shown as it is."""
    try:
        known = Verdict(verdict)
    except ValueError:
        return verdict or "unknown", "•", "unknown"
    word, symbol, _ = VERDICT_TEXT[known]
    return word, symbol, known.value.lower().replace("_", "-")


def render_trend_page(sections: Sequence[TargetTrend], generated_at: str, scope: str) -> str:
    """The whole page; `scope` says which runs it covers (the filters), `generated_at` when it was written."""
    body = [
        '<header class="masthead"><div class="width">'
        '<p class="brand">golive <span>readiness over time</span></p></div></header>',
        '<main id="main" class="width">',
        "<h1>Readiness over time</h1>",
        f'<p class="lead">{esc(scope)} Times are UTC. Written {esc(generated_at)}.</p>',
        _contents(sections),
        "" if sections else "<p>No runs are recorded yet. Each <code>golive run</code> adds one.</p>",
        *(_section(index, section) for index, section in enumerate(sections, start=1)),
        "</main>",
        '<footer class="footer"><div class="width"><p>Written by golive from its run history. This page is a single '
        "file that loads nothing from the network; each run's full report is in its own folder.</p></div></footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>golive: readiness over time</title><style>{_css()}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def _contents(sections: Sequence[TargetTrend]) -> str:
    if len(sections) < 2:
        return ""
    items = "".join(
        f'<li><a href="#target-{index}">{esc(section.target)}</a></li>' for index, section in enumerate(sections, 1)
    )
    return f'<nav class="contents" aria-label="Targets"><h2 class="contents-title">Targets</h2><ul>{items}</ul></nav>'


def _section(index: int, section: TargetTrend) -> str:
    runs = [mark.run for mark in section.marks]
    moments = run_moments(runs)
    word = verdict_text(runs[-1].verdict)[0]
    invalid = sum(1 for run in runs if run.invalid_reason is not None)
    lead = (
        f"{len(runs)} run{'s' if len(runs) != 1 else ''}, {moments[0]} to {moments[-1]}. Latest verdict: {word}."
    ) + (f" {invalid} invalidated run{'s' if invalid != 1 else ''}, marked INVALID." if invalid else "")
    heading_id = f"target-{index}"
    timeline = "".join(map(_mark, section.marks, moments))
    charts = [render_trend_chart(chart, runs, f"{label_for(chart.suite)}: {chart.title}") for chart in section.charts]
    measured = f'<div class="charts">{"".join(charts)}</div>' if charts else "<p>No suite recorded a measurement.</p>"
    return (
        f'<section aria-labelledby="{heading_id}"><h2 id="{heading_id}">Target '
        f"<code>{esc(section.target)}</code></h2><p>{esc(lead)}</p>"
        f'<h3 id="{heading_id}-verdicts">Verdicts</h3>'
        f'<ol class="timeline" aria-labelledby="{heading_id}-verdicts">{timeline}</ol>'
        f"<details><summary>Show the runs as a table</summary>{_runs_table(section.marks, moments)}</details>"
        f"<h3>Measurements</h3>{measured}</section>"
    )


def _mark(mark: RunMark, moment: str) -> str:
    run = mark.run
    word, symbol, css = verdict_text(run.verdict)
    flags = ""
    if run.invalid_reason is not None:
        flags = '<span class="flag">INVALID</span>'
    elif run.interrupted:
        flags = '<span class="flag">interrupted</span>'
    elif run.evaluated_at:
        flags = '<span class="flag flag-kept">re-evaluated</span>'
    face = (
        f'<span class="mark-verdict"><span aria-hidden="true">{esc(symbol)} </span>{esc(word)}</span>'
        f'<span class="mark-when">{esc(moment)}</span>{flags}'
    )
    if mark.report_href is not None:
        return f'<li class="mark mark-{css}"><a href="{esc(mark.report_href)}">{face}</a></li>'
    return f'<li class="mark mark-{css}">{face}<span class="mark-note">{esc("no local report")}</span></li>'


def _runs_table(marks: Sequence[RunMark], moments: Sequence[str]) -> str:
    rows = []
    for mark, moment in zip(marks, moments, strict=True):
        run = mark.run
        report = f'<a href="{esc(mark.report_href)}">report</a>' if mark.report_href else esc(_NO_REPORT)
        open_findings = sum(1 for finding in run.findings().values() if not finding.waived)
        rows.append(
            [
                f"<code>{esc(run.run_id)}</code>",
                esc(moment),
                esc(verdict_text(run.verdict)[0]),
                esc(run.label or ""),
                esc(run.profile or "none"),
                str(open_findings),
                report,
                esc("; ".join(run.notes())),
            ]
        )
    headers = ["Run", "Started", "Verdict", "Label", "Profile", "Open findings", "Report", "Note"]
    numeric = [False, False, False, False, False, True, False, False]
    return table("Runs, oldest first", headers, rows, numeric=numeric)
