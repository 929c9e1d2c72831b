"""The parts of audit reuse that need no browser: the key, the cache files, what may be kept."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from suites.accessibility.artifacts import PageRecord, PageStatus
from suites.accessibility.audit import AuditOptions
from suites.accessibility.response_log import RecordedResponse, ResponseLog, body_hash
from suites.accessibility.reuse import storable
from suites.accessibility.reuse_cache import STALE_AFTER_DAYS, CacheEntry, ReuseCache, screenshot_name
from suites.accessibility.reuse_key import CACHE_FORMAT, ReuseBasis, SessionFacts, reuse_basis, version_number

URL = "http://127.0.0.1:8000/start"
SITE = "http://127.0.0.1:8000"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"
OPTIONS = AuditOptions(tags=("wcag2a", "wcag2aa"), checks=("reflow",))
BROWSER = "/usr/lib/chromium/chromium Chromium 156.0.8078.114"


@pytest.fixture
def axe(tmp_path: Path) -> Path:
    """A stand-in axe-core file (only its bytes matter to the key)."""
    path = tmp_path / "axe.min.js"
    path.write_text("/*! axe v4.10.0 */ window.axe = {};")
    return path


def basis(axe: Path, **changes: Any) -> ReuseBasis:
    """The key's basis with the defaults above, some of them changed."""
    session = changes.pop("session", SessionFacts({}, {}, None))
    options = dataclasses.replace(OPTIONS, **changes.pop("options", {}))
    return reuse_basis(options, changes.pop("axe", axe), changes.pop("browser", BROWSER), session)


def test_the_same_inputs_give_the_same_key(axe: Path) -> None:
    assert basis(axe).page_key(URL) == basis(axe).page_key(URL)
    assert basis(axe).page_key(URL) != basis(axe).page_key(URL + "?page=2")


@pytest.mark.parametrize(
    "change",
    [
        {"options": {"tags": ("wcag2a",)}},
        {"options": {"disable": ("region",)}},
        {"options": {"checks": ()}},
        {"options": {"max_tab_presses": 10}},
        {"options": {"wait_until": "networkidle"}},
        {"options": {"screenshots": False}},
        {"options": {"collect_links": True}},
        {"options": {"login_url": "http://127.0.0.1:8000/login"}},
        {"options": {"masked": ("s3cret",)}},
        {"browser": "/usr/lib/chromium/chromium Chromium 157.0.1.2"},
        {"session": SessionFacts({"X-Team": "a"}, {}, None)},
        {"session": SessionFacts({}, {"sid": "1"}, None)},
    ],
)
def test_every_input_that_changes_results_changes_the_key(axe: Path, change: dict[str, Any]) -> None:
    assert basis(axe, **change).page_key(URL) != basis(axe).page_key(URL)


def test_the_axe_script_and_the_storage_state_enter_the_key_by_their_bytes(axe: Path, tmp_path: Path) -> None:
    before = basis(axe).digest
    axe.write_text(axe.read_text() + " ")
    assert basis(axe).digest != before

    state = tmp_path / "state.json"
    state.write_text('{"cookies": [], "origins": []}')
    with_state = basis(axe, session=SessionFacts({}, {}, str(state))).digest
    assert with_state != basis(axe).digest
    state.write_text('{"cookies": [{"name": "sid", "value": "2"}], "origins": []}')
    assert basis(axe, session=SessionFacts({}, {}, str(state))).digest != with_state


def test_the_key_holds_no_secret(axe: Path) -> None:
    session = SessionFacts({"Authorization": "Bearer abc123"}, {"sid": "zz9"}, None)
    digest = basis(axe, session=session, options={"masked": ("abc123",)}).digest
    assert "abc123" not in digest and "zz9" not in digest
    assert len(digest) == 64


def test_version_number_reads_a_version_line() -> None:
    assert version_number("Chromium 156.0.8078.114 built on Debian") == "156.0.8078.114"
    assert version_number("Google Chrome 120.0.6099.71") == "120.0.6099.71"
    assert version_number(None) == ""
    assert version_number("no version here") == ""


def entry(key: str = "k" * 64, *, violations: int = 1, screenshot: bytes | None = None) -> CacheEntry:
    """A cache entry for one audited page."""
    record = PageRecord(URL, "/start", PageStatus.AUDITED, final_url=URL, http_status=200, violations=violations)
    return CacheEntry(
        key=key,
        url=URL,
        audited_at="2026-12-05T10:00:00Z",
        responses=(RecordedResponse(URL, "GET", 200, body_hash(b"<html>")),),
        browser_headers={SITE: {"user-agent": AGENT, "accept-language": "en-US,en;q=0.9"}},
        record=record.to_dict(),
        result={"violations": [{"id": "image-alt", "nodes": [{}] * violations}]},
        links=("http://127.0.0.1:8000/next",),
        screenshot=screenshot_name(screenshot) if screenshot else None,
    )


def test_an_entry_and_its_screenshot_read_back_as_written(tmp_path: Path) -> None:
    cache = ReuseCache(tmp_path)
    shot = b"\xff\xd8 a jpeg"
    cache.store(entry(screenshot=shot), shot)
    found = ReuseCache(tmp_path).load("k" * 64)
    assert found == (entry(screenshot=shot), shot)
    assert ReuseCache(tmp_path).load("x" * 64) is None
    assert cache.notes() == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_text("{ not json"),
        lambda path: path.write_text(json.dumps({**json.loads(path.read_text()), "format": 99})),
        lambda path: path.write_text(json.dumps({**json.loads(path.read_text()), "key": "other"})),
        lambda path: path.write_text(json.dumps({**json.loads(path.read_text()), "responses": "none"})),
        lambda path: path.write_text(json.dumps({**json.loads(path.read_text()), "responses": []})),
        lambda path: path.write_text(
            json.dumps({k: v for k, v in json.loads(path.read_text()).items() if k != "result"})
        ),
        lambda path: next((path.parent.parent / "screenshots").iterdir()).write_bytes(b"another picture"),
        lambda path: next((path.parent.parent / "screenshots").iterdir()).unlink(),
    ],
)
def test_a_damaged_entry_is_ignored_with_a_note(tmp_path: Path, damage: Any) -> None:
    shot = b"\xff\xd8 a jpeg"
    ReuseCache(tmp_path).store(entry(screenshot=shot), shot)
    damage(next((tmp_path / f"v{CACHE_FORMAT}" / "entries").iterdir()))
    cache = ReuseCache(tmp_path)
    assert cache.load("k" * 64) is None
    assert cache.unreadable == 1
    assert "could not be read" in cache.notes()[0]


def test_a_cache_that_cannot_be_written_is_a_note_not_a_crash(tmp_path: Path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    cache = ReuseCache(blocked)
    cache.store(entry(), None)
    assert cache.load("k" * 64) is None
    assert cache.write_error is not None
    assert "could not be written" in cache.notes()[0]


def test_writers_at_once_leave_whole_entries(tmp_path: Path) -> None:
    variants = {entry(violations=count).record["violations"] for count in range(1, 5)}
    seen: list[int] = []
    unreadable: list[int] = []
    stop = threading.Event()

    def write(count: int) -> None:
        cache = ReuseCache(tmp_path)
        for _ in range(40):
            cache.store(entry(violations=count), None)

    def read() -> None:
        cache = ReuseCache(tmp_path)
        while not stop.is_set():
            found = cache.load("k" * 64)
            if found is not None:
                seen.append(found[0].record["violations"])
        unreadable.append(cache.unreadable)

    reader = threading.Thread(target=read)
    reader.start()
    writers = [threading.Thread(target=write, args=(count,)) for count in range(1, 5)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    reader.join()
    assert seen and set(seen) <= variants
    assert unreadable == [0]
    assert ReuseCache(tmp_path).load("k" * 64) is not None
    assert not list((tmp_path / f"v{CACHE_FORMAT}" / "entries").glob(".*.tmp"))


def _log(*responses: RecordedResponse, doubt: str | None = None) -> ResponseLog:
    log = ResponseLog()
    for response in responses:
        log._keep(response)
    log.doubt = log.doubt or doubt
    return log


DOCUMENT = RecordedResponse(URL, "GET", 200, body_hash(b"<html>"))
AUDITED = PageRecord(URL, "/start", PageStatus.AUDITED, final_url=URL, http_status=200)
RESULT: dict[str, Any] = {"violations": [], "golive": {"errors": {}}}


def test_only_a_whole_audit_with_a_trusted_log_is_kept() -> None:
    assert storable(AUDITED, RESULT, _log(DOCUMENT))
    assert not storable(AUDITED, RESULT, _log(DOCUMENT, doubt="a request failed"))
    assert not storable(AUDITED, RESULT, _log(RecordedResponse(URL + "/other", "GET", 200, "0" * 64)))
    assert not storable(AUDITED, None, _log(DOCUMENT))
    assert not storable(AUDITED, {"golive": {"errors": {"keyboard": "timed out"}}}, _log(DOCUMENT))
    for status in (PageStatus.LOAD_ERROR, PageStatus.AUDIT_ERROR, PageStatus.OFFSITE, PageStatus.STEP_ERROR):
        assert not storable(dataclasses.replace(AUDITED, status=status), RESULT, _log(DOCUMENT))
    assert not storable(dataclasses.replace(AUDITED, journey="apply", step=1), RESULT, _log(DOCUMENT))
    assert not storable(dataclasses.replace(AUDITED, reused=True), RESULT, _log(DOCUMENT))
    # The browser never sends a fragment: the document answered for the page asked with one.
    assert storable(dataclasses.replace(AUDITED, url=URL + "#help"), RESULT, _log(DOCUMENT))


def test_a_url_that_answers_differently_within_one_audit_puts_the_log_in_doubt() -> None:
    same = _log(DOCUMENT, DOCUMENT)
    assert same.doubt is None and same.responses == (DOCUMENT,)
    changed = _log(DOCUMENT, dataclasses.replace(DOCUMENT, sha256=body_hash(b"<html>2")))
    assert changed.doubt is not None


def test_entries_unused_for_a_month_are_pruned_and_a_reuse_keeps_one(tmp_path: Path) -> None:
    shot = b"\xff\xd8 a jpeg"
    cache = ReuseCache(tmp_path)
    cache.store(entry(screenshot=shot), shot)
    cache.store(entry("j" * 64), None)
    month = STALE_AFTER_DAYS * 86400
    later = time.time() + month + 60
    cache.prune(now=later - 120)
    assert cache.load("k" * 64) is not None and cache.load("j" * 64) is not None
    for path in [
        *(tmp_path / f"v{CACHE_FORMAT}" / "entries").iterdir(),
        *(tmp_path / f"v{CACHE_FORMAT}" / "screenshots").iterdir(),
    ]:
        os.utime(path, (time.time() - month - 60,) * 2)
    cache.touch(entry(screenshot=shot))
    cache.prune()
    assert cache.load("k" * 64) == (entry(screenshot=shot), shot)
    assert cache.load("j" * 64) is None
    assert cache.unreadable == 0
