"""Prove the session works: fetch `auth.check.url` over HTTP with the session, the way the load test and the
scanner will send it, and judge the answer.

The check runs once after signing in and again after every suite; what it says when it fails names the URL the
request ended on and the page's title, so a reader sees at once that it was the login page.
"""

from __future__ import annotations

import html
import http.client
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from harness import __version__
from harness.auth.login_page import path_of
from harness.auth.settings import AuthCheck
from harness.target import Target
from harness.tls_trust import client_context

USER_AGENT = f"golive/{__version__} (session check)"
MAX_REDIRECTS = 5
READ_LIMIT = 1_000_000
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: where it came from, its status, its Location (for a redirect) and its body text."""

    url: str
    status: int
    location: str | None
    text: str


@dataclass(frozen=True)
class CheckOutcome:
    """Whether the session was proved, and what the check saw (URL, status, title) in one line."""

    passed: bool
    seen: str
    problem: str = ""

    def describe(self, what: str = "the check") -> str:
        """One line: the problem and what the page showed."""
        return f"{what} failed: {self.problem}; the page showed {self.seen}"


def page_title(text: str) -> str:
    """The document's <title>, whitespace collapsed ("" without one)."""
    match = _TITLE.search(text)
    return " ".join(html.unescape(match.group(1)).split()) if match else ""


def _fetch(url: str, target: Target, timeout: float) -> Answer:
    """GET `url` with the target's headers and session cookies, without following redirects."""
    parts = urlsplit(url)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=timeout, context=client_context(target.ca_file)
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,*/*", **target.request_headers()}
    try:
        connection.request("GET", urlunsplit(("", "", parts.path or "/", parts.query, "")), headers=headers)
        response = connection.getresponse()
        body = response.read(READ_LIMIT)
        charset = response.headers.get_content_charset() or "utf-8"
        return Answer(url, response.status, response.getheader("Location"), body.decode(charset, errors="replace"))
    finally:
        connection.close()


def _follow(first: Answer, target: Target, timeout: float) -> Answer:
    """Follow same-origin redirects from the `first` answer (the session is never sent to another site)."""
    url, answer = first.url, first
    for _ in range(MAX_REDIRECTS):
        if answer.status not in (301, 302, 303, 307, 308) or not answer.location:
            return answer
        following = urljoin(answer.url, answer.location)
        if urlsplit(following).netloc != urlsplit(url).netloc:
            return answer
        answer = _fetch(following, target, timeout)
    return answer


def _seen(answer: Answer) -> str:
    title = page_title(answer.text)
    where = f"{answer.url} (HTTP {answer.status}"
    if answer.location:
        where += f", redirecting to {urljoin(answer.url, answer.location)}"
    return where + (f", titled {title!r})" if title else ", no title)")


def run_check(check: AuthCheck, target: Target, timeout: float) -> CheckOutcome:
    """Fetch the check's page with the session and judge it; never raises for network problems."""
    url = target.resolve(check.url)
    try:
        first = _fetch(url, target, timeout)
        final = _follow(first, target, timeout) if check.expect_text is not None else first
    except (OSError, http.client.HTTPException) as error:
        return CheckOutcome(False, f"no page ({url})", f"GET {url} got no answer: {type(error).__name__}: {error}")
    if check.expect_status is not None and first.status != check.expect_status:
        return CheckOutcome(False, _seen(first), f"GET {url} answered HTTP {first.status}, not {check.expect_status}")
    if check.expect_text is None:
        return CheckOutcome(True, _seen(first))
    if target.login_url and path_of(final.url) == path_of(target.login_url) != path_of(url):
        return CheckOutcome(False, _seen(final), f"GET {url} was redirected to the login page")
    if final.status >= 400:
        return CheckOutcome(False, _seen(final), f"GET {url} answered HTTP {final.status}")
    if check.expect_text not in final.text:
        return CheckOutcome(False, _seen(final), f"the text {check.expect_text!r} is not on {final.url}")
    return CheckOutcome(True, _seen(final))
