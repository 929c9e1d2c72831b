"""Every response a tab received while one page was audited: its URL, method, status and a hash of its body.

The log is what makes a page's audit reusable: when each of these responses comes back byte-identical, the
page the browser would build from them is the one already audited. Anything the log cannot vouch for (a
request that failed, a body the browser no longer has, a POST, a service worker's answer) leaves it in doubt,
and a page in doubt is never reused.

Servers tell browsers apart by a few request headers (a bot check, a mobile variant, an "unsupported browser"
page): the log keeps those headers as the browser sent them to each origin, so that a re-check can ask the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from suites.accessibility.urls import origin_text

if TYPE_CHECKING:
    from playwright.async_api import Page, Request, Response

# Bodies are read as responses arrive; a body still streaming when the audit ends gets this long to finish.
SETTLE_TIMEOUT_S = 5.0
NOT_MODIFIED = 304
# The request headers by which servers commonly choose what to answer a browser (its identity and language).
IDENTITY_HEADERS = ("user-agent", "accept-language", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform")


@dataclass(frozen=True)
class RecordedResponse:
    """One response as the browser received it: a redirect keeps its Location, anything else its body hash."""

    url: str
    method: str
    status: int
    sha256: str | None = None
    location: str | None = None
    # The Accept header the browser sent for a document, for the re-check to ask the same: servers choose HTML or
    # JSON by it. Not part of what the response is.
    accept: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The response as saved in a reuse entry."""
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> RecordedResponse:
        """Read a response saved by `to_dict`; KeyError or TypeError when it is not one."""
        return RecordedResponse(
            url=str(data["url"]),
            method=str(data["method"]),
            status=int(data["status"]),
            sha256=None if data.get("sha256") is None else str(data["sha256"]),
            location=None if data.get("location") is None else str(data["location"]),
            accept=None if data.get("accept") is None else str(data["accept"]),
        )


def body_hash(body: bytes) -> str:
    """The hex SHA-256 of a response body."""
    return hashlib.sha256(body).hexdigest()


class ResponseLog:
    """Listens to one tab while a page is audited; `doubt` says why the log is incomplete, None when it is not."""

    def __init__(self) -> None:
        self._responses: dict[tuple[str, str], RecordedResponse] = {}
        self._reading: set[asyncio.Task[None]] = set()
        self._page: Page | None = None
        self._identity: dict[str, dict[str, str]] = {}
        self.doubt: str | None = None

    def attach(self, page: Page) -> None:
        """Start recording what `page` receives."""
        self._page = page
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_failed)

    async def detach(self) -> None:
        """Stop recording and wait (briefly) for the bodies still being read."""
        page, self._page = self._page, None
        if page is not None:
            with contextlib.suppress(Exception):
                page.remove_listener("response", self._on_response)
                page.remove_listener("requestfailed", self._on_failed)
        if not self._reading:
            return
        _, late = await asyncio.wait(self._reading, timeout=SETTLE_TIMEOUT_S)
        for task in late:
            task.cancel()
        if late:
            self._doubt(f"{len(late)} response bodies were still arriving when the audit ended")

    @property
    def responses(self) -> tuple[RecordedResponse, ...]:
        """The responses recorded, in the order they arrived."""
        return tuple(self._responses.values())

    @property
    def identity(self) -> dict[str, dict[str, str]]:
        """Per origin, the IDENTITY_HEADERS the browser sent there (names in lower case)."""
        return {site: dict(headers) for site, headers in self._identity.items()}

    def _doubt(self, why: str) -> None:
        self.doubt = self.doubt or why

    def _on_failed(self, request: Request) -> None:
        self._doubt(f"a request failed ({request.url})")

    def _on_response(self, response: Response) -> None:
        task = asyncio.ensure_future(self._record(response))
        self._reading.add(task)
        task.add_done_callback(self._reading.discard)

    async def _record(self, response: Response) -> None:
        method = response.request.method
        if method != "GET":
            self._doubt(f"the page sent a {method} request ({response.url})")
            return
        if response.from_service_worker:
            self._doubt(f"a service worker answered {response.url}")
            return
        await self._note_identity(response.request)
        accept = await self._document_accept(response.request)
        status = response.status
        if 300 <= status < 400:
            location = await response.header_value("location")
            self._keep(RecordedResponse(response.url, method, status, location=location, accept=accept))
            return
        try:
            body = await response.body()
        except Exception as error:  # the tab navigated on or closed: the browser no longer has the body
            self._doubt(f"the body of {response.url} could not be read ({type(error).__name__})")
            return
        # A revalidated cache entry (304) is the body the browser already had: as a fresh fetch would return it.
        if status == NOT_MODIFIED and body:
            status = 200
        self._keep(RecordedResponse(response.url, method, status, sha256=body_hash(body), accept=accept))

    @staticmethod
    async def _document_accept(request: Request) -> str | None:
        # Only a document's: Playwright may read another resource's body (an image's) by fetching it again without
        # the browser's Accept, so the body recorded is the answer to "*/*", which the re-check asks by default.
        if request.resource_type != "document":
            return None
        try:
            return (await request.all_headers()).get("accept")  # `headers` leaves out what the network stack adds
        except Exception:  # the tab closed: the re-check asks "*/*", at worst a needless re-audit
            return None

    async def _note_identity(self, request: Request) -> None:
        # The browser sends one origin the same identity on every request: the first request there says it.
        site = origin_text(request.url)
        if site in self._identity:
            return
        self._identity[site] = {}
        try:
            headers = await request.all_headers()
        except Exception as error:  # the tab closed: what was sent is unknown
            self._doubt(f"the request headers sent to {site} could not be read ({type(error).__name__})")
            return
        self._identity[site] = {name: headers[name] for name in IDENTITY_HEADERS if name in headers}

    def _keep(self, response: RecordedResponse) -> None:
        key = (response.method, response.url)
        earlier = self._responses.get(key)
        if earlier is not None and earlier != response:
            # One URL answered twice, differently, during one audit: its content is not stable enough to vouch for.
            self._doubt(f"{response.url} answered differently within one audit")
        self._responses.setdefault(key, response)
