"""Which pages to audit beyond the configured ones: the target's sitemap and a same-origin crawl.

The parsing and filtering here are pure functions; only `fetch_sitemap` does I/O (through the browser
context, so it carries the same cookies as the audited pages).
"""

from __future__ import annotations

import fnmatch
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urlsplit

from harness.fingerprint import normalise_url
from suites.accessibility.urls import origin

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

SITEMAP_PATH = "/sitemap.xml"
# A sitemap index may point at many sitemaps; following a few is enough to find pages worth auditing.
MAX_NESTED_SITEMAPS = 10
# Links a crawler must never follow: they end the session whose cookies the audit relies on, or are not pages.
NEVER_CRAWL = ("*logout*", "*log-out*", "*signout*", "*sign-out*", "*logoff*")
NOT_PAGES = (
    ".pdf",
    ".zip",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".svg",
    ".webp",
    ".ico",
    ".css",
    ".js",
    ".xml",
    ".json",
    ".txt",
    ".csv",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".mp4",
    ".mp3",
)


@dataclass
class SitemapResult:
    """What reading the sitemap gave: page URLs on the target's origin, and an error if it could not be read."""

    url: str
    pages: list[str] = field(default_factory=list)
    error: str | None = None
    skipped_offsite: int = 0


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_sitemap(text: str) -> tuple[list[str], list[str]]:
    """The page URLs and the nested sitemap URLs in a sitemap (``<urlset>``) or sitemap index document.

    Raises ValueError when the text is not XML.
    """
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ValueError(f"not a sitemap: {error}") from None
    locations = [
        (element.text or "").strip() for element in root.iter() if _local_name(element.tag) == "loc" and element.text
    ]
    if _local_name(root.tag) == "sitemapindex":
        return [], locations
    return locations, []


def same_origin_page(url: str, base: str) -> str | None:
    """`url` without its fragment if it is an http(s) page on `base`'s origin, else None."""
    url, _ = urldefrag(url.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or origin(url) != origin(base):
        return None
    if parts.path.lower().endswith(NOT_PAGES):
        return None
    return url


def page_key(url: str) -> str:
    """The URL as a key for de-duplicating pages: ``?b=2&a=1`` and ``?a=1&b=2`` are one page, ``?a=1`` and
    ``?a=2`` two; the path keeps its case and trailing slash."""
    return normalise_url(url, query_values=True)


def crawlable(url: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Whether the crawl may follow `url`: its path matches an include pattern (if any) and no exclude pattern.

    Patterns are shell-style and match the path (``/guide/*``); sign-out links are never followed.
    """
    path = urlsplit(url).path or "/"
    lowered = path.lower()
    if any(fnmatch.fnmatchcase(lowered, pattern) for pattern in NEVER_CRAWL):
        return False
    if include and not any(fnmatch.fnmatchcase(path, pattern) for pattern in include):
        return False
    return not any(fnmatch.fnmatchcase(path, pattern) for pattern in exclude)


def unique(urls: Iterable[str]) -> list[str]:
    """The URLs in order with repeats removed (a trailing-slash difference is a different page)."""
    return list(dict.fromkeys(urls))


async def fetch_sitemap(context: BrowserContext, base: str, headers: dict[str, str], timeout_s: float) -> SitemapResult:
    """Read ``/sitemap.xml`` (following a sitemap index one level) and keep the target's own pages."""
    from playwright.async_api import Error as PlaywrightError

    first = base.rstrip("/") + SITEMAP_PATH
    result = SitemapResult(first)
    queue, seen = [first], 0
    while queue and seen <= MAX_NESTED_SITEMAPS:
        url = queue.pop(0)
        seen += 1
        if origin(url) != origin(base):
            continue  # never send the target's headers to another site
        try:
            response = await context.request.get(url, headers=headers, timeout=timeout_s * 1000)
            if not response.ok:
                raise ValueError(f"HTTP {response.status}")
            pages, nested = parse_sitemap(await response.text())
        except (PlaywrightError, ValueError) as error:
            if url == first:
                result.error = f"{url}: {str(error).strip().splitlines()[0]}"
                return result
            continue  # a broken nested sitemap does not hide the pages of the others
        queue.extend(nested)
        for page in pages:
            local = same_origin_page(page, base)
            if local is None:
                result.skipped_offsite += 1
            else:
                result.pages.append(local)
    result.pages = unique(result.pages)
    return result


def shard_of(urls: Sequence[str], index: int, count: int) -> list[str]:
    """The `index`-th of `count` shares (1-based) of the URLs, sorted so that every CI job splits the same list.

    Shares are dealt round-robin from the sorted list, so neighbouring pages (often one section of a site, with
    similar cost) spread over the jobs.
    """
    ordered = sorted(unique(urls))
    return [url for position, url in enumerate(ordered) if position % count == index - 1]
