"""What the browser sent, kept for the re-check: entries of the earlier format, and the headers a re-check sends."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from harness.suite import Target
from suites.accessibility.artifacts import PageRecord, PageStatus
from suites.accessibility.response_check import request_headers
from suites.accessibility.response_log import RecordedResponse, ResponseLog, body_hash
from suites.accessibility.reuse import sent_identity
from suites.accessibility.reuse_cache import STALE_AFTER_DAYS, CacheEntry, ReuseCache
from suites.accessibility.reuse_key import CACHE_FORMAT

SITE = "http://127.0.0.1:8000"
URL = f"{SITE}/start"
# Origins as entries keep them: scheme, host and port, the default port written out.
FONTS = "https://fonts.example.net:443"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"
IDENTITY = {"user-agent": AGENT, "accept-language": "en-US,en;q=0.9"}
KEY = "k" * 64


def previous_format_entry() -> dict[str, Any]:
    """An entry exactly as the previous cache format (1) wrote it: no record of the headers the browser sent."""
    record = PageRecord(URL, "/start", PageStatus.AUDITED, final_url=URL, http_status=200)
    return {
        "format": 1,
        "key": KEY,
        "url": URL,
        "audited_at": "2026-12-01T10:00:00Z",
        "responses": [RecordedResponse(URL, "GET", 200, body_hash(b"<html>")).to_dict()],
        "record": record.to_dict(),
        "result": {"violations": []},
        "links": [],
        "screenshot": None,
    }


def write_entry(folder: Path, data: dict[str, Any]) -> Path:
    """Save `data` as the entry file of KEY in the cache folder `folder` (a format's folder)."""
    path = folder / "entries" / f"{KEY}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def test_the_cache_format_was_bumped_for_the_new_field() -> None:
    assert CACHE_FORMAT == 2


def test_an_entry_of_the_previous_format_where_it_was_saved_is_never_read(tmp_path: Path) -> None:
    write_entry(tmp_path / "v1", previous_format_entry())
    cache = ReuseCache(tmp_path)
    assert cache.load(KEY) is None
    # Not an error worth a note: the page is simply audited again and saved in the new format.
    assert cache.unreadable == 0
    assert cache.notes() == []


def test_an_entry_without_the_browsers_headers_is_not_reusable_even_in_the_current_folder(tmp_path: Path) -> None:
    write_entry(tmp_path / f"v{CACHE_FORMAT}", {**previous_format_entry(), "format": CACHE_FORMAT})
    cache = ReuseCache(tmp_path)
    assert cache.load(KEY) is None
    assert cache.unreadable == 1
    assert "could not be read" in cache.notes()[0]


@pytest.mark.parametrize(
    "headers",
    [None, "user-agent", {SITE: "user-agent"}, {FONTS: IDENTITY}],
    ids=["missing", "not-a-table", "not-per-origin", "not-for-the-pages-origin"],
)
def test_an_entry_whose_browser_headers_do_not_cover_its_responses_is_not_reusable(
    tmp_path: Path, headers: Any
) -> None:
    entry = {**previous_format_entry(), "format": CACHE_FORMAT, "browser_headers": headers}
    write_entry(tmp_path / f"v{CACHE_FORMAT}", entry)
    assert ReuseCache(tmp_path).load(KEY) is None
    entry["browser_headers"] = {SITE: IDENTITY}
    write_entry(tmp_path / f"v{CACHE_FORMAT}", entry)
    found = ReuseCache(tmp_path).load(KEY)
    assert found is not None and found[0].browser_headers == {SITE: IDENTITY}


def test_an_entry_reads_back_with_the_headers_it_was_saved_with(tmp_path: Path) -> None:
    entry = CacheEntry.from_dict(
        {**previous_format_entry(), "format": CACHE_FORMAT, "browser_headers": {SITE: IDENTITY}}, KEY
    )
    ReuseCache(tmp_path).store(entry, None)
    assert ReuseCache(tmp_path).load(KEY) == (entry, None)


def test_stale_entries_of_the_previous_format_are_pruned_fresh_ones_kept(tmp_path: Path) -> None:
    old = write_entry(tmp_path / "v1", previous_format_entry())
    cache = ReuseCache(tmp_path)
    cache.prune()
    assert old.exists()
    month_ago = time.time() - STALE_AFTER_DAYS * 86400 - 60
    os.utime(old, (month_ago, month_ago))
    cache.prune()
    assert not old.exists()


TARGET = Target(URL, headers={"Authorization": "Bearer t0ken", "User-Agent": "golive-check/1.0"})


def test_a_recheck_sends_each_origin_what_the_browser_sent_it() -> None:
    sent = {SITE: {"accept-language": "en-GB"}, FONTS: IDENTITY}
    # On the target's origin the configured headers win, one header per name whatever its spelling.
    assert request_headers(URL, sent, TARGET) == {
        "accept-language": "en-GB",
        "authorization": "Bearer t0ken",
        "user-agent": "golive-check/1.0",
    }
    # Elsewhere the browser's own identity, and no configured header (they may be credentials).
    assert request_headers("https://fonts.example.net/font.woff2", sent, TARGET) == IDENTITY
    assert request_headers("https://other.example.net/x.js", sent, TARGET) == {}
    assert request_headers(URL, {SITE: IDENTITY}, Target(URL)) == IDENTITY


def test_a_configured_header_is_not_kept_as_what_the_browser_sent_the_target() -> None:
    log = ResponseLog()
    # Playwright reports a header the route replaced as both values; neither is the browser's own to replay.
    log._identity = {
        SITE: {"user-agent": f"{AGENT}, golive-check/1.0", "accept-language": "en-US"},
        FONTS: IDENTITY,
    }
    assert sent_identity(log, TARGET) == {SITE: {"accept-language": "en-US"}, FONTS: IDENTITY}
    assert sent_identity(log, Target(URL)) == log.identity
