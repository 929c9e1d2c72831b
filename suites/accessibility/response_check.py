"""Fetch a page's recorded responses again, without a browser, and tell whether every one is unchanged.

Only the URLs an earlier audit recorded are fetched, only with GET, redirects not followed, with the session
the browser had: the storage state's cookies, the configured cookies, and the configured headers on the
target's origin only (as the browser sends them). Each request also carries the identity headers the browser
sent that origin (User-Agent, Accept-Language, client hints), and a document the Accept header the browser sent
for it, so a server that answers browsers differently, or picks HTML or JSON by Accept, answers the re-check as
it answered the browser. A response that cannot be fetched is a change.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from harness.suite import Target
from suites.accessibility.response_log import RecordedResponse, body_hash
from suites.accessibility.urls import origin, origin_text

if TYPE_CHECKING:
    from playwright.async_api import APIRequestContext, Playwright, StorageState

# Loopback and staging servers answer a handful of small requests at once without strain.
PARALLEL_FETCHES = 6

BrowserHeaders = dict[str, dict[str, str]]


def session_state(target: Target, storage_state: str | None) -> dict[str, Any]:
    """The storage state the checker's requests carry: the file's cookies plus the configured cookies."""
    state: dict[str, Any] = {"cookies": [], "origins": []}
    if storage_state:
        loaded = json.loads(Path(storage_state).read_text(encoding="utf-8"))
        state["cookies"] = list(loaded.get("cookies") or [])
    host = target.host
    for name, value in target.cookies.items():
        state["cookies"].append(
            {
                "name": name,
                "value": value,
                "domain": host,
                "path": "/",
                "expires": -1,
                "httpOnly": False,
                "secure": target.url.startswith("https:"),
                "sameSite": "Lax",
            }
        )
    return state


def request_headers(url: str, browser_headers: BrowserHeaders, target: Target) -> dict[str, str]:
    """What a re-check of `url` sends: the identity headers the browser sent its origin, and on the target's
    origin the configured headers over them (as the browser's route sets them)."""
    headers = {name.lower(): value for name, value in browser_headers.get(origin_text(url), {}).items()}
    # Headers often carry credentials: the target's origin gets them, nobody else (as in the browser).
    if origin(url) == origin(target.url):
        headers.update({name.lower(): value for name, value in target.headers.items()})
    return headers


class ResponseChecker:
    """Answers "is this page's every response unchanged?", fetching each URL at most once per run."""

    def __init__(self, request: APIRequestContext, target: Target, timeout_s: float) -> None:
        self._request = request
        self._target = target
        self._timeout_ms = timeout_s * 1000
        self._fetched: dict[tuple[str, str], asyncio.Task[RecordedResponse | None]] = {}
        self._parallel = asyncio.Semaphore(PARALLEL_FETCHES)

    @staticmethod
    async def open(
        playwright: Playwright, target: Target, storage_state: str | None, timeout_s: float
    ) -> ResponseChecker:
        """A checker with a request context of its own (close it with `close`)."""
        state = cast("StorageState", session_state(target, storage_state))
        request = await playwright.request.new_context(storage_state=state)
        return ResponseChecker(request, target, timeout_s)

    def prefetch(self, responses: tuple[RecordedResponse, ...], browser_headers: BrowserHeaders) -> None:
        """Start fetching these responses, so that `unchanged` later finds them fetched or on their way."""
        for response in responses:
            if response.method == "GET":
                self._fetch(response, browser_headers)

    async def close(self) -> None:
        """Stop the fetches nobody waits for and release the request context; never raises."""
        unfinished = [task for task in self._fetched.values() if not task.done()]
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        try:
            await self._request.dispose()
        except Exception:  # the driver may already have stopped
            return

    async def unchanged(self, responses: tuple[RecordedResponse, ...], browser_headers: BrowserHeaders) -> bool:
        """Whether every recorded response comes back the same (same status, same body or redirect) when asked
        with the identity headers in `browser_headers` (per origin, as `ResponseLog.identity` recorded them)."""
        if not responses or any(response.method != "GET" for response in responses):
            return False
        fetched = await asyncio.gather(*(self._fetch(response, browser_headers) for response in responses))
        return all(now == before for now, before in zip(fetched, responses, strict=True))

    def _fetch(
        self, recorded: RecordedResponse, browser_headers: BrowserHeaders
    ) -> asyncio.Task[RecordedResponse | None]:
        url = recorded.url
        headers = request_headers(url, browser_headers, self._target)
        if recorded.accept:
            headers["accept"] = recorded.accept
        # One URL asked with other headers may be answered otherwise: it is fetched once per set of headers.
        asked = (url, json.dumps(headers, sort_keys=True))
        task = self._fetched.get(asked)
        if task is None:
            task = asyncio.ensure_future(self._get(url, headers))
            self._fetched[asked] = task
        return task

    async def _get(self, url: str, headers: dict[str, str]) -> RecordedResponse | None:
        async with self._parallel:
            try:
                response = await self._request.get(
                    url, headers=headers, max_redirects=0, fail_on_status_code=False, timeout=self._timeout_ms
                )
                status = response.status
                if 300 <= status < 400:
                    return RecordedResponse(url, "GET", status, location=response.headers.get("location"))
                return RecordedResponse(url, "GET", status, sha256=body_hash(await response.body()))
            except Exception:  # a connection error or timeout: the page cannot be vouched for
                return None
