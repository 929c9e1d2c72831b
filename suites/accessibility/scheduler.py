"""The tab scheduler: audit the planned work `concurrency` tabs at a time in one Chromium, and survive crashes.

One tab waits for the network or the driver while another runs axe. When Chromium dies, every tab dies with
it and the page to blame is unknown: the pages that were open are retried one at a time, so the one that kills
the browser again, alone, is the one recorded as the crash.
"""

from __future__ import annotations

import asyncio

from harness.suite import GatherError
from suites.accessibility.artifacts import PageRecord, PageStatus
from suites.accessibility.audit import AuditOptions, BrowserLost, PageAudit, UnknownRules, audit_page
from suites.accessibility.browser_session import BrowserSession, TabPool, close_tab
from suites.accessibility.journeys import run_journey
from suites.accessibility.planning import Plan, PlannedJourney, PlannedPage, Work, seq_of
from suites.accessibility.response_log import ResponseLog
from suites.accessibility.results import Results
from suites.accessibility.reuse import PageReuse

# Two restarts: one to retry the pages that were open when Chromium died, one more to survive the page that
# kills it again on its own; a browser that keeps dying after that will not get better.
MAX_BROWSER_RESTARTS = 2
CRASHED = "the browser crashed while auditing this page"

Running = dict[asyncio.Task[list[PageAudit]], Work]


def audit_options(plan: Plan, masked: tuple[str, ...] = ()) -> AuditOptions:
    """The per-page audit options from the config; `masked` are the secrets hidden in screenshots."""
    settings = plan.settings
    return AuditOptions(
        tags=tuple(settings.tags),
        enable=tuple(settings.rules.enable),
        disable=tuple(settings.rules.disable),
        timeout_s=settings.page_timeout,
        wait_until=settings.wait_until,
        screenshots=settings.screenshots,
        collect_links=settings.crawl.max_pages > 0,
        checks=tuple(settings.checks),
        max_tab_presses=settings.max_tab_presses,
        login_url=plan.target.login_url,
        masked=masked,
    )


class Scheduler:
    """Runs the plan's work in tabs and hands each finished page or journey to the results."""

    def __init__(
        self,
        plan: Plan,
        results: Results,
        session: BrowserSession,
        masked: tuple[str, ...] = (),
        reuse: PageReuse | None = None,
    ) -> None:
        self.plan = plan
        self.results = results
        self.session = session
        self.reuse = reuse
        self.options = audit_options(plan, masked)
        # Work that was open when Chromium died: retried alone, and blamed if the browser dies again.
        self.suspects: set[Work] = set()

    async def attempt(self, work: Work, tabs: TabPool) -> list[PageAudit]:
        """Audit one page in a pooled tab, or walk one journey in a tab of its own."""
        if isinstance(work, PlannedJourney):
            tab = await self.session.new_tab()
            try:
                return await run_journey(tab, work.journey, self.plan.target, self.options)
            finally:
                await close_tab(tab)
        if self.reuse is not None:
            reused = await self.reuse.lookup(work)
            if reused is not None:
                return [reused]
        record = PageRecord(work.url, work.requested, source=work.source)
        page = await tabs.acquire()
        reusable = False
        log = ResponseLog()
        if self.reuse is not None:
            log.attach(page)
        try:
            audit = await audit_page(page, record, self.options)
            reusable = audit.reusable
        finally:
            await log.detach()
            await tabs.release(page, reusable)
        if self.reuse is not None:
            self.reuse.remember(work, audit, log)
        return [audit]

    async def run(self) -> None:
        """Audit the pending work, `concurrency` at a time (one at a time while crash suspects are retried)."""
        pending = self.plan.pending
        running: Running = {}
        tabs = TabPool(self.session)
        try:
            while pending or running:
                limit = 1 if self.suspects else self.plan.settings.concurrency
                while pending and len(running) < limit:
                    work = pending.popleft()
                    running[asyncio.create_task(self.attempt(work, tabs))] = work
                finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                lost = self._collect(finished, running)
                if lost:
                    # Every open tab died with the browser; let them all end before deciding who to blame.
                    if running:
                        rest, _ = await asyncio.wait(running)
                        lost += self._collect(rest, running)
                    tabs = TabPool(self.session)  # the old tabs died with the browser
                    await self.recover(lost)
        finally:
            await tabs.close()
            for task in running:
                task.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)
                # What was under way when the run stopped (Chromium did not start, Ctrl-C) is listed as not audited.
                pending.extendleft(sorted(running.values(), key=seq_of, reverse=True))

    def _collect(self, finished: set[asyncio.Task[list[PageAudit]]], running: Running) -> list[Work]:
        lost: list[Work] = []
        for task in sorted(finished, key=lambda task: seq_of(running[task])):
            work = running[task]
            error = task.exception()
            # On an error that stops the run, the work stays in `running`, to be listed as not audited.
            if isinstance(error, UnknownRules):
                raise GatherError(
                    f"accessibility.rules names rule id(s) that axe-core {error.version} does not have: {error}"
                ) from None
            if error is not None and not isinstance(error, BrowserLost):
                raise error
            running.pop(task)
            if isinstance(error, BrowserLost):
                lost.append(work)
            else:
                self.suspects.discard(work)
                audits = task.result()
                self.results.finish(work, audits, self.plan)
                if isinstance(work, PlannedPage) and audits[0].record.status is PageStatus.AUDITED:
                    self.plan.add_links(work, audits[0].links)
        return lost

    async def recover(self, lost: list[Work]) -> None:
        """After Chromium died: blame the page if it was alone, else retry each open page alone; restart."""
        alone = len(lost) == 1
        for work in sorted(lost, key=seq_of, reverse=True):
            if alone or work in self.suspects:
                self.suspects.discard(work)
                self.results.finish(work, [PageAudit(self._crash_record(work))], self.plan)
            else:
                self.suspects.add(work)
                self.plan.pending.appendleft(work)
        done = len(self.results.done)
        if self.results.restarts >= MAX_BROWSER_RESTARTS:
            raise GatherError(
                f"Chromium crashed {self.results.restarts + 1} times; audited {self.results.audited()} of "
                f"{done + len(self.plan.pending)} pages"
            )
        self.results.restarts += 1
        retry = f"; retrying {len(self.suspects)} open page(s) one at a time" if self.suspects else ""
        self.plan.progress(f"Chromium crashed after {done} pages; restarting it{retry}")
        try:
            await self.session.restart()
        except GatherError as error:
            raise GatherError(f"Chromium crashed and could not be restarted: {error}") from None

    def _crash_record(self, work: Work) -> PageRecord:
        if isinstance(work, PlannedJourney):
            journey = work.journey
            first = journey.steps[0]
            return PageRecord(
                url=self.plan.target.resolve(first.argument),
                requested=f"{journey.name} · the whole journey",
                status=PageStatus.STEP_ERROR,
                error=CRASHED.replace("page", "journey"),
                source="journey",
                journey=journey.name,
                step=1,
                step_label=first.describe(),
            )
        return PageRecord(work.url, work.requested, PageStatus.AUDIT_ERROR, error=CRASHED, source=work.source)
