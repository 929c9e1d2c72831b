"""Reusing earlier audits of unchanged pages (`accessibility.reuse`).

After a valid audit of a page, its saved record and axe result are kept in the reuse cache with the
responses the page was built from (see `response_log`). Before the next run opens a tab for that page, the
responses are fetched again (see `response_check`), with the identity headers (User-Agent, Accept-Language,
...) the browser sent for them: when every one is byte-identical, and the key (settings,
golive, axe-core, browser, session: see `reuse_key`) is the same, the saved audit is the page's result, marked
as reused. Any doubt means the page is audited again.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from harness.artifacts import Artifacts
from harness.redaction import Redactor
from harness.suite import Target
from suites.accessibility.artifacts import PageRecord, PageStatus
from suites.accessibility.audit import AuditOptions, PageAudit
from suites.accessibility.planning import PlannedPage
from suites.accessibility.response_check import ResponseChecker
from suites.accessibility.response_log import ResponseLog
from suites.accessibility.reuse_cache import CacheEntry, CorruptEntry, ReuseCache, screenshot_name
from suites.accessibility.reuse_key import ReuseBasis, SessionFacts, browser_identity, reuse_basis
from suites.accessibility.settings import AccessibilitySettings
from suites.accessibility.urls import origin_text

if TYPE_CHECKING:
    from playwright.async_api import Playwright


def storable(record: PageRecord, result: dict[str, Any] | None, log: ResponseLog) -> bool:
    """Whether an audit may be kept for reuse: a whole audit of a page, built from responses the log vouches for."""
    if record.status is not PageStatus.AUDITED or record.error or record.journey is not None or record.reused:
        return False
    if result is None or (result.get("golive") or {}).get("errors"):
        return False
    # The document itself must be among the responses, or the log missed the start of the page.
    document = urldefrag(record.url).url
    return log.doubt is None and any(response.url == document for response in log.responses)


def sent_identity(log: ResponseLog, target: Target) -> dict[str, dict[str, str]]:
    """The identity headers the browser sent to each origin, as an entry keeps them.

    On the target's origin a configured header takes the place of the browser's own (the browser's route sets
    it): the re-check sends it from the configuration, and as a secret it is not kept.
    """
    identity = log.identity
    home = origin_text(target.url)
    configured = {name.lower() for name in target.headers}
    if home in identity:
        identity[home] = {name: value for name, value in identity[home].items() if name not in configured}
    return identity


class PageReuse:
    """Looks pages up in the cache before they are audited, and keeps the valid audits for the next run."""

    def __init__(
        self,
        cache: ReuseCache,
        basis: ReuseBasis,
        checker: ResponseChecker,
        target: Target,
        redactor: Redactor,
        run_started: str,
    ) -> None:
        self.cache = cache
        self.basis = basis
        self.checker = checker
        self._target = target
        self._redactor = redactor
        self._run_started = run_started
        self._loaded: dict[str, tuple[CacheEntry, bytes | None] | None] = {}

    def _load(self, url: str) -> tuple[CacheEntry, bytes | None] | None:
        key = self.basis.page_key(url)
        if key not in self._loaded:
            self._loaded[key] = self.cache.load(key)
        return self._loaded[key]

    def prefetch(self, urls: Iterable[str]) -> None:
        """Start fetching the responses of these pages' entries now, more at once than there are tabs."""
        for url in urls:
            found = self._load(url)
            if found is not None:
                self.checker.prefetch(found[0].responses, found[0].browser_headers)

    async def lookup(self, page: PlannedPage) -> PageAudit | None:
        """The saved audit of `page` when everything it was built from is unchanged, else None."""
        started = time.monotonic()
        found = self._load(page.url)
        if found is None:
            return None
        entry, screenshot = found
        if not await self.checker.unchanged(entry.responses, entry.browser_headers):
            return None
        self.cache.touch(entry)
        try:
            saved = PageRecord.from_dict(entry.record)
        except (TypeError, ValueError):
            self.cache.unreadable += 1
            return None
        record = dataclasses.replace(
            saved,
            url=page.url,
            requested=page.requested,
            source=page.source,
            result_file=None,
            screenshot=None,
            timing={"reuse_check_ms": round((time.monotonic() - started) * 1000, 1)},
            reused=True,
            reused_from=entry.audited_at,
        )
        return PageAudit(record, entry.result, screenshot, entry.links)

    def remember(self, page: PlannedPage, audit: PageAudit, log: ResponseLog) -> None:
        """Keep a valid audit of `page` (secrets masked) for the next run; anything in doubt is not kept."""
        if not storable(audit.record, audit.result, log) or audit.result is None:
            return
        record = dataclasses.replace(audit.record, result_file=None, screenshot=None).to_dict()
        entry = CacheEntry(
            key=self.basis.page_key(page.url),
            url=page.url,
            audited_at=self._run_started,
            responses=log.responses,
            browser_headers=sent_identity(log, self._target),
            record=record,
            result=audit.result,
            links=audit.links,
            screenshot=screenshot_name(audit.screenshot) if audit.screenshot is not None else None,
        )
        try:
            masked = CacheEntry.from_dict(Artifacts.redacted(entry.to_dict(), self._redactor), entry.key)
        except CorruptEntry:  # the log left an origin without the headers sent there
            return
        # A secret inside what the browser sent would be saved masked, and a re-check could not send it as it was.
        if masked.browser_headers != entry.browser_headers:
            return
        self.cache.store(masked, audit.screenshot)

    def notes(self) -> list[str]:
        """What the report should say about the cache (entries that could not be read or written)."""
        return self.cache.notes()

    async def close(self) -> None:
        """Release the checker's request context, and forget entries no run has used for a long time."""
        await self.checker.close()
        self.cache.prune()


@dataclasses.dataclass(frozen=True)
class ReuseSetup:
    """What reuse needs from the run: where the cache is, the browser, axe-core, the session, how pages are audited."""

    settings: AccessibilitySettings
    target: Target
    cache_dir: Path | None
    executable: str
    axe_path: Path
    storage_state: str | None
    options: AuditOptions
    redactor: Redactor
    run_started: str


async def open_reuse(playwright: Playwright, setup: ReuseSetup) -> tuple[PageReuse | None, str | None]:
    """The reuse of this run, or None with a note saying why there is none (None when it is switched off)."""
    if not setup.settings.reuse or setup.cache_dir is None:
        return None, None
    identity = browser_identity(setup.executable)
    if identity is None:
        note = f"no earlier audit was reused: `{setup.executable} --version` did not say which Chromium it is"
        return None, note
    target = setup.target
    session = SessionFacts(dict(target.headers), target.all_cookies, setup.storage_state)
    try:
        basis = reuse_basis(setup.options, setup.axe_path, f"{setup.executable} {identity}", session)
        checker = await ResponseChecker.open(playwright, target, setup.storage_state, setup.settings.page_timeout)
    except Exception as error:  # a file went missing, Playwright's request API refused: audit every page
        return None, f"no earlier audit was reused: the responses could not be checked ({type(error).__name__})"
    cache = ReuseCache(setup.cache_dir)
    return PageReuse(cache, basis, checker, target, setup.redactor, setup.run_started), None
