"""Unit tests of the suite's small parts: choosing Chromium, locating axe, sitemap parsing, crawl filtering."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.config_loader import ConfigError
from harness.settings import GoliveConfig
from harness.suite import GatherError
from suites.accessibility.artifacts import PageRecord, PageStatus, page_file_stem
from suites.accessibility.audit import AuditOptions
from suites.accessibility.axe_script import banner_version, locate_axe_script
from suites.accessibility.browser import choose_executable
from suites.accessibility.discovery import crawlable, page_key, parse_sitemap, same_origin_page, shard_of
from suites.accessibility.evidence import screenshot_band
from suites.accessibility.keyboard import analyse_walk
from suites.accessibility.settings import JourneyStep
from suites.accessibility.urls import display_path
from tests.support import REPO_ROOT


def _executable(folder: Path, name: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_the_configured_browser_wins(tmp_path: Path) -> None:
    configured = _executable(tmp_path, "my-chromium")
    own = _executable(tmp_path, "playwright-chrome")
    assert choose_executable(configured, own) == configured


def test_playwright_s_own_chromium_comes_before_the_debian_fallback(tmp_path: Path) -> None:
    own = _executable(tmp_path, "chrome")
    fallback = _executable(tmp_path, "chromium")
    assert choose_executable("", own, fallback) == own
    assert choose_executable("", str(tmp_path / "not-installed"), fallback) == fallback


def test_no_browser_is_a_one_line_error_with_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(GatherError, match=r"no Chromium found; install it with `apt-get install chromium`"):
        choose_executable("", None, str(tmp_path / "none"))
    with pytest.raises(GatherError, match=r"browser.executable '/nowhere/chromium' is not an executable file"):
        choose_executable("/nowhere/chromium", None, str(tmp_path / "none"))


def test_the_bundled_axe_is_found_and_its_version_read() -> None:
    axe = locate_axe_script(None)
    assert axe.path.name == "axe.min.js"
    assert axe.banner_version is not None and axe.banner_version.startswith("4.")


def test_a_configured_axe_script_must_exist(tmp_path: Path) -> None:
    script = tmp_path / "axe.min.js"
    script.write_text("/*! axe v4.99.0\n */ window.axe = {};")
    assert banner_version(script) == "4.99.0"
    assert locate_axe_script(str(script)).source == "accessibility.axe_script"
    with pytest.raises(GatherError, match="is not a file"):
        locate_axe_script(str(tmp_path / "missing.js"))


def test_axe_options_carry_tags_and_rule_switches() -> None:
    options = AuditOptions(tags=("wcag2a",), enable=("region",), disable=("color-contrast",)).axe_options()
    assert options["runOnly"] == {"type": "tag", "values": ["wcag2a"]}
    assert options["rules"] == {"region": {"enabled": True}, "color-contrast": {"enabled": False}}


def test_sitemap_and_sitemap_index_are_parsed() -> None:
    urlset = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc> https://a.example/one </loc></url><url><loc>https://a.example/two</loc></url></urlset>"
    )
    assert parse_sitemap(urlset) == (["https://a.example/one", "https://a.example/two"], [])
    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>https://a.example/pages.xml</loc></sitemap></sitemapindex>"
    )
    assert parse_sitemap(index) == ([], ["https://a.example/pages.xml"])
    with pytest.raises(ValueError, match="not a sitemap"):
        parse_sitemap("<html><body>Not found")


def test_only_same_origin_pages_are_crawled() -> None:
    base = "http://127.0.0.1:8000"
    assert same_origin_page("http://127.0.0.1:8000/a#top", base) == "http://127.0.0.1:8000/a"
    assert same_origin_page("http://127.0.0.1:9000/a", base) is None
    assert same_origin_page("mailto:team@example.org", base) is None
    assert same_origin_page("http://127.0.0.1:8000/report.pdf", base) is None


def test_crawl_patterns_and_sign_out_links() -> None:
    assert crawlable("http://h/guide/start", ["/guide/*"], [])
    assert not crawlable("http://h/news", ["/guide/*"], [])
    assert not crawlable("http://h/guide/old", [], ["/guide/old*"])
    assert not crawlable("http://h/account/Logout", [], [])


def test_page_records_round_trip_and_file_names_are_safe() -> None:
    record = PageRecord("http://h/a", "/a", PageStatus.LOAD_ERROR, error="HTTP 500", timing={"load_ms": 3.0})
    assert PageRecord.from_dict({**record.to_dict(), "from_the_future": 1}) == record
    assert page_file_stem(3, "/start/Page One") == "003-start-page-one"
    assert page_file_stem(1, "/") == "001-root"
    assert display_path("http://h/a?x=1", "http://h") == "/a?x=1"
    assert display_path("http://other/a", "http://h") == "http://other/a"


@pytest.mark.integration
def test_importing_the_suite_does_not_import_playwright() -> None:
    code = "import sys, suites.accessibility.suite; print('playwright' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "False"


def test_normalised_urls_make_one_page_of_reordered_queries() -> None:
    assert page_key("HTTP://Example.org:80/a?b=2&a=1#top") == "http://example.org/a?a=1&b=2"
    assert page_key("http://h:8000/a/") != page_key("http://h:8000/a")


def test_shards_deal_the_sorted_pages_round_robin() -> None:
    urls = ["http://h/e", "http://h/a", "http://h/c", "http://h/b", "http://h/d", "http://h/a"]
    first, second = shard_of(urls, 1, 2), shard_of(urls, 2, 2)
    assert first == ["http://h/a", "http://h/c", "http://h/e"]
    assert second == ["http://h/b", "http://h/d"]
    assert shard_of(urls, 3, 3) == ["http://h/c"]


def test_a_tab_walk_that_leaves_the_page_is_a_full_pass() -> None:
    walk = analyse_walk([-1, 0, 1, 2, -1, 0], started_at_top=True)
    assert walk.complete and walk.cycle is None and walk.reached == {0, 1, 2}
    # Started mid-page (an autofocused field): a full pass needs to come back round to where it began.
    assert not analyse_walk([-1, 2, 3, -1, 0], started_at_top=False).complete
    assert analyse_walk([-1, 2, 3, -1, 0, 1, 2], started_at_top=False).complete


def test_focus_that_loops_without_leaving_the_page_is_a_trap_candidate() -> None:
    assert analyse_walk([-1, 0, 1, 2, 1], started_at_top=True).cycle == [1, 2]
    assert analyse_walk([-1, 0, 0], started_at_top=True).cycle == [0]
    # A date field or a frame takes several presses on its own: staying there is not a loop.
    assert analyse_walk([-1, 0, 5, 5, 5, 1], started_at_top=True, multi_stop={5}).cycle is None


def test_step_and_shard_settings_explain_their_mistakes(make_config: Callable[..., GoliveConfig]) -> None:
    cases = {
        'accessibility.shard="5/4"': "INDEX must be between 1 and COUNT",
        'accessibility.shard="half"': 'expected "INDEX/COUNT" such as "2/4"',
        'accessibility.journeys=[{name = "x", steps = [{click = "#a"}]}]': "the first step must be a goto",
        'accessibility.journeys=[{name = "x", steps = [{goto = "/", click = "#a"}]}]': "exactly one of goto",
        'accessibility.journeys=[{name = "x", steps = [{goto = "/"}, {fill = "#a"}]}]': "a fill step needs a value",
        'accessibility.rule_impact={region = "huge"}': "accessibility.rule_impact.region",
        'accessibility.checks=["colour"]': "accessibility.checks[0]",
    }
    for override, expected in cases.items():
        with pytest.raises(ConfigError, match=re.escape(expected)):
            make_config(override)
    with pytest.raises(ConfigError, match=r"shard cannot be combined with crawl\.max_pages"):
        make_config('accessibility.shard="1/2"', "accessibility.crawl.max_pages=5")


def test_journey_steps_describe_themselves() -> None:
    steps = [
        JourneyStep(fill="#email", value="a@b.c"),
        JourneyStep(press="Enter", selector="#q"),
        JourneyStep(click="button"),
    ]
    assert [step.describe() for step in steps] == [
        "fill '#email' with 'a@b.c'",
        "press Enter in '#q'",
        "click 'button'",
    ]


def _layout(**values: int) -> dict[str, int]:
    page = {"drawn": 1, "width": 1280, "height": 5000, "top": 0, "bottom": 0, "scrollY": 0, "viewportHeight": 720}
    return {**page, **values}


def test_a_screenshot_shows_the_band_of_outlines_with_a_margin() -> None:
    band = screenshot_band(_layout(top=2800, bottom=3900), (1280, 720))
    assert (band.top, band.width, band.height, band.in_view) == (2600, 1280, 1500, False)


def test_a_screenshot_is_at_least_a_screenful_and_stays_on_the_page() -> None:
    near_the_end = screenshot_band(_layout(top=4900, bottom=4950), (1280, 720))
    assert (near_the_end.top, near_the_end.height) == (5000 - 720, 720)
    at_the_top = screenshot_band(_layout(top=100, bottom=140), (1280, 720))
    assert (at_the_top.top, at_the_top.height, at_the_top.in_view) == (0, 720, True)
    scrolled_away = screenshot_band(_layout(top=100, bottom=140, scrollY=900), (1280, 720))
    assert scrolled_away.in_view is False


def test_a_screenshot_without_outlines_shows_the_top_and_a_huge_band_is_capped() -> None:
    assert screenshot_band(_layout(drawn=0, top=0, bottom=0), (1280, 720)).height == 720
    huge = screenshot_band(_layout(height=50_000, top=100, bottom=40_000, width=9000), (1280, 720))
    assert (huge.top, huge.height, huge.width) == (0, 8000, 2000)
    short_page = screenshot_band(_layout(height=300, top=10, bottom=50), (1280, 720))
    assert (short_page.top, short_page.height) == (0, 300)
