"""Pages that misbehave: a 50 MB page, malformed HTML, and a crawl trap of endless links and query variants. The
audit stays within its limits, ends, keeps its memory bounded, and the report says what it did."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.faults.cli import assert_kept, run
from tests.faults.target_server import misbehaving_server

pytestmark = pytest.mark.integration

CRAWL_PAGES = 8
# A sanity bound, not a measurement: golive with its Chromium holds a few hundred MB; a page read whole into
# memory several times over, or a crawl that never stops, would pass it.
MEMORY_BOUND = 1536 * 1024 * 1024


def test_a_huge_page_malformed_html_and_a_crawl_trap_stay_within_the_audits_limits(tmp_path: Path) -> None:
    with misbehaving_server() as server:
        outcome = run(
            [
                "run", "--target", server.url, "--suite", "accessibility",
                "--set", 'accessibility.pages=["/big", "/malformed", "/trap/0"]',
                "--set", f"accessibility.crawl={{max_pages={CRAWL_PAGES}, max_depth=1000}}",
                "--set", 'accessibility.page_timeout="10s"', "--set", 'accessibility.checks=[]',
            ],
            tmp_path,
            timeout=240,
        )  # fmt: skip
        trap_hits = [hit for hit in server.hits if hit.startswith("/trap")]
    assert outcome.result is not None, outcome.output
    assert_kept(tmp_path)
    metrics = outcome.result["suites"]["accessibility"]["metrics"]
    # The configured pages, and the crawl up to its limit: no more.
    assert metrics["pages_requested"] == 3 + CRAWL_PAGES
    assert len(trap_hits) <= 1 + CRAWL_PAGES
    messages = [reason["message"] for reason in outcome.result["reasons"]]
    assert f"the crawl stopped at accessibility.crawl.max_pages = {CRAWL_PAGES}; more links were not followed" in (
        messages
    )
    # Malformed HTML is parsed as a browser would and audited: its missing lang is found.
    findings = outcome.result["suites"]["accessibility"]["findings"]
    assert any(f["rule"] == "html-has-lang" and f["url"].endswith("/malformed") for f in findings)
    # The 50 MB page is audited, or said not to have loaded in time, with the setting that bounds it.
    pages_loaded = next(c for c in outcome.result["suites"]["accessibility"]["checks"] if c["id"] == "pages_loaded")
    assert pages_loaded["status"] == "pass" or "did not load within 10s (/big" in pages_loaded["message"]
    assert outcome.result["verdict"] != "READY" and outcome.code == 1
    assert 0 < outcome.peak_rss < MEMORY_BOUND
    assert "Traceback" not in outcome.output


def test_a_crawl_trap_of_query_variants_audits_a_few_of_each_path(tmp_path: Path) -> None:
    with misbehaving_server() as server:
        outcome = run(
            [
                "run", "--target", server.url, "--suite", "accessibility", "--set", 'accessibility.pages=["/trap/0"]',
                "--set", "accessibility.crawl={max_pages=30, max_depth=2}", "--set", 'accessibility.checks=[]',
            ],
            tmp_path,
            timeout=240,
        )  # fmt: skip
        trap_hits = [hit for hit in server.hits if hit.startswith("/trap")]
    assert outcome.result is not None, outcome.output
    assert outcome.code == 0 and outcome.result["verdict"] == "READY", outcome.output
    variants = Counter(hit for hit in trap_hits)
    assert max(variants.values()) <= 1 + 3, "a path was requested with more than a few query variants"
    messages = [reason["message"] for reason in outcome.result["reasons"]]
    assert "the crawl stopped at accessibility.crawl.max_depth = 2 links deep" in messages
    assert "only 3 query-string variants of each path are audited; more were found" in messages
    assert outcome.result["suites"]["accessibility"]["metrics"]["pages_requested"] < 30
