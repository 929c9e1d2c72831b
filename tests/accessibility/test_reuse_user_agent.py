"""Reuse against a server that answers browsers differently by their User-Agent, in real Chromium on 127.0.0.1.

Such servers are common (bot detection, mobile and desktop variants, "unsupported browser" pages): the re-check
must ask as the audited browser asked, or it compares the wrong page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.accessibility import pages
from tests.accessibility.running import Audit, MakeConfig, audit_of_pages, chromium_missing
from tests.support import LocalServer, Route, serve

pytestmark = pytest.mark.integration

if (reason := chromium_missing()) is not None:
    pytest.skip(f"needs Chromium: {reason}", allow_module_level=True)

PAGES = ["/home", "/help"]
CSS = {"Content-Type": "text/css"}
UNSUPPORTED = pages.document("Unsupported browser", "<p>Please use a supported browser.</p>")


@dataclass
class UserAgentSite:
    """Pages and a stylesheet that headless Chromium is served one way and any other client another way.

    `headless` and `others` are the answers per path; the test may change them between runs. `seen` keeps the
    User-Agent and Accept-Language of every request, in order.
    """

    headless: dict[str, Route]
    others: dict[str, Route]
    seen: list[tuple[str, str, str]] = field(default_factory=list)

    def answer(self, handler: BaseHTTPRequestHandler) -> Route:
        """What the server answers this request, by the client's User-Agent."""
        path = handler.path.split("?", 1)[0]
        agent = handler.headers.get("User-Agent", "")
        self.seen.append((path, agent, handler.headers.get("Accept-Language", "")))
        return (self.headless if "HeadlessChrome" in agent else self.others)[path]


def _page(title: str, body: str) -> str:
    return pages.document(title, body).replace("</head>", "<link rel='stylesheet' href='/site.css'></head>", 1)


@pytest.fixture
def site() -> Iterator[tuple[LocalServer, UserAgentSite]]:
    """The site, served on 127.0.0.1 for this test alone."""
    shared = UserAgentSite(
        headless={
            "/home": Route(_page("Home", "<p class='quiet'>Welcome</p>")),
            "/help": Route(_page("Help", "<p>Ask us</p>")),
            "/site.css": Route(".quiet { color: #333; background: #fff }", headers=CSS),
        },
        others={
            "/home": Route(UNSUPPORTED),
            "/help": Route(UNSUPPORTED),
            "/site.css": Route("body { display: none }", headers=CSS),
        },
    )
    with serve(dict.fromkeys(shared.headless, shared.answer)) as server:
        yield server, shared


def run(make_config: MakeConfig, server: LocalServer, tmp_path: Path, number: int) -> Audit:
    """One gather + evaluate of PAGES, sharing the reuse cache of the earlier runs of this test."""
    return audit_of_pages(make_config, server.url, tmp_path, PAGES, number)


def test_the_recheck_asks_as_the_browser_did_so_an_unchanged_page_is_reused(
    make_config: MakeConfig, site: tuple[LocalServer, UserAgentSite], tmp_path: Path
) -> None:
    server, answers = site
    first = run(make_config, server, tmp_path, 1)
    assert first.reused() == set()
    browser_asked = list(answers.seen)
    # The browser was served the real pages: only they load the stylesheet.
    assert {path for path, _, _ in browser_asked} == {"/home", "/help", "/site.css"}
    agents = {agent for _, agent, _ in browser_asked}
    languages = {language for _, _, language in browser_asked}
    assert len(agents) == 1 and "HeadlessChrome" in next(iter(agents))
    answers.seen.clear()

    second = run(make_config, server, tmp_path, 2)

    # Chromium did not start: every request of this run is the re-check's, sent as the browser sent them.
    assert "Chromium was not started: every page was unchanged and reused" in second.progress
    assert second.reused() == set(PAGES)
    assert {path for path, _, _ in answers.seen} == {"/home", "/help", "/site.css"}
    assert {agent for _, agent, _ in answers.seen} == agents
    assert {language for _, _, language in answers.seen} == languages


def test_a_change_only_the_browsers_user_agent_is_served_is_audited_again(
    make_config: MakeConfig, site: tuple[LocalServer, UserAgentSite], tmp_path: Path
) -> None:
    server, answers = site
    first = run(make_config, server, tmp_path, 1)
    assert "color-contrast" not in first.rules_by_path(server.url).get("/home", set())

    # Only what headless Chromium is served changes: the stylesheet makes the home page's text pale.
    answers.headless["/site.css"] = Route(".quiet { color: #bbb; background: #fff }", headers=CSS)
    second = run(make_config, server, tmp_path, 2)
    assert second.reused() == set()
    assert "color-contrast" in second.rules_by_path(server.url)["/home"]

    # And only the help page's document: the home page, unchanged since run 2, is reused.
    answers.headless["/help"] = Route(_page("Help", "<p>Ask us anything</p>"))
    third = run(make_config, server, tmp_path, 3)
    assert third.reused() == {"/home"}
    assert "color-contrast" in third.rules_by_path(server.url)["/home"]
