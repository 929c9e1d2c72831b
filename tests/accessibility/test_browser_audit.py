"""The accessibility suite end to end: real Chromium, real axe-core, pages served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from harness.models import Status
from harness.suite import GatherError
from suites.accessibility.browser import launch_chromium, launch_chromium_async
from tests.accessibility import pages
from tests.accessibility.running import MakeConfig, audit, chromium_missing
from tests.support import REPO_ROOT, LocalServer, Route, RouteTable, free_port, run_golive, serve

pytestmark = pytest.mark.integration

if (reason := chromium_missing()) is not None:
    pytest.skip(f"needs Chromium: {reason}", allow_module_level=True)


SITE = {
    "/": Route(pages.CLEAN),
    "/clean": Route(pages.CLEAN),
    "/nolang": Route(pages.NO_LANG),
    "/picture": Route(pages.IMAGE_WITHOUT_ALT),
    "/framed": Route(pages.WITH_IFRAME),
    "/frame": Route(pages.FRAME_WITH_IMAGE),
    "/broken": Route("<h1>Internal error</h1>", status=500),
    "/slow": Route(pages.CLEAN, delay=4.0),
}


@pytest.fixture(scope="module")
def site() -> Iterator[LocalServer]:
    """The test site, shared by the tests of this module."""
    with serve(SITE) as server:
        yield server


def golive(site: LocalServer, out: Path, *pages_and_sets: str) -> tuple[int, dict[str, Any]]:
    """Run the real CLI on the accessibility suite and return its exit code and result.json."""
    completed = run_golive(
        "run", "--target", site.url, "--suite", "accessibility", *pages_and_sets, "--out", str(out), cwd=REPO_ROOT
    )
    result_file = out / "latest" / "result.json"
    assert result_file.exists(), completed.stdout + completed.stderr
    return completed.returncode, json.loads(result_file.read_text())


def test_a_page_without_lang_makes_the_run_not_ready(site: LocalServer, tmp_path: Path) -> None:
    code, result = golive(site, tmp_path, "--set", 'accessibility.pages=["/nolang"]')
    assert code == 1
    assert result["verdict"] == "NOT_READY"
    suite = result["suites"]["accessibility"]
    assert "html-has-lang" in {finding["rule"] for finding in suite["findings"]}
    assert suite["metrics"]["pages_audited"] == 1
    assert suite["metrics"]["axe_version"].startswith("4.")
    artifacts = tmp_path / "latest" / "artifacts" / "accessibility"
    index = json.loads((artifacts / "pages.json").read_text())
    assert index["pages"][0]["status"] == "audited"
    assert (artifacts / index["pages"][0]["result_file"]).exists()
    screenshot = artifacts / index["pages"][0]["screenshot"]
    assert screenshot.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    # The report's details point at it relative to the run folder, where report.html is.
    by_page = suite["details"]["by_page"][0]
    assert (tmp_path / "latest" / by_page["screenshot"]).samefile(screenshot)


def test_a_clean_page_is_ready(site: LocalServer, tmp_path: Path) -> None:
    code, result = golive(site, tmp_path, "--set", 'accessibility.pages=["/clean"]')
    assert (code, result["verdict"]) == (0, "READY")
    suite = result["suites"]["accessibility"]
    assert suite["findings"] == []
    assert suite["metrics"]["by_impact"] == {"critical": 0, "serious": 0, "moderate": 0, "minor": 0}


def test_pages_that_fail_to_load_make_the_run_inconclusive(site: LocalServer, tmp_path: Path) -> None:
    pages_set = 'accessibility.pages=["/clean", "/broken", "/slow"]'
    code, result = golive(site, tmp_path, "--set", pages_set, "--set", 'accessibility.page_timeout="1500ms"')
    assert (code, result["verdict"]) == (2, "INCONCLUSIVE")
    check = next(c for c in result["suites"]["accessibility"]["checks"] if c["id"] == "pages_loaded")
    assert check["status"] == "error"
    assert "the page answered HTTP 500 (/broken)" in check["message"]
    assert "did not load within 1.5s (/slow)" in check["message"]


def test_zero_pages_audited_is_a_gather_error(site: LocalServer, make_config: MakeConfig, tmp_path: Path) -> None:
    refused = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(
        GatherError, match=r"^no page could be audited: the page answered HTTP 500 \(/broken\); connection refused"
    ):
        audit(make_config, site.url, tmp_path, f'accessibility.pages=["/broken", "{refused}"]')
    index = json.loads((tmp_path / "pages.json").read_text())
    assert [page["status"] for page in index["pages"]] == ["load_error", "load_error"]


def test_images_and_iframes_are_audited_across_origins(
    site: LocalServer, make_config: MakeConfig, tmp_path: Path
) -> None:
    # The second server is another origin (another port): axe must still reach into its frame.
    with serve({"/frame": Route(pages.FRAME_WITH_IMAGE)}) as other:
        cross = {
            "/cross": Route(pages.document("Cross", f"<iframe title='Other site' src='{other.url}/frame'></iframe>"))
        }
        with serve({**SITE, **cross}) as local:
            result = audit(make_config, local.url, tmp_path, 'accessibility.pages=["/picture", "/framed", "/cross"]')
    found = {(f.url.removeprefix(local.url), f.rule, f.selector) for f in result.result.findings}
    assert found == {
        ("/picture", "image-alt", "img"),
        ("/framed", "image-alt", "iframe >>> img"),
        ("/cross", "image-alt", "iframe >>> img"),
    }
    assert "audited 3/3 pages: " in result.progress[-1]
    assert "audited 1/3 pages: /cross (1 violation)" in [
        line.replace("2/3", "1/3").replace("3/3", "1/3") for line in result.progress
    ]


def test_headers_cookies_and_storage_state_reach_the_target_only(make_config: MakeConfig, tmp_path: Path) -> None:
    seen: dict[str, dict[str, str]] = {}

    def recorder(body: str) -> Callable[[BaseHTTPRequestHandler], Route]:
        def answer(handler: BaseHTTPRequestHandler) -> Route:
            seen[handler.headers.get("Host", "")] = dict(handler.headers)
            return Route(body)

        return answer

    # A Playwright storage-state file, as saved after logging in, carries a second cookie.
    state = tmp_path / "state.json"
    login = {"name": "login", "value": "stored-789", "domain": "127.0.0.1", "path": "/", "expires": -1}
    login |= {"httpOnly": True, "secure": False, "sameSite": "Lax"}
    state.write_text(json.dumps({"cookies": [login], "origins": []}))
    with serve({"/frame": recorder(pages.FRAME_WITH_IMAGE)}) as other:
        page = pages.document("Private", f"<iframe title='Other' src='{other.url}/frame'></iframe>")
        with serve({"/private": recorder(page)}) as local:
            audit(
                make_config,
                local.url,
                tmp_path / "run",
                'accessibility.pages=["/private"]',
                'target.headers={Authorization = "Bearer test-token-123"}',
                'target.cookies={session = "cookie-value-456"}',
                f'accessibility.storage_state="{state}"',
                secrets=("test-token-123", "cookie-value-456"),
            )
    own, third_party = seen[local.url.removeprefix("http://")], seen[other.url.removeprefix("http://")]
    assert own["Authorization"] == "Bearer test-token-123"
    assert "session=cookie-value-456" in own["Cookie"]
    assert "login=stored-789" in own["Cookie"]
    # Cookies are scoped by host, not port, so only the header can show that another origin was left alone.
    assert "Authorization" not in third_party
    written = "".join(path.read_text() for path in (tmp_path / "run").rglob("*.json"))
    assert "test-token-123" not in written and "cookie-value-456" not in written


def test_every_tab_is_visible_while_its_page_is_audited(make_config: MakeConfig, tmp_path: Path) -> None:
    # Pages and a journey across three tabs at once, each tab in a window of its own, with checks and screenshots:
    # every page is audited as the visible page a user sees (a hidden one would add the fault it shows then).
    seen = {f"/seen/{number}": Route(pages.SHOWS_A_FAULT_WHEN_HIDDEN) for number in range(6)}
    journey = 'accessibility.journeys=[{name="visit", steps=[{goto="/seen/0"}]}]'
    with serve({**SITE, **seen}) as local:
        result = audit(
            make_config,
            local.url,
            tmp_path,
            f"accessibility.pages={json.dumps(list(seen))}",
            "accessibility.concurrency=3",
            journey,
            screenshots=True,
        )
    assert result.index["pages"] and all(page["status"] == "audited" for page in result.index["pages"])
    assert len(result.index["pages"]) == 7
    assert result.result.findings == ()


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame segment."""
    at = 2
    while at < len(data):
        marker, length = data[at + 1], int.from_bytes(data[at + 2 : at + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(data[at + 7 : at + 9], "big"), int.from_bytes(data[at + 5 : at + 7], "big")
        at += 2 + length
    raise AssertionError("no start-of-frame segment in the JPEG")


def test_the_screenshot_shows_the_part_of_a_long_page_that_fails(make_config: MakeConfig, tmp_path: Path) -> None:
    with serve({"/tall": Route(pages.TALL_WITH_A_FAULT_DOWN_BELOW)}) as local:
        result = audit(make_config, local.url, tmp_path, 'accessibility.pages=["/tall"]', screenshots=True)
    assert {finding.rule for finding in result.result.findings} == {"image-alt"}
    width, height = _jpeg_size((tmp_path / result.page("/tall")["screenshot"]).read_bytes())
    # One screenful (the image, 200 px either side, at least 720 px) of a page over 5,000 px tall.
    assert (width, height) == (1280, 720)


def test_a_redirect_to_another_origin_is_not_audited(make_config: MakeConfig, tmp_path: Path) -> None:
    with serve({"/": Route(pages.NO_LANG)}) as elsewhere:
        moved = {"/moved": Route("", status=302, headers={"Location": f"{elsewhere.url}/"})}
        with serve({**SITE, **moved}) as local:
            result = audit(make_config, local.url, tmp_path, 'accessibility.pages=["/clean", "/moved"]')
    assert result.page("/moved")["status"] == "offsite"
    assert result.result.findings == ()
    check = next(check for check in result.result.checks if check.id == "pages_loaded")
    assert check.status is Status.WARN and "/moved" in check.message


def test_sitemap_and_crawl_add_same_origin_pages(make_config: MakeConfig, tmp_path: Path) -> None:
    def sitemap(handler: BaseHTTPRequestHandler) -> Route:
        base = f"http://{handler.headers['Host']}"
        urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in (f"{base}/nolang", "https://elsewhere.example/x"))
        return Route(f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>", headers={})

    links = "".join(f"<a href='{href}'>{href}</a> " for href in ("/picture", "/logout", "/guide.pdf", "/clean#top"))
    routes: RouteTable = {
        **SITE,
        "/sitemap.xml": sitemap,
        "/": Route(pages.document("Home", links)),
        "/logout": Route("bye"),
    }
    with serve(routes) as local:
        result = audit(
            make_config,
            local.url,
            tmp_path,
            'accessibility.pages=["/"]',
            "accessibility.sitemap=true",
            "accessibility.crawl.max_pages=5",
        )
        requested = {path for _, path in local.requests}
    assert [(page["requested"], page["source"]) for page in result.index["pages"]] == [
        ("/", "config"),
        (result.page(f"{local.url}/nolang")["requested"], "sitemap"),
        ("/picture", "crawl"),
        ("/clean", "crawl"),
    ]
    assert "/logout" not in requested and "/guide.pdf" not in requested
    assert result.index["discovery"]["sitemap"]["skipped_offsite"] == 1
    sitemap_check = next(check for check in result.result.checks if check.id == "sitemap")
    assert sitemap_check.status is Status.PASS


def test_a_missing_storage_state_file_is_a_clear_gather_error(
    site: LocalServer, make_config: MakeConfig, tmp_path: Path
) -> None:
    with pytest.raises(GatherError, match=r"accessibility.storage_state '.*nowhere.json' is not a file; save one"):
        audit(
            make_config,
            site.url,
            tmp_path,
            'accessibility.pages=["/clean"]',
            'accessibility.storage_state="nowhere.json"',
        )


def test_an_unknown_rule_id_is_a_clear_gather_error(site: LocalServer, make_config: MakeConfig, tmp_path: Path) -> None:
    expected = r"accessibility.rules names rule id\(s\) that axe-core 4\.\S+ does not have: no-such-rule"
    rules = 'accessibility.rules.disable=["no-such-rule"]'
    with pytest.raises(GatherError, match=expected):
        audit(make_config, site.url, tmp_path, 'accessibility.pages=["/clean"]', rules)


def _chromium_browser_pids() -> list[int]:
    """Chromium main processes started (through Playwright's driver) by this test process."""
    me = os.getpid()
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
        names[int(entry.name)] = name

    def descends_from_me(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == me:
                return True
        return False

    return [
        pid
        for pid, name in names.items()
        if "chrom" in name and "chrom" not in names.get(parents.get(pid, 0), "") and descends_from_me(pid)
    ]


def test_a_browser_killed_mid_run_is_restarted_and_only_the_culprit_is_lost(
    make_config: MakeConfig, tmp_path: Path
) -> None:
    def crash(handler: BaseHTTPRequestHandler) -> Route:
        for pid in _chromium_browser_pids():
            os.kill(pid, signal.SIGKILL)
        return Route(pages.CLEAN, delay=1.0)

    # /slow is still loading in another tab when /crash kills the browser: it is retried, not blamed.
    slow = {"/slow-ok": Route(pages.NO_LANG, delay=0.8)}
    with serve({**SITE, **slow, "/crash": crash}) as local:
        result = audit(
            make_config,
            local.url,
            tmp_path,
            'accessibility.pages=["/slow-ok", "/crash", "/clean", "/nolang"]',
            "accessibility.concurrency=3",
        )
    statuses = [page["status"] for page in result.index["pages"]]
    assert statuses == ["audited", "audit_error", "audited", "audited"]
    assert "browser crashed" in result.page("/crash")["error"]
    assert result.index["browser_restarts"] == 2  # one to retry the open pages alone, one after the culprit
    assert any(
        re.search(r"restarting it; retrying [23] open page\(s\) one at a time", line) for line in result.progress
    )
    assert {finding.rule for finding in result.result.findings} == {"html-has-lang"}


def test_a_browser_that_keeps_crashing_stops_with_what_was_saved(make_config: MakeConfig, tmp_path: Path) -> None:
    def crash(handler: BaseHTTPRequestHandler) -> Route:
        for pid in _chromium_browser_pids():
            os.kill(pid, signal.SIGKILL)
        return Route(pages.CLEAN, delay=1.0)

    crashing = {"/crash": crash, "/crash-again": crash, "/crash-third": crash}
    with (
        serve({**SITE, **crashing}) as local,
        pytest.raises(GatherError, match="crashed 3 times"),
    ):
        audit(
            make_config,
            local.url,
            tmp_path,
            'accessibility.pages=["/clean", "/crash", "/crash-again", "/crash-third", "/nolang"]',
            "accessibility.concurrency=1",
        )
    index = json.loads((tmp_path / "pages.json").read_text())
    statuses = [page["status"] for page in index["pages"]]
    assert statuses == ["audited", "audit_error", "audit_error", "audit_error", "not_audited"]


def test_launch_failure_is_a_one_line_gather_error(tmp_path: Path) -> None:
    from playwright.async_api import async_playwright
    from playwright.sync_api import sync_playwright

    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)

    async def launch() -> None:
        async with async_playwright() as playwright:
            await launch_chromium_async(playwright, str(fake))

    with pytest.raises(GatherError, match=r"^Chromium at .* did not start: ") as caught:
        asyncio.run(launch())
    assert "\n" not in str(caught.value)
    with sync_playwright() as playwright, pytest.raises(GatherError, match=r"^Chromium at .* did not start: "):
        launch_chromium(playwright, str(fake))
