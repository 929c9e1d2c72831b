"""Reuse against a server that picks a format by the Accept header, in real Chromium on 127.0.0.1.

Such servers are common: an API framework answers HTML to a browser and JSON to anything else. The re-check must
ask for a document what the browser asked for, or an unchanged page is never reused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.accessibility import pages
from tests.accessibility.running import MakeConfig, audit_of_pages, chromium_missing
from tests.support import LocalServer, Route, serve

pytestmark = pytest.mark.integration

if (reason := chromium_missing()) is not None:
    pytest.skip(f"needs Chromium: {reason}", allow_module_level=True)

PAGES = ["/home", "/help"]
CSS = {"Content-Type": "text/css"}


@dataclass
class NegotiatingSite:
    """Pages in HTML for clients that accept it and in JSON otherwise, with a stylesheet.

    `greeting` is in every page's HTML (not its JSON); the test may change it between runs. `seen` keeps the path
    and Accept header of every request, in order.
    """

    greeting: str = "Welcome"
    seen: list[tuple[str, str]] = field(default_factory=list)

    def answer(self, handler: BaseHTTPRequestHandler) -> Route:
        """What the server answers this request, by the client's Accept header."""
        path = handler.path.split("?", 1)[0]
        accept = handler.headers.get("Accept", "")
        self.seen.append((path, accept))
        if path == "/site.css":
            return Route("p { color: #333; background: #fff }", headers=CSS)
        title = path.strip("/").title()
        if "text/html" in accept:
            body = pages.document(title, f"<p>{self.greeting}</p>").replace(
                "</head>", "<link rel='stylesheet' href='/site.css'></head>", 1
            )
            return Route(body, headers={"Content-Type": "text/html; charset=utf-8", "Vary": "Accept"})
        return Route(json.dumps({"title": title}), headers={"Content-Type": "application/json", "Vary": "Accept"})


@pytest.fixture
def site() -> Iterator[tuple[LocalServer, NegotiatingSite]]:
    """The site, served on 127.0.0.1 for this test alone."""
    shared = NegotiatingSite()
    with serve(dict.fromkeys([*PAGES, "/site.css"], shared.answer)) as server:
        yield server, shared


def test_the_recheck_asks_for_a_document_what_the_browser_asked_for(
    make_config: MakeConfig, site: tuple[LocalServer, NegotiatingSite], tmp_path: Path
) -> None:
    server, answers = site
    first = audit_of_pages(make_config, server.url, tmp_path, PAGES, 1)
    assert first.reused() == set()
    browser_asked = dict(answers.seen)
    assert "text/html" in browser_asked["/home"] and "text/html" in browser_asked["/help"]
    answers.seen.clear()

    second = audit_of_pages(make_config, server.url, tmp_path, PAGES, 2)

    # Chromium did not start: every request of this run is the re-check's; the documents were asked as the
    # browser asked for them (a "*/*" would have been answered in JSON, never the page audited).
    assert "Chromium was not started: every page was unchanged and reused" in second.progress
    assert second.reused() == set(PAGES)
    assert {path for path, _ in answers.seen} == {"/home", "/help", "/site.css"}
    assert [accept for path, accept in answers.seen if path in PAGES] == [browser_asked["/home"]] * 2


def test_a_change_only_in_the_html_is_audited_again(
    make_config: MakeConfig, site: tuple[LocalServer, NegotiatingSite], tmp_path: Path
) -> None:
    server, answers = site
    audit_of_pages(make_config, server.url, tmp_path, PAGES, 1)
    assert audit_of_pages(make_config, server.url, tmp_path, PAGES, 2).reused() == set(PAGES)
    # The JSON stays the same; the HTML the browser is served changes: both pages are audited again.
    answers.greeting = "Welcome back"
    assert audit_of_pages(make_config, server.url, tmp_path, PAGES, 3).reused() == set()
