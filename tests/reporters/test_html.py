"""report.html: rendered from built results, then opened in real Chromium and audited with axe (WCAG 2.2 AA)."""

from __future__ import annotations

import dataclasses
import itertools
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from harness.metric_names import metric_in_words
from harness.models import Check, Finding, Reason, RunResult, Severity, Status, SuiteResult, Verdict, skipped_suite
from harness.reporters.html import render_html
from harness.reporters.markdown import render_markdown
from suites.accessibility.report import accessibility_blocks
from suites.performance.report import performance_blocks
from tests.reporters.browser_audit import audit_page, violation_summary
from tests.reporters.sample import sample_run
from tests.support import Route, run_golive, serve

SCRIPT = "<script>alert(1)</script>"


def _timeline(seconds: int = 60) -> list[dict[str, Any]]:
    rows = []
    for t in range(seconds):
        users = min(50, (t + 1) * 5)
        rows.append(
            {
                "t": t,
                "users": users,
                "rps": round(users * 8.5 - (t % 7), 1),
                "p95_ms": 300 + t * 18 + (t % 5) * 20,
                "failures": 1 if t % 17 == 0 else 0,
            }
        )
    return rows


def _performance() -> SuiteResult:
    return SuiteResult(
        name="performance",
        checks=(
            Check("p95_ms", Status.FAIL, "p95 latency 1240 ms > 1000 ms", 1240, {"warn": 500, "fail": 1000}),
            Check(
                "error_ratio", Status.PASS, "error ratio 6e-05 within limits", 0.00006, {"warn": 0.001, "fail": 0.01}
            ),
            Check("rps", Status.WARN, "requests per second 427 < 500", 427.0, {"warn_below": 500, "fail_below": 50}),
        ),
        metrics={
            "requests": 51234,
            "failures": 3,
            "error_ratio": 0.00006,
            "rps": 427.0,
            "p50_ms": 120,
            "p95_ms": 1240,
            "max_ms": 3900,
        },
        details={
            "endpoints": [
                {
                    "endpoint": "GET /",
                    "method": "GET",
                    "name": "/",
                    "requests": 30000,
                    "failures": 1,
                    "error_ratio": 0.00003,
                    "rps": 250.0,
                    "p50_ms": 90,
                    "p95_ms": 800,
                    "max_ms": 2100,
                },
                {
                    "endpoint": "GET /search?q=" + "x" * 120,
                    "method": "GET",
                    "name": "/search?q=" + "x" * 120,
                    "requests": 21234,
                    "failures": 2,
                    "error_ratio": 0.0001,
                    "rps": 177.0,
                    "p50_ms": 180,
                    "p95_ms": 1900,
                    "max_ms": 3900,
                },
            ],
            "errors": [
                {
                    "endpoint": "GET /",
                    "error": f"ConnectionResetError(104, 'Connection reset by peer') {SCRIPT}",
                    "summary": f"ConnectionResetError {SCRIPT}",
                    "occurrences": 3,
                    "share": 0.0001,
                }
            ],
            "timeline": _timeline(),
            "run": {
                "parameters": {"users": 50, "spawn_rate": 10.0, "paths": ["/", "/search"], "locustfile": "built-in"},
                "exit_code": 0,
                "timed_out": False,
                "measured_seconds": 60.2,
            },
            "stderr_tail": f"line one\nTraceback: {SCRIPT}\nlast line",
        },
    )


def _accessibility() -> SuiteResult:
    def finding(rule: str, severity: Severity, url: str, selector: str, waived: str | None = None) -> Finding:
        return Finding(
            suite="accessibility",
            rule=rule,
            severity=severity,
            title={"image-alt": "Images must have alternate text", "color-contrast": "Text must have enough contrast"}[
                rule
            ],
            url=url,
            fingerprint=f"{rule}-{url}-{selector}",
            selector=selector,
            evidence=f'<img src="/logo.png" onerror="alert(1)">{SCRIPT}',
            help_url=f"https://dequeuniversity.com/rules/axe/4.10/{rule}",
            waived=waived,
        )

    return SuiteResult(
        name="accessibility",
        checks=(
            Check("impact_critical", Status.FAIL, "2 critical violations (image-alt)", 2, {"fail": 0}),
            Check("impact_serious", Status.PASS, "0 serious violations", 0, {"fail": 0}),
        ),
        findings=(
            finding("image-alt", Severity.CRITICAL, "http://127.0.0.1:8000/", "header > img.logo"),
            finding("image-alt", Severity.CRITICAL, "http://127.0.0.1:8000/start", "main img:nth-child(2)"),
            finding(
                "color-contrast", Severity.HIGH, "http://127.0.0.1:8000/", ".hint", "brand colours, fix by 2026-12-31"
            ),
        ),
        metrics={"pages_audited": 2, "pages_failed": 0, "by_impact": {"critical": 2, "serious": 1, "moderate": 0}},
        notes=("waiver for rule label on /old/* expired on 2026-11-01 and no longer applies",),
        details={
            "by_rule": [
                {
                    "rule": "image-alt",
                    "impact": "critical",
                    "title": "Images must have alternate text",
                    "help_url": "https://dequeuniversity.com/rules/axe/4.10/image-alt",
                    "count": 2,
                    "waived": 0,
                    "pages": ["/", "/start"],
                },
                {
                    "rule": "color-contrast",
                    "impact": "serious",
                    "title": "Text must have enough contrast",
                    "help_url": None,
                    "count": 1,
                    "waived": 1,
                    "pages": ["/"],
                },
            ],
            "by_page": [
                {
                    "url": "http://127.0.0.1:8000/",
                    "page": "/",
                    "final_url": "http://127.0.0.1:8000/",
                    "status": "audited",
                    "http_status": 200,
                    "error": None,
                    "source": "config",
                    "violations": {"critical": 1, "serious": 0, "moderate": 0, "minor": 0},
                    "needs_review": 2,
                    "screenshot": None,
                    "result_file": "axe/1.json",
                    "timing": {"load_ms": 120},
                },
                {
                    "url": "http://127.0.0.1:8000/start",
                    "page": "/start",
                    "final_url": None,
                    "status": "failed",
                    "http_status": 500,
                    "error": "HTTP 500",
                    "source": "crawl",
                    "violations": {},
                    "needs_review": 0,
                },
            ],
            "something_new": {"nested": {"deeper": [1, 2, {"x": SCRIPT}]}},
        },
    )


def _security() -> SuiteResult:
    return SuiteResult(
        name="security",
        checks=(Check("zap_scan", Status.ERROR, "ZAP scan could not run", None, None),),
        findings=(
            Finding(
                suite="security",
                rule="10038",
                severity=Severity.MEDIUM,
                title="Content Security Policy (CSP) Header Not Set",
                url="http://127.0.0.1:8000/",
                fingerprint="cccc",
                help_url="javascript:alert(1)",
                extra={"solution": "Set a Content-Security-Policy header."},
            ),
        ),
        metrics={"engine": "hygiene", "urls_scanned": 3, "alerts_by_risk": {"High": 0, "Medium": 1, "Low": 0}},
        error="ZAP not reachable at http://127.0.0.1:8090: connection refused",
        notes=("ZAP scan not run: security.zap.required is false, so the verdict does not wait for it",),
    )


def rich_run(*, interrupted: bool = False, verdict: Verdict = Verdict.NOT_READY) -> RunResult:
    """A NOT_READY run with every part the report knows how to show."""
    performance, accessibility = _performance(), _accessibility()
    suites = {
        # The suites describe their details as blocks; the report renders those and knows no suite's keys.
        "performance": dataclasses.replace(performance, blocks=performance_blocks(performance)),
        "accessibility": dataclasses.replace(accessibility, blocks=accessibility_blocks(accessibility)),
        "security": _security(),
        "extra": skipped_suite("extra", "not requested"),
    }
    return RunResult(
        run_id="20261126T101500Z-3f2a",
        target="http://127.0.0.1:8000",
        started_at="2026-11-26T10:15:00Z",
        finished_at="2026-11-26T10:21:40Z",
        verdict=verdict,
        reasons=(
            Reason(Status.FAIL, ("performance",), "p95 latency 1240 ms > 1000 ms", "p95_ms"),
            Reason(Status.FAIL, ("accessibility",), "2 critical violations (image-alt)", "impact_critical"),
            Reason(Status.ERROR, ("security",), "ZAP not reachable at http://127.0.0.1:8090: connection refused"),
            Reason(
                None,
                ("security",),
                "ZAP scan not run: security.zap.required is false, so the verdict does not wait for it",
            ),
        ),
        suites=suites,
        profile="staging",
        interrupted=interrupted,
        golive_version="0.1.0",
    )


class _Tags(HTMLParser):
    """Collects start tags and their attributes, to check the structure without regular expressions."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _text(html: str) -> str:
    """The visible text, roughly: tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Unit tests ---------------------------------------------------------------------------------------------------------


def test_verdict_comes_first_in_words() -> None:
    html = render_html(rich_run())
    main = html.index("<main")
    h1 = html.index("<h1")
    assert main < h1 < html.index("Why")
    assert "NOT READY" in _text(html[h1 : html.index("</h1>")])
    assert "Not ready: at least one check failed." in html
    assert [tag for tag, _ in _tags(html)].count("h1") == 1
    for fact in ("20261126T101500Z-3f2a", "http://127.0.0.1:8000", "staging", "0.1.0", "6 min 40 s"):
        assert fact in html


@pytest.mark.parametrize(
    ("verdict", "word", "meaning"),
    [(Verdict.READY, "READY", "Ready:"), (Verdict.INCONCLUSIVE, "INCONCLUSIVE", "Inconclusive:")],
)
def test_every_verdict_has_its_own_words(verdict: Verdict, word: str, meaning: str) -> None:
    html = render_html(rich_run(verdict=verdict))
    assert word in _text(html[html.index("<h1") : html.index("</h1>")])
    assert meaning in html


def test_reasons_are_listed_under_why() -> None:
    html = render_html(rich_run())
    why = html[html.index('id="why"') : html.index('id="summary"')]
    for reason in rich_run().reasons:
        # The suite name is set in bold and a "(fail)" suffix becomes a status tag.
        assert escape(reason.message, quote=True) in why
    assert why.count('class="tag tag-fail"') == 2 and why.count('class="tag tag-error"') == 1


def test_findings_from_the_site_are_escaped_never_markup() -> None:
    html = render_html(rich_run())
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html
    assert "onerror" not in [attr for _, attrs in _tags(html) for attr in attrs]
    assert "<script" not in html.lower()
    # A help URL that is not http(s) is shown as text, never as a link.
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html


def test_the_starter_sample_is_escaped_too() -> None:
    html = render_html(sample_run())
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_waived_findings_are_listed_with_their_reason() -> None:
    html = render_html(rich_run())
    assert "Waived findings (1)" in html
    assert "Waived: brand colours, fix by 2026-12-31" in html
    assert "2 open findings (2 critical) and 1 waived." in html
    # The waived one is still shown with its title, after the open ones.
    assert html.index("Waived findings (1)") < html.index("Text must have enough contrast")


def test_findings_are_grouped_by_severity_then_rule() -> None:
    html = render_html(rich_run())
    section = html[html.index('id="suite-accessibility"') : html.index('id="suite-security"')]
    assert section.index("Critical (2)") < section.index("Waived findings")
    assert "2 occurrences on 2 URLs" in section
    assert "header &gt; img.logo" in section
    assert 'href="https://dequeuniversity.com/rules/axe/4.10/image-alt"' in section


def test_suite_error_and_notes_are_visible() -> None:
    html = render_html(rich_run())
    section = html[html.index('id="suite-security"') : html.index('id="suite-extra"')]
    assert "This suite could not finish" in section
    assert "ZAP not reachable at http://127.0.0.1:8090: connection refused" in section
    assert "ZAP scan not run" in section
    # Notes are not tucked away in a collapsed <details>.
    assert "<details" not in section[: section.index("ZAP scan not run")]
    assert "Set a Content-Security-Policy header." in section


def test_checks_show_measured_value_and_readable_limits() -> None:
    html = render_html(rich_run())
    assert "1,240 ms" in html
    assert "warn &gt; 500 ms, fail &gt; 1,000 ms" in html
    assert "warn &lt; 500, fail &lt; 50" in html
    assert "not measured" in html
    # Status badges carry a word, not only a colour.
    assert re.search(r'class="tag tag-fail">.*?Fail</strong>', html)


def test_metrics_and_nested_metrics_are_shown() -> None:
    html = render_html(rich_run())
    assert "Requests sent" in html and "51,234" in html
    assert "<dt>Critical violations</dt><dd>2</dd>" in html
    # A suite without blocks still shows its nested metrics, as generic tables.
    assert "Security: alerts by risk" in html


def test_performance_details_become_tables_and_charts() -> None:
    html = render_html(rich_run())
    assert "Per endpoint" in html and "GET /search?q=" in html
    assert "ConnectionResetError &lt;script&gt;" in html
    figures = html.count("<figure")
    assert figures == 4
    assert html.count('role="img"') == 4
    assert html.count("<figcaption>") == 4
    assert "Show the numbers as a table" in html
    # The p95 chart draws its limits.
    assert 'class="limit limit-fail"' in html


def test_accessibility_groupings_render_from_its_blocks() -> None:
    html = render_html(rich_run())
    by_page = html[html.index("Violations by page") :]
    assert "Violations by rule" in html
    # Per-impact counts become their own columns; file paths and timings stay in result.json.
    assert '<th scope="col" class="num">Critical</th>' in by_page
    assert "axe/1.json" not in html and "load_ms" not in html
    assert "/, /start" in html  # a rule's pages, comma-separated


def test_details_of_a_suite_without_blocks_render_generically() -> None:
    plain = SuiteResult(
        name="plugin",
        checks=(Check("x", Status.PASS, "ok", 1, None),),
        details={"something_new": {"nested": {"deeper": [1, 2, {"x": SCRIPT}]}}, "pages": ["/a", "/b"]},
    )
    html = render_html(dataclasses.replace(rich_run(), suites={"plugin": plain}))
    assert "<h4>Something new</h4>" in html and "<li>/a</li><li>/b</li>" in html
    assert escape(SCRIPT) in html and SCRIPT not in html


def test_performance_run_parameters_and_tool_output_read_as_text() -> None:
    html = render_html(rich_run())
    assert "Users: 50" in html and "Paths: /, /search" in html
    assert '"spawn_rate"' not in html
    assert '<pre class="output"><code>line one' in html
    assert "Share of requests" in html and "0.01%" in html


@pytest.mark.parametrize(
    ("details", "seen"),
    [
        ({"timeline": "not a list"}, ["<h4>Timeline</h4><p>not a list</p>"]),
        ({"timeline": [1, 2, 3]}, ["<li>1</li><li>2</li><li>3</li>"]),
        ({"timeline": [{"t": "garbage", "rps": "fast"}]}, ["garbage</th>", "<td>fast</td>"]),
        ({"endpoints": {"GET /": {"requests": 3}}}, ["GET /", ">3</td>"]),
        ({"endpoints": [1, "two", None]}, ["<li>1</li><li>two</li><li>—</li>"]),
        ({"errors": "boom"}, ["<h4>Errors</h4><p>boom</p>"]),
        ({"run": {"parameters": {"deep": {"deeper": [1, {"x": 1}]}}}, "stderr_tail": 42}, ["deeper", "<p>42</p>"]),
        ({"weird": object()}, ["<h4>Weird</h4><p>&lt;object object at"]),
        ({7: {1, 2}}, ["<h4>7</h4><p>{1, 2}</p>"]),
    ],
)
def test_unexpected_detail_shapes_are_shown_as_they_are(details: dict[Any, Any], seen: list[str]) -> None:
    suite = SuiteResult(name="plugin", checks=(Check("x", Status.PASS, "ok", 1, None),), details=details)
    html = render_html(dataclasses.replace(rich_run(), suites={"plugin": suite}))
    details_part = html[html.index("<h3>Details</h3>") :]
    for text in seen:
        assert text in details_part


def test_interrupted_run_says_results_are_partial() -> None:
    html = render_html(rich_run(interrupted=True))
    assert "Interrupted: results are partial." in html
    assert html.index("<h1") < html.index("Interrupted: results are partial.") < html.index('id="why"')
    assert "Interrupted" not in render_html(rich_run())


def test_a_re_evaluated_run_says_when_its_verdict_was_judged_again() -> None:
    judged = dataclasses.replace(rich_run(), evaluated_at="2026-11-27T09:00:00Z")
    html = render_html(judged)
    assert "<dt>Verdict re-evaluated</dt>" in html and "by <code>golive evaluate</code>" in html
    assert "re-evaluated" not in render_html(rich_run())
    summary = render_markdown(judged)
    assert "Verdict re-evaluated 2026-11-27T09:00:00Z by `golive evaluate`" in summary
    assert "re-evaluated" not in render_markdown(rich_run())


def test_skipped_suite_is_shown_briefly() -> None:
    html = render_html(rich_run())
    section = html[html.index('id="suite-extra"') :]
    assert "Not run: not requested." in section
    assert "<h3" not in section[: section.index("</section>")]


def test_empty_run_still_renders() -> None:
    run = RunResult("r", "http://127.0.0.1:1", "", "", Verdict.INCONCLUSIVE, (), {})
    html = render_html(run)
    assert "INCONCLUSIVE" in html and "No suites were run." in html and "No reasons were recorded." in html


def test_the_page_loads_nothing_from_outside() -> None:
    html = render_html(rich_run())
    for tag, attrs in _tags(html):
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            value = attrs.get(name) or ""
            if tag == "a" and name == "href":
                continue  # help links are for the reader to follow, not resources the page loads
            assert not re.match(r"\s*(https?:)?//", value), (tag, name, value)
    assert not any(tag in ("script", "img", "iframe", "object", "embed") for tag, _ in _tags(html))
    assert all((attrs.get("href") or "").startswith("data:") for tag, attrs in _tags(html) if tag == "link")
    assert "@import" not in html and "url(" not in html


def test_headings_do_not_skip_levels() -> None:
    levels = [int(tag[1]) for tag, _ in _tags(render_html(rich_run())) if re.fullmatch(r"h[1-6]", tag)]
    assert levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_tables_have_captions_and_scoped_headers() -> None:
    tags = _tags(render_html(rich_run()))
    names = [tag for tag, _ in tags]
    assert names.count("table") == names.count("caption")
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in tags if tag == "th")
    wrappers = [attrs for tag, attrs in tags if tag == "div" and attrs.get("class") == "table-wrap"]
    assert wrappers and all(w.get("tabindex") == "0" and w.get("aria-label") for w in wrappers)


def test_every_suite_gets_a_section_in_result_order() -> None:
    html = render_html(rich_run())
    # Why, summary, the go-live checklist, and one section per suite (the skipped one included), in order.
    assert html.count("<section") == 3 + len(rich_run().suites)
    positions = [html.index(f'id="suite-{name}"') for name in rich_run().suites]
    assert positions == sorted(positions)


# Integration: the real page in real Chromium ------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize(
    "run",
    [
        rich_run(),
        rich_run(interrupted=True, verdict=Verdict.INCONCLUSIVE),
        rich_run(verdict=Verdict.READY),
        sample_run(interrupted=True, with_comparison=True),
    ],
    ids=["not-ready", "inconclusive-interrupted", "ready", "starter-sample"],
)
def test_report_passes_axe_wcag22aa_and_fits_320px(tmp_path: Path, run: RunResult) -> None:
    report = tmp_path / "report.html"
    report.write_text(render_html(run), encoding="utf-8")
    with serve({"/report.html": Route(report.read_text(encoding="utf-8"))}) as server:
        violations, narrow, wide = audit_page(f"{server.url}/report.html")
        # Loading the report asked the server for the page only: nothing else (no fonts, images, scripts).
        assert {path for _, path in server.requests} == {"/report.html"}
    assert violations == [], violation_summary(violations)
    assert narrow <= 320, f"horizontal overflow at 320 px: scrollWidth {narrow}"
    assert wide <= 1280


@pytest.mark.integration
def test_golive_own_accessibility_suite_passes_the_report(tmp_path: Path) -> None:
    html = render_html(rich_run())
    with serve({"/report.html": Route(html)}) as server:
        completed = run_golive(
            "run",
            "--target",
            server.url,
            "--suite",
            "accessibility",
            "--set",
            'accessibility.pages=["/report.html"]',
            "--out",
            str(tmp_path / "out"),
            cwd=tmp_path,
        )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_changes_since_the_previous_run_are_shown() -> None:
    html = render_html(sample_run(with_comparison=True))
    assert 'id="since"' in html
    assert "1 new finding(s), 1 resolved, 2 unchanged, 3 not compared" in html
    assert "security not run in this run: 3 finding(s)" in html
    assert "accessibility: region on http://127.0.0.1:8000/" in html
    assert "1240" in html
    assert 'id="since"' not in render_html(sample_run())


def test_screenshots_of_failing_pages_are_linked_relative_to_the_run_folder() -> None:
    by_page = [
        {"page": "/start", "status": "audited", "screenshot": "artifacts/accessibility/pages/002-start.jpeg"},
        {"page": "/evil", "status": "audited", "screenshot": "../../etc/passwd"},
        {"page": "/other", "status": "audited", "screenshot": "javascript://alert(1)"},
    ]
    suite = SuiteResult("accessibility", checks=(Check("x", Status.PASS, "ok"),), details={"by_page": by_page})
    suite = dataclasses.replace(suite, blocks=accessibility_blocks(suite))
    html = render_html(dataclasses.replace(rich_run(), suites={"accessibility": suite}))
    assert '<a href="artifacts/accessibility/pages/002-start.jpeg">View /start</a>' in html
    assert 'href="../../etc/passwd"' not in html
    assert 'href="javascript' not in html


def test_changed_measurements_are_named_in_words_with_their_unit() -> None:
    html = render_html(sample_run(with_comparison=True))
    assert "95th percentile response time (ms)" in html
    assert metric_in_words("scan_duration_s") == "scan duration (s)"
    assert metric_in_words("requests") == "requests"
