"""Page planning: which pages and journeys the audit will visit, in what order, and which links it adds.

Configured pages come first, then sitemap pages, then same-origin links found on audited pages (the crawl),
within `max_pages`, the crawl's depth and page limits, and a few variants of one path with a query string.
A shard keeps only its share of the plan.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harness.suite import GatherError, Target
from suites.accessibility.discovery import crawlable, fetch_sitemap, page_key, same_origin_page, shard_of
from suites.accessibility.settings import AccessibilitySettings, Journey
from suites.accessibility.urls import display_path

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

# A calendar or search page links to endless variants of itself; a few of one path are enough to audit it.
MAX_QUERY_VARIANTS = 3


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


def seq_of(work: Work) -> int:
    """The order of a piece of work in the plan (and in the index)."""
    return work.seq


@dataclass
class RunFacts:
    """What planning learnt that the index reports: sitemap discovery, the shard, notes for the reader."""

    discovery: dict[str, Any] = field(default_factory=dict)
    shard: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


class Plan:
    """The work still to do, and the pages already planned (so that none is audited twice)."""

    def __init__(self, settings: AccessibilitySettings, target: Target, progress: Callable[[str], None]) -> None:
        self.settings = settings
        self.target = target
        self.progress = progress
        self.pending: deque[Work] = deque()
        self.facts = RunFacts()
        self._seen: set[str] = set()
        self._variants: Counter[str] = Counter()
        self._next_seq = 0
        self._crawled = 0
        self.pages_planned = 0
        for requested in settings.pages:
            self.add_page(target.resolve(requested), requested)
        for journey in settings.journeys:
            self.pending.append(PlannedJourney(journey, self._seq()))

    def _seq(self) -> int:
        self._next_seq += 1
        return self._next_seq

    def add_page(self, url: str, requested: str, source: str = "config", depth: int = 0) -> bool:
        """Queue a page unless it is already planned or done; return whether it was added."""
        key = page_key(url)
        if key in self._seen or (source != "config" and self.target.is_logout(url)):
            # A sign-out link found by the crawl or the sitemap would end the session the audit relies on.
            return False
        self._seen.add(key)
        self.pending.append(PlannedPage(url, requested, source, depth, self._seq()))
        self.pages_planned += 1
        return True

    def landed_at(self, final_url: str) -> None:
        """Remember where a redirect landed, so a link to it is not audited twice."""
        self._seen.add(page_key(final_url))

    async def add_sitemap_pages(self, context: BrowserContext) -> None:
        """Queue the target's sitemap pages, up to `max_pages` in all."""
        sitemap = await fetch_sitemap(context, self.target.url, dict(self.target.headers), self.settings.page_timeout)
        added = 0
        for url in sitemap.pages:
            if self.pages_planned >= self.settings.max_pages:
                break
            added += self.add_page(url, url, source="sitemap")
        self.facts.discovery["sitemap"] = {
            "url": sitemap.url,
            "error": sitemap.error,
            "found": len(sitemap.pages),
            "added": added,
            "skipped_offsite": sitemap.skipped_offsite,
        }
        if len(sitemap.pages) > added and self.pages_planned >= self.settings.max_pages:
            self.facts.notes.append(
                f"the sitemap lists {len(sitemap.pages)} pages; only {added} were added "
                f"(accessibility.max_pages = {self.settings.max_pages})"
            )
        self.progress(f"sitemap: {sitemap.error or f'{len(sitemap.pages)} pages found, {added} added'}")

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
        self.facts.shard = {
            "shard": f"{index}/{count}",
            "pages_in_all": len(pages),
            "pages": len(mine),
            "journeys_in_all": len(journeys),
            "journeys": len(kept_journeys),
        }
        self.facts.notes.append(
            f"shard {index}/{count}: this run audited its share ({len(mine)} of {len(pages)} pages, "
            f"{len(kept_journeys)} of {len(journeys)} journeys); the other shards cover the rest"
        )
        self.progress(f"shard {index}/{count}: {len(mine)} of {len(pages)} pages")
        if not self.pending:
            raise GatherError(
                f"shard {index}/{count} has nothing to audit: {len(pages)} pages and {len(journeys)} journeys in all"
            )

    def add_links(self, page: PlannedPage, links: tuple[str, ...]) -> None:
        """Queue the same-origin links of an audited page, within the crawl's depth and page limits; note (once)
        each limit that left links unfollowed, so the report says where the crawl stopped and why."""
        crawl = self.settings.crawl
        for link in links:
            url = same_origin_page(link, self.target.url)
            if url is None or not crawlable(url, crawl.include, crawl.exclude) or page_key(url) in self._seen:
                continue
            if page.depth >= crawl.max_depth:
                self._note(f"the crawl stopped at accessibility.crawl.max_depth = {crawl.max_depth} links deep")
                return
            if self._crawled >= crawl.max_pages or self.pages_planned >= self.settings.max_pages:
                limit = "crawl.max_pages" if self._crawled >= crawl.max_pages else "max_pages"
                value = crawl.max_pages if self._crawled >= crawl.max_pages else self.settings.max_pages
                self._note(f"the crawl stopped at accessibility.{limit} = {value}; more links were not followed")
                return
            path = urlsplit(url).path
            if urlsplit(url).query:
                if self._variants[path] >= MAX_QUERY_VARIANTS:
                    self._note(
                        f"only {MAX_QUERY_VARIANTS} query-string variants of each path are audited; more were found"
                    )
                    continue
                self._variants[path] += 1
            if self.add_page(url, display_path(url, self.target.url), "crawl", page.depth + 1):
                self._crawled += 1

    def _note(self, note: str) -> None:
        if note not in self.facts.notes:
            self.facts.notes.append(note)
