"""Gather: audit every planned page and journey in one Chromium and save the raw results plus a page index.

One browser; `accessibility.concurrency` tabs are audited at once, since one tab waits for the network or the
driver while another runs axe. Each tab has a browser context, and so a window, of its own (see `new_tab`). The
index is rewritten after every page, so a crash or Ctrl-C leaves an accurate record of what was audited.

When Chromium dies, every tab dies with it and the page to blame is unknown: the pages that were open are
retried one at a time, so the one that kills the browser again, alone, is the one recorded as the crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
from asyncio import FIRST_COMPLETED
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harness.rundir import utc_timestamp
from harness.suite import GatherContext, GatherError, Target, write_atomic
from suites.accessibility.artifacts import (
    INDEX,
    INDEX_VERSION,
    PAGES_FOLDER,
    PageRecord,
    PageStatus,
    page_file_stem,
)
from suites.accessibility.audit import (
    VIEWPORT,
    AuditOptions,
    BrowserLost,
    PageAudit,
    UnknownRules,
    audit_page,
    short_error,
)
from suites.accessibility.axe_script import AxeScript, locate_axe_script
from suites.accessibility.browser import choose_executable, launch_chromium_async, playwright_chromium_path
from suites.accessibility.discovery import crawlable, fetch_sitemap, normalise_url, same_origin_page, shard_of
from suites.accessibility.journeys import run_journey
from suites.accessibility.settings import AccessibilitySettings, Journey
from suites.accessibility.urls import display_path, origin

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Dialog, Page, Playwright, Request, Route

# Two restarts: one to retry the pages that were open when Chromium died, one more to survive the page that
# kills it again on its own; a browser that keeps dying after that will not get better.
MAX_BROWSER_RESTARTS = 2
STOPPED_EARLY = "the run stopped before this page was audited"
CRASHED = "the browser crashed while auditing this page"
# axe talks only to same-origin frames by default; embedded third-party frames (payment forms, maps, video) are
# part of what users meet on the page, so every frame's axe may answer the top frame. This browser is ours alone.
ALLOW_CROSS_ORIGIN_FRAMES_JS = (
    "if (window.axe && window.axe.configure) { window.axe.configure({ allowedOrigins: ['<unsafe_all_origins>'] }); }"
)
# A calendar or search page links to endless variants of itself; a few of one path are enough to audit it.
MAX_QUERY_VARIANTS = 3
# Opening a tab takes well under a second; one that takes this long is waiting on a browser that went away.
TAB_OPEN_TIMEOUT_S = 30.0
TAB_CLOSE_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class PlannedPage:
    """A page waiting to be audited; `depth` counts crawl steps from a configured or sitemap page."""

    url: str
    requested: str
    source: str = "config"
    depth: int = 0
    seq: int = 0


@dataclass(frozen=True, eq=False)
class PlannedJourney:
    """A journey waiting to be walked; `seq` orders it in the index after the pages."""

    journey: Journey
    seq: int


Work = PlannedPage | PlannedJourney


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

    @property
    def context(self) -> BrowserContext:
        """The live browser context (start() must have been called)."""
        if self._context is None:
            raise BrowserLost("the browser is not running")
        return self._context

    async def start(self) -> None:
        """Launch Chromium and prepare the context; raise GatherError if it will not start."""
        self._browser = await launch_chromium_async(self._playwright, self.executable)
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


class AuditRun:
    """The state of one gather: work done and pending, the index, and the rules for adding crawled pages."""

    def __init__(self, context: GatherContext, axe: AxeScript) -> None:
        self.context = context
        self.settings = context.settings_as(AccessibilitySettings, "accessibility")
        self.target = context.target
        self.axe = axe
        self.done: list[tuple[int, PageRecord]] = []
        self.pending: deque[Work] = deque()
        self.suspects: set[Work] = set()
        self.seen: set[str] = set()
        self.variants: Counter[str] = Counter()
        self.next_seq = 0
        self.pages_done = 0
        self.pages_planned = 0
        self.crawled = 0
        self.restarts = 0
        self.axe_version: str | None = None
        self.browser: dict[str, str] = {}
        self.discovery: dict[str, Any] = {}
        self.shard: dict[str, Any] | None = None
        self.notes: list[str] = []
        self.started_at = utc_timestamp(dt.datetime.now(dt.UTC))
        for requested in self.settings.pages:
            self.plan(self.target.resolve(requested), requested)
        for journey in self.settings.journeys:
            self.pending.append(PlannedJourney(journey, self._seq()))

    def _seq(self) -> int:
        self.next_seq += 1
        return self.next_seq

    @property
    def pages_total(self) -> int:
        """Pages planned so far, audited or not (journeys not counted)."""
        return self.pages_planned

    def plan(self, url: str, requested: str, source: str = "config", depth: int = 0) -> bool:
        """Queue a page unless it is already planned or done; return whether it was added."""
        key = normalise_url(url)
        if key in self.seen or (source != "config" and self.target.is_logout(url)):
            # A sign-out link found by the crawl or the sitemap would end the session the audit relies on.
            return False
        self.seen.add(key)
        self.pending.append(PlannedPage(url, requested, source, depth, self._seq()))
        self.pages_planned += 1
        return True

    def options(self) -> AuditOptions:
        """The per-page audit options from the config."""
        return AuditOptions(
            tags=tuple(self.settings.tags),
            enable=tuple(self.settings.rules.enable),
            disable=tuple(self.settings.rules.disable),
            timeout_s=self.settings.page_timeout,
            wait_until=self.settings.wait_until,
            screenshots=self.settings.screenshots,
            collect_links=self.settings.crawl.max_pages > 0,
            checks=tuple(self.settings.checks),
            max_tab_presses=self.settings.max_tab_presses,
            login_url=self.target.login_url,
        )

    async def add_sitemap_pages(self, session: BrowserSession) -> None:
        """Queue the target's sitemap pages, up to `max_pages` in all."""
        sitemap = await fetch_sitemap(
            session.context, self.target.url, dict(self.target.headers), self.settings.page_timeout
        )
        added = 0
        for url in sitemap.pages:
            if self.pages_total >= self.settings.max_pages:
                break
            added += self.plan(url, url, source="sitemap")
        self.discovery["sitemap"] = {
            "url": sitemap.url,
            "error": sitemap.error,
            "found": len(sitemap.pages),
            "added": added,
            "skipped_offsite": sitemap.skipped_offsite,
        }
        if len(sitemap.pages) > added and self.pages_total >= self.settings.max_pages:
            self.notes.append(
                f"the sitemap lists {len(sitemap.pages)} pages; only {added} were added "
                f"(accessibility.max_pages = {self.settings.max_pages})"
            )
        self.context.progress(f"sitemap: {sitemap.error or f'{len(sitemap.pages)} pages found, {added} added'}")

    def apply_shard(self) -> None:
        """Keep only this shard's share of the planned pages and journeys (`accessibility.shard`)."""
        position = self.settings.shard_position
        if position is None:
            return
        index, count = position
        pages = [work for work in self.pending if isinstance(work, PlannedPage)]
        journeys = [work for work in self.pending if isinstance(work, PlannedJourney)]
        mine = set(shard_of([page.url for page in pages], index, count))
        kept_journeys = [work for number, work in enumerate(journeys) if number % count == index - 1]
        self.pending = deque([*(page for page in pages if page.url in mine), *kept_journeys])
        self.pages_planned = len(mine)
        self.shard = {
            "shard": f"{index}/{count}",
            "pages_in_all": len(pages),
            "pages": len(mine),
            "journeys_in_all": len(journeys),
            "journeys": len(kept_journeys),
        }
        self.notes.append(
            f"shard {index}/{count}: this run audited its share ({len(mine)} of {len(pages)} pages, "
            f"{len(kept_journeys)} of {len(journeys)} journeys); the other shards cover the rest"
        )
        self.context.progress(f"shard {index}/{count}: {len(mine)} of {len(pages)} pages")
        if not self.pending:
            raise GatherError(
                f"shard {index}/{count} has nothing to audit: {len(pages)} pages and {len(journeys)} journeys in all"
            )

    def add_crawled_links(self, page: PlannedPage, audit: PageAudit) -> None:
        """Queue the same-origin links of an audited page, within the crawl's depth and page limits."""
        crawl = self.settings.crawl
        if page.depth >= crawl.max_depth:
            return
        for link in audit.links:
            if self.crawled >= crawl.max_pages or self.pages_total >= self.settings.max_pages:
                return
            url = same_origin_page(link, self.target.url)
            if url is None or not crawlable(url, crawl.include, crawl.exclude):
                continue
            parts = urlsplit(url)
            if parts.query and normalise_url(url) not in self.seen:
                if self.variants[parts.path] >= MAX_QUERY_VARIANTS:
                    continue
                self.variants[parts.path] += 1
            if self.plan(url, display_path(url, self.target.url), "crawl", page.depth + 1):
                self.crawled += 1

    async def attempt(
        self, work: Work, session: BrowserSession, tabs: TabPool, options: AuditOptions
    ) -> list[PageAudit]:
        """Audit one page in a pooled tab, or walk one journey in a tab of its own."""
        if isinstance(work, PlannedJourney):
            tab = await session.new_tab()
            try:
                return await run_journey(tab, work.journey, self.target, options)
            finally:
                await close_tab(tab)
        record = PageRecord(work.url, work.requested, source=work.source)
        page = await tabs.acquire()
        reusable = False
        try:
            audit = await audit_page(page, record, options)
            reusable = audit.reusable
        finally:
            await tabs.release(page, reusable)
        return [audit]

    async def audit_all(self, session: BrowserSession) -> None:
        """Audit the pending work, `concurrency` at a time (one at a time while crash suspects are retried)."""
        options = self.options()
        running: dict[asyncio.Task[list[PageAudit]], Work] = {}
        tabs = TabPool(session)
        try:
            while self.pending or running:
                limit = 1 if self.suspects else self.settings.concurrency
                while self.pending and len(running) < limit:
                    work = self.pending.popleft()
                    running[asyncio.create_task(self.attempt(work, session, tabs, options))] = work
                finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                lost = self._collect(finished, running, options)
                if lost:
                    # Every open tab died with the browser; let them all end before deciding who to blame.
                    if running:
                        rest, _ = await asyncio.wait(running)
                        lost += self._collect(rest, running, options)
                    tabs = TabPool(session)  # the old tabs died with the browser
                    await self.recover(session, lost)
        finally:
            await tabs.close()
            for task in running:
                task.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)

    def _collect(
        self,
        finished: set[asyncio.Task[list[PageAudit]]],
        running: dict[asyncio.Task[list[PageAudit]], Work],
        options: AuditOptions,
    ) -> list[Work]:
        lost: list[Work] = []
        for task in sorted(finished, key=lambda task: _seq_of(running[task])):
            work = running.pop(task)
            error = task.exception()
            if isinstance(error, BrowserLost):
                lost.append(work)
            elif isinstance(error, UnknownRules):
                raise GatherError(
                    f"accessibility.rules names rule id(s) that axe-core {error.version} does not have: {error}"
                ) from None
            elif error is not None:
                raise error
            else:
                self.suspects.discard(work)
                self.finish(work, task.result())
                if isinstance(work, PlannedPage) and options.collect_links:
                    audit = task.result()[0]
                    if audit.record.status is PageStatus.AUDITED:
                        self.add_crawled_links(work, audit)
        return lost

    async def recover(self, session: BrowserSession, lost: list[Work]) -> None:
        """After Chromium died: blame the page if it was alone, else retry each open page alone; restart."""
        alone = len(lost) == 1
        for work in sorted(lost, key=_seq_of, reverse=True):
            if alone or work in self.suspects:
                self.suspects.discard(work)
                self.finish(work, [PageAudit(self._crash_record(work))])
            else:
                self.suspects.add(work)
                self.pending.appendleft(work)
        audited = sum(1 for _, record in self.done if record.status is PageStatus.AUDITED)
        if self.restarts >= MAX_BROWSER_RESTARTS:
            raise GatherError(
                f"Chromium crashed {self.restarts + 1} times; audited {audited} of {len(self.done) + len(self.pending)}"
                " pages"
            )
        self.restarts += 1
        retry = f"; retrying {len(self.suspects)} open page(s) one at a time" if self.suspects else ""
        self.context.progress(f"Chromium crashed after {len(self.done)} pages; restarting it{retry}")
        try:
            await session.restart()
        except GatherError as error:
            raise GatherError(f"Chromium crashed and could not be restarted: {error}") from None

    def _crash_record(self, work: Work) -> PageRecord:
        if isinstance(work, PlannedJourney):
            journey = work.journey
            first = journey.steps[0]
            return PageRecord(
                url=self.target.resolve(first.argument),
                requested=f"{journey.name} · the whole journey",
                status=PageStatus.STEP_ERROR,
                error=CRASHED.replace("page", "journey"),
                source="journey",
                journey=journey.name,
                step=1,
                step_label=first.describe(),
            )
        return PageRecord(work.url, work.requested, PageStatus.AUDIT_ERROR, error=CRASHED, source=work.source)

    def finish(self, work: Work, audits: list[PageAudit]) -> None:
        """Save the results and screenshots of one page or journey, update the index, and report progress."""
        for audit in audits:
            record = audit.record
            if isinstance(work, PlannedJourney):
                stem = page_file_stem(work.seq, f"journey {work.journey.name} step {record.step or 0:02d}")
            else:
                stem = page_file_stem(work.seq, urlsplit(record.url).path)
            if audit.result is not None:
                record.result_file = f"{PAGES_FOLDER}/{stem}.json"
                self.context.write_json(record.result_file, audit.result)
                version = (audit.result.get("testEngine") or {}).get("version")
                self.axe_version = self.axe_version or (str(version) if version else None)
            if audit.screenshot is not None:
                record.screenshot = f"{PAGES_FOLDER}/{stem}.jpeg"
                write_atomic(self.context.artifact_dir / record.screenshot, audit.screenshot)
            if record.final_url and not record.journey:
                self.seen.add(normalise_url(record.final_url))  # a link to where a redirect landed is not audited twice
            self.done.append((work.seq, record))
        self.save()
        if isinstance(work, PlannedJourney):
            self.context.progress(_journey_progress(work.journey, [audit.record for audit in audits]))
            return
        self.pages_done += 1
        record = audits[0].record
        if record.status is PageStatus.AUDITED:
            outcome = f"{record.violations} violation{'' if record.violations == 1 else 's'}"
        else:
            outcome = f"{record.status.value.replace('_', ' ')}: {record.error}"
        where = display_path(record.url, self.target.url)
        self.context.progress(f"audited {self.pages_done}/{self.pages_total} pages: {where} ({outcome})")

    def index(self) -> dict[str, Any]:
        """The pages.json document: run facts and one record per page or journey state, pending ones not audited."""
        pending: list[tuple[int, PageRecord]] = []
        for work in self.pending:
            if isinstance(work, PlannedJourney):
                record = PageRecord(
                    self.target.resolve(work.journey.steps[0].argument),
                    f"{work.journey.name} · not walked",
                    PageStatus.NOT_AUDITED,
                    error=STOPPED_EARLY.replace("page was audited", "journey was walked"),
                    source="journey",
                    journey=work.journey.name,
                )
            else:
                record = PageRecord(
                    work.url, work.requested, PageStatus.NOT_AUDITED, error=STOPPED_EARLY, source=work.source
                )
            pending.append((work.seq, record))
        ordered = sorted(
            [*self.done, *pending], key=lambda item: (item[1].journey is not None, item[0], item[1].step or 0)
        )
        return {
            "version": INDEX_VERSION,
            "axe_version": self.axe_version or self.axe.banner_version,
            "axe_source": self.axe.source,
            "browser": self.browser,
            "standard": self.settings.standard,
            "tags": list(self.settings.tags),
            "rules": {"enable": list(self.settings.rules.enable), "disable": list(self.settings.rules.disable)},
            "checks": list(self.settings.checks),
            "concurrency": self.settings.concurrency,
            "shard": self.shard,
            "started_at": self.started_at,
            "finished_at": utc_timestamp(dt.datetime.now(dt.UTC)),
            "browser_restarts": self.restarts,
            "discovery": self.discovery,
            "notes": self.notes,
            "pages": [record.to_dict() for _, record in ordered],
        }

    def save(self) -> None:
        """Write the index (atomically, secrets masked)."""
        self.context.write_json(INDEX, self.index())

    def require_an_audit(self) -> None:
        """Fail closed: raise GatherError when not one page was audited."""
        if any(record.status is PageStatus.AUDITED for _, record in self.done):
            return
        reasons = "; ".join(
            f"{display_path(record.url, self.target.url)}: {record.error}"
            for _, record in sorted(self.done, key=lambda item: item[0])[:3]
            if record.error
        )
        raise GatherError(f"no page could be audited{': ' + reasons if reasons else ''}")


def _seq_of(work: Work) -> int:
    return work.seq


def _journey_progress(journey: Journey, records: list[PageRecord]) -> str:
    audited = [record for record in records if record.status is PageStatus.AUDITED]
    violations = sum(record.violations for record in audited)
    message = (
        f"journey {journey.name!r}: {len(audited)} state{'' if len(audited) == 1 else 's'} audited, "
        f"{violations} violation{'' if violations == 1 else 's'}"
    )
    failed = [record for record in records if record.status not in (PageStatus.AUDITED, PageStatus.OFFSITE)]
    return message + (f"; {failed[-1].error}" if failed else "")


def storage_state_path(configured: str | None) -> str | None:
    """The storage-state file to log in with, checked before the browser starts."""
    if not configured:
        return None
    path = Path(configured).expanduser()
    hint = "save one with Playwright's context.storage_state(path=...) after logging in"
    if not path.is_file():
        raise GatherError(f"accessibility.storage_state {configured!r} is not a file; {hint}")
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise GatherError(
            f"accessibility.storage_state {configured!r} is not readable JSON ({error}); {hint}"
        ) from None
    if not isinstance(state, dict) or not {"cookies", "origins"} & set(state):
        raise GatherError(f"accessibility.storage_state {configured!r} has no cookies or origins; {hint}")
    return str(path)


def gather(context: GatherContext) -> None:
    """Audit the configured (and discovered) pages and journeys in Chromium; save results under artifacts."""
    settings = context.settings_as(AccessibilitySettings, "accessibility")
    axe = locate_axe_script(settings.axe_script)
    # golive's own sign-in (auth) gives the session unless this suite names a storage state of its own.
    storage_state = storage_state_path(settings.storage_state) or context.target.storage_state
    run = AuditRun(context, axe)
    try:
        asyncio.run(_run_browser(run, storage_state))
    finally:
        run.save()
    run.require_an_audit()


async def _run_browser(run: AuditRun, storage_state: str | None) -> None:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    try:
        manager = await async_playwright().start()
    except PlaywrightError as error:
        raise GatherError(f"Playwright could not start: {str(error).strip().splitlines()[0]}") from None
    try:
        executable = choose_executable(run.context.config.browser.executable, playwright_chromium_path(manager))
        session = BrowserSession(
            manager, executable, run.axe, run.target, run.settings.page_timeout, storage_state=storage_state
        )
        try:
            await session.start()
            run.browser = {"executable": executable, "version": session.version}
            if run.settings.sitemap:
                await run.add_sitemap_pages(session)
            run.apply_shard()
            await run.audit_all(session)
        finally:
            await session.close()
    finally:
        # The driver may have died with the browser (Ctrl-C reaches the whole process group).
        with contextlib.suppress(Exception):
            await manager.stop()
