"""Gather: audit every planned page in one Chromium and save axe's raw results plus a page index.

One browser, one browser context, pages one after another. The index is rewritten after every page, so a crash
or Ctrl-C leaves an accurate record of what was audited; a crashed browser is restarted once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harness.suite import GatherContext, GatherError, Target, write_atomic
from suites.accessibility.artifacts import (
    INDEX,
    INDEX_VERSION,
    PAGES_FOLDER,
    PageRecord,
    PageStatus,
    page_file_stem,
)
from suites.accessibility.audit import AuditOptions, BrowserLost, PageAudit, UnknownRules, audit_page
from suites.accessibility.axe_script import AxeScript, locate_axe_script
from suites.accessibility.browser import choose_executable, launch_chromium, playwright_chromium_path
from suites.accessibility.discovery import crawlable, fetch_sitemap, same_origin_page
from suites.accessibility.settings import AccessibilitySettings
from suites.accessibility.urls import display_path, origin

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright, Request, Route

# One restart: enough to survive a one-off crash, not enough to loop on a page that crashes Chromium every time.
MAX_BROWSER_RESTARTS = 1
STOPPED_EARLY = "the run stopped before this page was audited"
# axe talks only to same-origin frames by default; embedded third-party frames (payment forms, maps, video) are
# part of what users meet on the page, so every frame's axe may answer the top frame. This browser is ours alone.
ALLOW_CROSS_ORIGIN_FRAMES_JS = (
    "if (window.axe && window.axe.configure) { window.axe.configure({ allowedOrigins: ['<unsafe_all_origins>'] }); }"
)


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class PlannedPage:
    """A page waiting to be audited; `depth` counts crawl steps from a configured or sitemap page."""

    url: str
    requested: str
    source: str = "config"
    depth: int = 0


class BrowserSession:
    """One Chromium with one browser context prepared for the target: axe injected, cookies and headers set."""

    def __init__(
        self, playwright: Playwright, executable: str, axe: AxeScript, target: Target, timeout_s: float
    ) -> None:
        self._playwright = playwright
        self.executable = executable
        self._axe = axe
        self._target = target
        self._timeout_ms = timeout_s * 1000
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self.version = ""

    @property
    def context(self) -> BrowserContext:
        """The live browser context (start() must have been called)."""
        if self._context is None:
            raise BrowserLost("the browser is not running")
        return self._context

    def start(self) -> None:
        """Launch Chromium and prepare the context; raise GatherError if it will not start."""
        self._browser = launch_chromium(self._playwright, self.executable)
        self.version = self._browser.version
        context = self._browser.new_context()
        context.set_default_timeout(self._timeout_ms)
        # An init script reaches every frame, iframes included, before the page's own scripts run.
        context.add_init_script(path=self._axe.path)
        context.add_init_script(script=ALLOW_CROSS_ORIGIN_FRAMES_JS)
        if self._target.cookies:
            context.add_cookies(
                [
                    {"name": name, "value": value, "url": self._target.url}
                    for name, value in self._target.cookies.items()
                ]
            )
        if self._target.headers:
            context.route("**/*", self._add_target_headers)
        self._context = context

    def _add_target_headers(self, route: Route, request: Request) -> None:
        # Headers often carry credentials: send them to the target's origin only, never to third parties
        # (which extra_http_headers would do).
        if origin(request.url) == origin(self._target.url):
            route.continue_(headers={**request.headers, **self._target.headers})
        else:
            route.continue_()

    def restart(self) -> None:
        """Close what is left of the browser and start a new one."""
        self.close()
        self.start()

    def close(self) -> None:
        """Close the browser; never raises (it may already be gone)."""
        browser, self._browser, self._context = self._browser, None, None
        if browser is None:
            return
        # The process may have crashed or been interrupted; Playwright reaps it when the driver stops.
        with contextlib.suppress(Exception):
            browser.close()


class AuditRun:
    """The state of one gather: pages done and pending, the index, and the rules for adding crawled pages."""

    def __init__(self, context: GatherContext, axe: AxeScript) -> None:
        self.context = context
        self.settings: AccessibilitySettings = context.config.accessibility
        self.target = context.target
        self.axe = axe
        self.done: list[PageRecord] = []
        self.pending: deque[PlannedPage] = deque()
        self.seen: set[str] = set()
        self.crawled = 0
        self.restarts = 0
        self.axe_version: str | None = None
        self.browser: dict[str, str] = {}
        self.discovery: dict[str, Any] = {}
        self.notes: list[str] = []
        self.started_at = _utc_now()
        for requested in self.settings.pages:
            self.plan(PlannedPage(self.target.resolve(requested), requested))

    @property
    def total(self) -> int:
        """Pages audited or attempted so far plus those still waiting."""
        return len(self.done) + len(self.pending)

    def plan(self, page: PlannedPage) -> bool:
        """Queue a page unless it is already planned or done; return whether it was added."""
        if page.url in self.seen:
            return False
        self.seen.add(page.url)
        self.pending.append(page)
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
        )

    def add_sitemap_pages(self, session: BrowserSession) -> None:
        """Queue the target's sitemap pages, up to `max_pages` in all."""
        sitemap = fetch_sitemap(session.context, self.target.url, dict(self.target.headers), self.settings.page_timeout)
        added = 0
        for url in sitemap.pages:
            if self.total >= self.settings.max_pages:
                break
            added += self.plan(PlannedPage(url, url, source="sitemap"))
        self.discovery["sitemap"] = {
            "url": sitemap.url,
            "error": sitemap.error,
            "found": len(sitemap.pages),
            "added": added,
            "skipped_offsite": sitemap.skipped_offsite,
        }
        if len(sitemap.pages) > added and self.total >= self.settings.max_pages:
            self.notes.append(
                f"the sitemap lists {len(sitemap.pages)} pages; only {added} were added "
                f"(accessibility.max_pages = {self.settings.max_pages})"
            )
        self.context.progress(f"sitemap: {sitemap.error or f'{len(sitemap.pages)} pages found, {added} added'}")

    def add_crawled_links(self, page: PlannedPage, audit: PageAudit) -> None:
        """Queue the same-origin links of an audited page, within the crawl's depth and page limits."""
        crawl = self.settings.crawl
        if page.depth >= crawl.max_depth:
            return
        for link in audit.links:
            if self.crawled >= crawl.max_pages or self.total >= self.settings.max_pages:
                return
            url = same_origin_page(link, self.target.url)
            if url is None or not crawlable(url, crawl.include, crawl.exclude):
                continue
            if self.plan(PlannedPage(url, display_path(url, self.target.url), "crawl", page.depth + 1)):
                self.crawled += 1

    def audit_all(self, session: BrowserSession) -> None:
        """Audit the pending pages one by one, restarting a crashed browser once."""
        options = self.options()
        while self.pending:
            page = self.pending[0]
            record = PageRecord(page.url, page.requested, source=page.source)
            try:
                audit = audit_page(session.context, record, options)
            except BrowserLost as lost:
                self.pending.popleft()
                message = f"the browser crashed while auditing this page ({lost})"
                self.finish_page(PageAudit(dataclasses.replace(record, status=PageStatus.AUDIT_ERROR, error=message)))
                self.recover(session)
                continue
            except UnknownRules as unknown:
                raise GatherError(
                    f"accessibility.rules names rule id(s) that axe-core {unknown.version} does not have: {unknown}"
                ) from None
            self.pending.popleft()
            self.finish_page(audit)
            if audit.record.status is PageStatus.AUDITED and options.collect_links:
                self.add_crawled_links(page, audit)

    def recover(self, session: BrowserSession) -> None:
        """Restart the browser after a crash, or stop with GatherError if it already crashed once."""
        audited = sum(1 for record in self.done if record.status is PageStatus.AUDITED)
        if self.restarts >= MAX_BROWSER_RESTARTS:
            raise GatherError(f"Chromium crashed {self.restarts + 1} times; audited {audited} of {self.total} pages")
        self.restarts += 1
        self.context.progress(f"Chromium crashed after {len(self.done)} pages; restarting it")
        try:
            session.restart()
        except GatherError as error:
            raise GatherError(f"Chromium crashed and could not be restarted: {error}") from None

    def finish_page(self, audit: PageAudit) -> None:
        """Save one page's result and screenshot, update the index, and report progress."""
        record = audit.record
        stem = page_file_stem(len(self.done) + 1, urlsplit(record.url).path)
        if audit.result is not None:
            record.result_file = f"{PAGES_FOLDER}/{stem}.json"
            self.context.write_json(record.result_file, audit.result)
            version = (audit.result.get("testEngine") or {}).get("version")
            self.axe_version = self.axe_version or (str(version) if version else None)
        if audit.screenshot is not None:
            record.screenshot = f"{PAGES_FOLDER}/{stem}.jpeg"
            write_atomic(self.context.artifact_dir / record.screenshot, audit.screenshot)
        if record.final_url:
            self.seen.add(record.final_url)  # a crawled link to where a redirect landed is not audited twice
        self.done.append(record)
        self.save()
        if record.status is PageStatus.AUDITED:
            outcome = f"{record.violations} violation{'' if record.violations == 1 else 's'}"
        else:
            outcome = f"{record.status.value.replace('_', ' ')}: {record.error}"
        where = display_path(record.url, self.target.url)
        self.context.progress(f"audited {len(self.done)}/{self.total} pages: {where} ({outcome})")

    def index(self) -> dict[str, Any]:
        """The pages.json document: run facts and one record per page, pending ones marked not audited."""
        pending = [
            PageRecord(page.url, page.requested, PageStatus.NOT_AUDITED, error=STOPPED_EARLY, source=page.source)
            for page in self.pending
        ]
        return {
            "version": INDEX_VERSION,
            "axe_version": self.axe_version or self.axe.banner_version,
            "axe_source": self.axe.source,
            "browser": self.browser,
            "standard": self.settings.standard,
            "tags": list(self.settings.tags),
            "rules": {"enable": list(self.settings.rules.enable), "disable": list(self.settings.rules.disable)},
            "started_at": self.started_at,
            "finished_at": _utc_now(),
            "browser_restarts": self.restarts,
            "discovery": self.discovery,
            "notes": self.notes,
            "pages": [record.to_dict() for record in [*self.done, *pending]],
        }

    def save(self) -> None:
        """Write the index (atomically, secrets masked)."""
        self.context.write_json(INDEX, self.index())

    def require_an_audit(self) -> None:
        """Fail closed: raise GatherError when not one page was audited."""
        if any(record.status is PageStatus.AUDITED for record in self.done):
            return
        reasons = "; ".join(
            f"{display_path(record.url, self.target.url)}: {record.error}" for record in self.done[:3] if record.error
        )
        raise GatherError(f"no page could be audited{': ' + reasons if reasons else ''}")


def gather(context: GatherContext) -> None:
    """Audit the configured (and discovered) pages with axe-core in Chromium; save results under artifacts."""
    settings = context.config.accessibility
    axe = locate_axe_script(settings.axe_script)
    run = AuditRun(context, axe)
    try:
        _run_browser(run)
    finally:
        run.save()
    run.require_an_audit()


def _run_browser(run: AuditRun) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        manager = sync_playwright().start()
    except PlaywrightError as error:
        raise GatherError(f"Playwright could not start: {str(error).strip().splitlines()[0]}") from None
    try:
        executable = choose_executable(run.context.config.browser.executable, playwright_chromium_path(manager))
        session = BrowserSession(manager, executable, run.axe, run.target, run.settings.page_timeout)
        try:
            session.start()
            run.browser = {"executable": executable, "version": session.version}
            if run.settings.sitemap:
                run.add_sitemap_pages(session)
            run.audit_all(session)
        finally:
            session.close()
    finally:
        # The driver may have died with the browser (Ctrl-C reaches the whole process group).
        with contextlib.suppress(Exception):
            manager.stop()
