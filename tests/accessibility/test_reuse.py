"""Reusing earlier audits of unchanged pages, in real Chromium against a site served on 127.0.0.1.

Each test has a site of its own (its routes can be changed between runs) and a reuse cache of its own.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.blocks import Table
from harness.suite import GatherError
from suites.accessibility.axe_script import locate_axe_script
from suites.accessibility.report import accessibility_blocks
from suites.accessibility.reuse_key import CACHE_FORMAT
from tests.accessibility import pages
from tests.accessibility.running import Audit, MakeConfig, audit, chromium_missing
from tests.support import LocalServer, Route, serve

pytestmark = pytest.mark.integration

if (reason := chromium_missing()) is not None:
    pytest.skip(f"needs Chromium: {reason}", allow_module_level=True)

PAGES = ["/a", "/b", "/c", "/d"]
CSS = {"Content-Type": "text/css"}
JS = {"Content-Type": "text/javascript"}


def _page(title: str, body: str, own: str = "") -> str:
    head = f"<link rel='stylesheet' href='/site.css'><script src='/app.js'></script>{own}"
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    )


def _site() -> dict[str, Route]:
    return {
        "/a": Route(_page("Page A", "<img src='/a.png' width='10' height='10'>")),
        "/b": Route(_page("Page B", "<p id='note'>Notes</p>", "<script src='/b.js' defer></script>")),
        "/c": Route(_page("Page C", "<p class='quiet'>Small print</p>", "<link rel='stylesheet' href='/c.css'>")),
        "/d": Route(pages.CLEAN),
        "/site.css": Route("main { margin: 1em }", headers=CSS),
        "/app.js": Route("window.loaded = true;", headers=JS),
        "/b.js": Route("document.getElementById('note').textContent = 'Notes, ready';", headers=JS),
        "/c.css": Route(".quiet { color: #333; background: #fff }", headers=CSS),
        "/a.png": Route(b"\x89PNG\r\n", headers={"Content-Type": "image/png"}),
    }


@pytest.fixture
def site() -> Iterator[tuple[LocalServer, dict[str, Route]]]:
    """A site of this test's own, whose routes the test may change between runs."""
    routes = _site()
    with serve(routes) as server:
        yield server, routes


class Runs:
    """Runs of the real suite against one site, sharing one reuse cache, each in a folder of its own."""

    def __init__(self, make_config: MakeConfig, base: str, tmp_path: Path) -> None:
        self.make_config = make_config
        self.base = base
        self.root = tmp_path
        self.cache = tmp_path / "out" / ".cache" / "accessibility"
        self.count = 0

    def run(self, *overrides: str, secrets: tuple[str, ...] = ()) -> Audit:
        """One gather + evaluate over PAGES with the settings given."""
        self.count += 1
        folder = self.root / f"run{self.count}"
        folder.mkdir()
        settings = (f"accessibility.pages={json.dumps(PAGES)}", "accessibility.checks=[]", *overrides)
        return audit(self.make_config, self.base, folder, *settings, secrets=secrets, cache_dir=self.cache)

    def entries(self) -> list[Path]:
        """The entry files in the cache."""
        return sorted((self.cache / f"v{CACHE_FORMAT}" / "entries").glob("*.json"))


@pytest.fixture
def runs(make_config: MakeConfig, site: tuple[LocalServer, dict[str, Route]], tmp_path: Path) -> Runs:
    """Runs against this test's site."""
    return Runs(make_config, site[0].url, tmp_path)


def reused(run: Audit) -> set[str]:
    """The pages (as requested) whose audit was reused."""
    return {page["requested"] for page in run.index["pages"] if page["reused"]}


def fingerprints(run: Audit) -> list[str]:
    """The run's findings, as sorted fingerprints."""
    return sorted(finding.fingerprint for finding in run.result.findings)


def test_a_second_run_reuses_every_unchanged_page_with_identical_findings(
    make_config: MakeConfig, site: tuple[LocalServer, dict[str, Route]], tmp_path: Path
) -> None:
    server, _ = site
    runs = Runs(make_config, server.url, tmp_path)
    # golive's own checks and the screenshots are on: a reused page keeps them too.
    first = runs.run("accessibility.checks=['reflow', 'keyboard']", "accessibility.screenshots=true")
    assert reused(first) == set()
    assert len(runs.entries()) == len(PAGES)
    second = runs.run("accessibility.checks=['reflow', 'keyboard']", "accessibility.screenshots=true")

    assert reused(second) == set(PAGES)
    assert fingerprints(second) == fingerprints(first)
    assert "Chromium was not started: every page was unchanged and reused" in second.progress
    assert "Chromium was not started: every page was unchanged and reused" not in first.progress
    assert fingerprints(first), "the site has violations to compare"
    assert {page["reused_from"] for page in second.index["pages"]} == {first.index["started_at"]}
    assert second.result.metrics["pages_reused"] == len(PAGES)
    assert second.result.metrics["pages_audited"] == len(PAGES)
    assert any("4 of 4 pages were unchanged" in note for note in second.result.notes)
    # Each reused page's files are in the new run's folder, so `golive evaluate` can re-judge it on its own.
    page_a = second.page("/a")
    assert (second.folder / page_a["result_file"]).is_file()
    assert (second.folder / page_a["screenshot"]).is_file()
    rows = {row["page"]: row for row in second.result.details["by_page"]}
    assert rows["/a"]["reused"] == f"reused from the run of {first.index['started_at']}, unchanged"
    table = next(block for block in accessibility_blocks(second.result) if block.title == "Violations by page")
    assert isinstance(table, Table)
    assert "reused" in [column.key for column in table.columns]


def test_a_changed_document_or_subresource_is_audited_again(
    runs: Runs, site: tuple[LocalServer, dict[str, Route]]
) -> None:
    _, routes = site
    first = runs.run()
    # Page B's own script changes what the page says; page C's own stylesheet makes its text pale (a new finding).
    routes["/b.js"] = Route("document.getElementById('note').textContent = 'Changed';", headers=JS)
    routes["/c.css"] = Route(".quiet { color: #bbb; background: #fff }", headers=CSS)
    after_subresources = runs.run()
    assert reused(after_subresources) == {"/a", "/d"}
    assert "color-contrast" in after_subresources.rules_by_path(runs.base)["/c"]
    assert "color-contrast" not in first.rules_by_path(runs.base).get("/c", set())

    routes["/d"] = Route(pages.document("Clean page, edited", "<p>Nothing to see here, still.</p>"))
    after_document = runs.run()
    assert reused(after_document) == {"/a", "/b", "/c"}

    # The stylesheet every page but D loads: D alone is still unchanged.
    routes["/site.css"] = Route("main { margin: 2em }", headers=CSS)
    after_shared = runs.run()
    assert reused(after_shared) == {"/d"}


def test_reuse_false_audits_every_page(runs: Runs) -> None:
    runs.run()
    off = runs.run("accessibility.reuse=false")
    assert reused(off) == set()
    assert off.result.metrics["pages_reused"] == 0


def test_changed_settings_axe_or_session_invalidate_the_saved_audits(runs: Runs, tmp_path: Path) -> None:
    runs.run()
    assert reused(runs.run("accessibility.rules.disable=['region']")) == set()
    assert reused(runs.run("target.headers={X-Team = 'a11y'}")) == set()
    assert reused(runs.run("target.headers={X-Team = 'a11y'}")) == set(PAGES)
    assert reused(runs.run("target.headers={X-Team = 'other'}")) == set()

    axe = tmp_path / "axe.min.js"
    shutil.copyfile(locate_axe_script(None).path, axe)
    with axe.open("a", encoding="utf-8") as stream:
        stream.write("\n/* the same axe-core with one more byte */\n")
    assert reused(runs.run(f"accessibility.axe_script='{axe}'")) == set()

    state = tmp_path / "state.json"
    state.write_text(json.dumps({"cookies": [], "origins": []}))
    assert reused(runs.run(f"accessibility.storage_state='{state}'")) == set()
    assert reused(runs.run(f"accessibility.storage_state='{state}'")) == set(PAGES)
    cookie = {
        "name": "sid",
        "value": "s3cret-session",
        "domain": "127.0.0.1",
        "path": "/",
        "expires": -1,
        "httpOnly": False,
        "secure": False,
        "sameSite": "Lax",
    }
    state.write_text(json.dumps({"cookies": [cookie], "origins": []}))
    assert reused(runs.run(f"accessibility.storage_state='{state}'")) == set()
    cached = "".join(path.read_text() for path in runs.entries())
    assert "s3cret-session" not in cached


def test_a_corrupt_cache_is_ignored_and_rewritten(runs: Runs) -> None:
    runs.run()
    entries = runs.entries()
    entries[0].write_text("{ not json")
    entries[1].write_text(json.dumps({"format": 999}))
    run = runs.run()
    assert len(reused(run)) == len(PAGES) - 2
    assert any("2 accessibility reuse cache entries could not be read" in note for note in run.result.notes)
    assert reused(runs.run()) == set(PAGES)


def test_an_audit_that_failed_or_is_in_doubt_is_never_kept(make_config: MakeConfig, tmp_path: Path) -> None:
    routes: dict[str, Route] = {
        **_site(),
        "/broken": Route(pages.document("Broken", "<p>Down</p>"), status=500),
        "/posts": Route(
            pages.document("Posts", "<p>Saved</p><script>fetch('/api', {method: 'POST'})</script>"),
        ),
        "/api": Route("{}", headers={"Content-Type": "application/json"}),
    }
    with serve(routes) as server:
        runs = Runs(make_config, server.url, tmp_path)
        overrides = (
            f"accessibility.pages={json.dumps([*PAGES, '/broken', '/posts'])}",
            "accessibility.wait_until='networkidle'",
        )
        first = runs.run(*overrides)
        assert first.page("/broken")["status"] == "load_error"
        assert first.page("/posts")["status"] == "audited"
        assert len(runs.entries()) == len(PAGES)
        second = runs.run(*overrides)
    assert reused(second) == set(PAGES)
    assert second.page("/broken")["status"] == "load_error"


def test_secrets_never_reach_the_cache(runs: Runs, site: tuple[LocalServer, dict[str, Route]]) -> None:
    _, routes = site
    # The violating element carries the secret, so axe's own result quotes it.
    routes["/a"] = Route(_page("Page A", "<img src='/a.png' data-key='t0ken-value' width='10' height='10'>"))
    first = runs.run(secrets=("t0ken-value",))
    assert "image-alt" in first.rules_by_path(runs.base)["/a"]
    assert len(runs.entries()) == len(PAGES)
    assert all("t0ken-value" not in path.read_text() for path in runs.entries())
    second = runs.run(secrets=("t0ken-value",))
    assert reused(second) == set(PAGES)
    assert fingerprints(second) == fingerprints(first)
    assert "Chromium was not started: every page was unchanged and reused" in second.progress
    assert "Chromium was not started: every page was unchanged and reused" not in first.progress


def test_a_reused_page_still_feeds_the_crawl(runs: Runs, site: tuple[LocalServer, dict[str, Route]]) -> None:
    _, routes = site
    routes["/start"] = Route(_page("Start", "<a href='/a'>A</a> <a href='/c'>C</a>"))
    crawl = ("accessibility.pages=['/start']", "accessibility.crawl.max_pages=5")
    first = runs.run(*crawl)
    crawled = {page["url"].removeprefix(runs.base) for page in first.index["pages"]}
    assert crawled == {"/start", "/a", "/c"}
    second = runs.run(*crawl)
    assert {page["url"].removeprefix(runs.base) for page in second.index["pages"] if page["reused"]} == crawled


def test_a_redirect_is_reused_until_it_points_elsewhere(runs: Runs, site: tuple[LocalServer, dict[str, Route]]) -> None:
    _, routes = site
    routes["/old"] = Route("", status=302, headers={"Location": "/a"})
    only_old = "accessibility.pages=['/old']"
    first = runs.run(only_old)
    assert first.page("/old")["final_url"] == runs.base + "/a"
    assert reused(runs.run(only_old)) == {"/old"}
    routes["/old"] = Route("", status=302, headers={"Location": "/d"})
    moved = runs.run(only_old)
    assert reused(moved) == set()
    assert moved.page("/old")["final_url"] == runs.base + "/d"


def test_a_chromium_that_will_not_start_leaves_every_page_listed_as_not_audited(runs: Runs, tmp_path: Path) -> None:
    # It says which build it is, as Chromium does, but will not launch: the launch now comes with the first tab.
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Chromium 1.2.3.4' && exit 0\nexit 1\n")
    fake.chmod(0o755)
    with pytest.raises(GatherError, match="Chromium could not start"):
        runs.run(f"browser.executable='{fake}'")
    index = json.loads((runs.root / "run1" / "pages.json").read_text())
    assert [page["url"].removeprefix(runs.base) for page in index["pages"]] == PAGES
    assert {page["status"] for page in index["pages"]} == {"not_audited"}
    assert "Chromium could not start" in index["stopped"]
