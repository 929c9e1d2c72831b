"""One Chromium for the audit, its tabs, and the pool that reuses them.

Each tab has a browser context, and so a window, of its own (see `BrowserSession.new_tab`); axe is injected
into every frame by the context's init script, and the target's cookies and headers are set there too.
"""

from __future__ import annotations

import asyncio
import contextlib
from asyncio import FIRST_COMPLETED
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from harness.suite import GatherError, Target
from suites.accessibility.audit import VIEWPORT, BrowserLost, short_error
from suites.accessibility.axe_script import AxeScript
from suites.accessibility.browser import launch_chromium_async, trust_args
from suites.accessibility.urls import origin

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Dialog, Page, Playwright, Request, Route

# axe talks only to same-origin frames by default; embedded third-party frames (payment forms, maps, video) are
# part of what users meet on the page, so every frame's axe may answer the top frame. This browser is ours alone.
ALLOW_CROSS_ORIGIN_FRAMES_JS = (
    "if (window.axe && window.axe.configure) { window.axe.configure({ allowedOrigins: ['<unsafe_all_origins>'] }); }"
)
# Opening a tab takes well under a second; one that takes this long is waiting on a browser that went away.
TAB_OPEN_TIMEOUT_S = 30.0
TAB_CLOSE_TIMEOUT_S = 10.0


class BrowserSession:
    """One Chromium with one browser context prepared for the target: axe injected, cookies and headers set."""

    def __init__(
        self,
        playwright: Playwright,
        executable: str,
        axe: AxeScript,
        target: Target,
        timeout_s: float,
        storage_state: str | None = None,
    ) -> None:
        self._playwright = playwright
        self.executable = executable
        self._axe = axe
        self._target = target
        self._timeout_ms = timeout_s * 1000
        self._storage_state = storage_state
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        # Resolved when Chromium disconnects (crashed, killed or closed).
        self._gone: asyncio.Future[None] | None = None
        self.version = ""
        # The browser starts with the first tab, so a run whose every page is reused never launches it.
        self._launching = asyncio.Lock()
        self.launched = False
        # How a first launch that failed reads in the report (the caller knows what the user configured).
        self.explain_launch_failure: Callable[[GatherError], str] = str

    @property
    def context(self) -> BrowserContext:
        """The live browser context (start() must have been called)."""
        if self._context is None:
            raise BrowserLost("the browser is not running")
        return self._context

    async def ready(self) -> None:
        """Launch Chromium unless it was launched already (by this or another tab); GatherError if it will not."""
        async with self._launching:
            if not self.launched:
                try:
                    await self.start()
                except GatherError as error:
                    raise GatherError(self.explain_launch_failure(error)) from None
                self.launched = True

    async def start(self) -> None:
        """Launch Chromium and prepare the context; raise GatherError if it will not start."""
        trust = trust_args(self._target.url, self._target.ca_file)
        self._browser = await launch_chromium_async(self._playwright, self.executable, trust)
        self.version = self._browser.version
        # Bound to this browser: after a restart, the old one's late disconnect must not mark the new one gone.
        gone: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def on_disconnected(_: Browser) -> None:
            if not gone.done():
                gone.set_result(None)

        self._browser.on("disconnected", on_disconnected)
        self._gone = gone
        self._context = await self._new_context()

    async def _new_context(self) -> BrowserContext:
        if self._browser is None:
            raise BrowserLost("the browser is not running")
        context = await self._browser.new_context(
            viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]}, storage_state=self._storage_state
        )
        context.set_default_timeout(self._timeout_ms)
        # An init script reaches every frame, iframes included, before the page's own scripts run.
        await context.add_init_script(path=self._axe.path)
        await context.add_init_script(script=ALLOW_CROSS_ORIGIN_FRAMES_JS)
        if self._target.cookies:
            await context.add_cookies(
                [
                    {"name": name, "value": value, "url": self._target.url}
                    for name, value in self._target.cookies.items()
                ]
            )
        if self._target.headers:
            await context.route("**/*", self._add_target_headers)
        return context

    async def new_tab(self) -> Page:
        """A tab in a browser context of its own, prepared like `context`; BrowserLost if the browser is gone.

        Tabs of one context share a window, and Chromium draws only the window's front tab: after the viewport
        changes (the reflow check does that), a screenshot of a tab behind another waited a second or more for
        a frame. A context per tab puts every tab in front of its own window.
        """
        from playwright.async_api import Error as PlaywrightError

        await self.ready()
        gone = self._gone
        if self._browser is None or gone is None or not self._browser.is_connected():
            raise BrowserLost("the browser is not running")
        opening: asyncio.Future[Page] = asyncio.ensure_future(self._open_tab())
        # A tab asked for while Chromium is being killed can wait for an answer that never comes: stop waiting
        # when the browser goes, or when opening takes far longer than it ever does.
        waiting: set[asyncio.Future[Any]] = {opening, gone}
        done, _ = await asyncio.wait(waiting, timeout=TAB_OPEN_TIMEOUT_S, return_when=FIRST_COMPLETED)
        if opening in done:
            try:
                return opening.result()
            except PlaywrightError as error:
                raise BrowserLost(short_error(error)) from None
        # BrowserLost makes the caller restart Chromium, which takes any tab still opening with it.
        opening.cancel()
        if gone.done():
            raise BrowserLost("the browser closed while a new tab was being opened")
        raise BrowserLost(f"no tab opened within {TAB_OPEN_TIMEOUT_S:g}s; the browser stopped answering")

    async def _open_tab(self) -> Page:
        context = await self._new_context()
        page = await context.new_page()
        page.on("dialog", _answer_dialog)
        return page

    async def _add_target_headers(self, route: Route, request: Request) -> None:
        # Headers often carry credentials: send them to the target's origin only, never to third parties
        # (which extra_http_headers would do).
        if origin(request.url) == origin(self._target.url):
            await route.continue_(headers={**request.headers, **self._target.headers})
        else:
            await route.continue_()

    async def restart(self) -> None:
        """Close what is left of the browser and start a new one."""
        await self.close()
        await self.start()

    async def close(self) -> None:
        """Close the browser; never raises (it may already be gone)."""
        browser, self._browser, self._context = self._browser, None, None
        if browser is None:
            return
        # The process may have crashed or been interrupted; Playwright reaps it when the driver stops.
        with contextlib.suppress(Exception):
            await browser.close()


class TabPool:
    """Open tabs kept for the next page: opening a tab costs a new renderer process, navigating one does not."""

    def __init__(self, session: BrowserSession) -> None:
        self._session = session
        self._idle: list[Page] = []

    async def acquire(self) -> Page:
        """An idle tab, or a new one; BrowserLost if the browser is gone."""
        while self._idle:
            page = self._idle.pop()
            if not page.is_closed():
                return page
        return await self._session.new_tab()

    async def release(self, page: Page, reusable: bool) -> None:
        """Keep the tab for the next page, or close it when its state is unknown (a timeout, an error)."""
        if reusable and not page.is_closed():
            self._idle.append(page)
            return
        await close_tab(page)

    async def close(self) -> None:
        """Close every idle tab."""
        idle, self._idle = self._idle, []
        for page in idle:
            await close_tab(page)


async def close_tab(page: Page) -> None:
    """Close a tab from `BrowserSession.new_tab` with its context; never raises."""
    # The tab or the browser may already be gone; there is nothing left to release then, and a browser being
    # killed may never answer.
    with contextlib.suppress(Exception):
        await asyncio.wait_for(page.context.close(), timeout=TAB_CLOSE_TIMEOUT_S)


async def _answer_dialog(dialog: Dialog) -> None:
    # Leaving a page that asks "leave this page?" must not stall the tab for the next page; alerts are closed.
    with contextlib.suppress(Exception):
        await (dialog.accept() if dialog.type == "beforeunload" else dialog.dismiss())
