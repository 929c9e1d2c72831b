"""Unit tests of the suite's small parts: choosing Chromium, locating axe, sitemap parsing, crawl filtering."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.suite import GatherError
from suites.accessibility.artifacts import PageRecord, PageStatus, page_file_stem
from suites.accessibility.audit import AuditOptions
from suites.accessibility.axe_script import banner_version, locate_axe_script
from suites.accessibility.browser import choose_executable
from suites.accessibility.discovery import crawlable, parse_sitemap, same_origin_page
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


def test_importing_the_suite_does_not_import_playwright() -> None:
    code = "import sys, suites.accessibility.suite; print('playwright' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "False"
