"""The reuse cache: one file per valid page audit, under the output folder, so the next run can reuse it.

Layout under ``<out>/.cache/accessibility/v2/`` (the folder is named by CACHE_FORMAT)::

    entries/<key>.json        what the audit saved for the page, the responses it was built from, and the
                              identity headers the browser sent for them
    screenshots/<sha>.jpeg    the outlined screenshot, named by its own hash

Every file is written atomically and named by what it holds, so two runs writing at once leave one whole
entry or the other, never a mix. An entry that cannot be read, or is of another format, is ignored (and
counted in a note): the page is then simply audited again. The folders of earlier formats are never read;
`prune` empties them as their entries grow stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.files import write_atomic
from suites.accessibility.response_log import RecordedResponse
from suites.accessibility.reuse_key import CACHE_FORMAT
from suites.accessibility.urls import origin_text

ENTRIES = "entries"
SCREENSHOTS = "screenshots"
# An entry no run has written or reused for this long belongs to settings, a browser or a golive no longer used.
STALE_AFTER_DAYS = 30


class CorruptEntry(ValueError):
    """A cache file that is not a whole entry of this format."""


@dataclass(frozen=True)
class CacheEntry:
    """One valid page audit: its index record and axe result as saved, and what it was built from.

    `audited_at` is when the run that audited the page started; `browser_headers` the identity headers the
    browser sent to each origin the responses came from (see `response_log.IDENTITY_HEADERS`), which the
    re-check sends again; `screenshot` the name of its screenshot file in the cache, or None.
    """

    key: str
    url: str
    audited_at: str
    responses: tuple[RecordedResponse, ...]
    browser_headers: dict[str, dict[str, str]]
    record: dict[str, Any]
    result: dict[str, Any]
    links: tuple[str, ...] = ()
    screenshot: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The entry as saved."""
        return {
            "format": CACHE_FORMAT,
            "key": self.key,
            "url": self.url,
            "audited_at": self.audited_at,
            "responses": [response.to_dict() for response in self.responses],
            "browser_headers": self.browser_headers,
            "record": self.record,
            "result": self.result,
            "links": list(self.links),
            "screenshot": self.screenshot,
        }

    @staticmethod
    def from_dict(data: Any, key: str) -> CacheEntry:
        """Read an entry saved by `to_dict` under `key`; CorruptEntry says why it is not one."""
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            raise CorruptEntry("not an entry of this golive's format")
        if data.get("key") != key:
            raise CorruptEntry("saved under another key")
        try:
            entry = CacheEntry(
                key=key,
                url=str(data["url"]),
                audited_at=str(data["audited_at"]),
                responses=tuple(RecordedResponse.from_dict(item) for item in data["responses"]),
                browser_headers=_browser_headers(data.get("browser_headers")),
                record=dict(data["record"]),
                result=dict(data["result"]),
                links=tuple(str(link) for link in data.get("links") or ()),
                screenshot=None if data.get("screenshot") is None else str(data["screenshot"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise CorruptEntry(f"{type(error).__name__}: {error}") from None
        if not entry.responses:
            raise CorruptEntry("no responses recorded")
        # Without what the browser sent, a re-check would ask as some other client, and may be answered otherwise.
        if {origin_text(response.url) for response in entry.responses} - entry.browser_headers.keys():
            raise CorruptEntry("no request headers recorded for an origin it loaded from")
        return entry


def _browser_headers(data: Any) -> dict[str, dict[str, str]]:
    if not isinstance(data, dict) or not all(isinstance(headers, dict) for headers in data.values()):
        raise CorruptEntry("no request headers recorded")
    return {str(site): {str(name): str(value) for name, value in headers.items()} for site, headers in data.items()}


class ReuseCache:
    """Reads and writes entries in `folder`; never raises for a bad cache, it records a note instead."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / f"v{CACHE_FORMAT}"
        self.unreadable = 0
        self.write_error: str | None = None

    def _entry_path(self, key: str) -> Path:
        return self.folder / ENTRIES / f"{key}.json"

    def load(self, key: str) -> tuple[CacheEntry, bytes | None] | None:
        """The entry saved under `key` and its screenshot, or None when there is none (or it is unreadable)."""
        path = self._entry_path(key)
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError:
            self.unreadable += 1
            return None
        try:
            entry = CacheEntry.from_dict(json.loads(text), key)
            screenshot = None
            if entry.screenshot is not None:
                screenshot = (self.folder / SCREENSHOTS / Path(entry.screenshot).name).read_bytes()
                if hashlib.sha256(screenshot).hexdigest() != Path(entry.screenshot).stem:
                    raise CorruptEntry("its screenshot does not match its hash")
        except (OSError, ValueError):  # CorruptEntry and JSONDecodeError are ValueErrors
            self.unreadable += 1
            return None
        return entry, screenshot

    def touch(self, entry: CacheEntry) -> None:
        """Mark an entry (and its screenshot) as used now, so that `prune` keeps it."""
        paths = [self._entry_path(entry.key)]
        if entry.screenshot is not None:
            paths.append(self.folder / SCREENSHOTS / entry.screenshot)
        for path in paths:
            with contextlib.suppress(OSError):
                os.utime(path)

    def prune(self, now: float | None = None) -> None:
        """Delete entries and screenshots neither written nor used for STALE_AFTER_DAYS; never raises.

        Entries of settings, browsers or golive versions no longer in use would otherwise pile up for ever;
        the folders of earlier cache formats are swept the same way.
        """
        oldest = (time.time() if now is None else now) - STALE_AFTER_DAYS * 86400
        formats = [self.folder]
        with contextlib.suppress(OSError):
            formats += [path for path in self.folder.parent.glob("v*") if path.name != self.folder.name]
        for folder in (base / part for base in formats for part in (ENTRIES, SCREENSHOTS)):
            with contextlib.suppress(OSError):
                for path in folder.iterdir():
                    with contextlib.suppress(OSError):
                        if path.stat().st_mtime < oldest:
                            path.unlink()

    def store(self, entry: CacheEntry, screenshot: bytes | None) -> None:
        """Save an entry (its screenshot first, so a saved entry always finds it); a failure becomes a note."""
        if self.write_error is not None:
            return
        try:
            if screenshot is not None and entry.screenshot is not None:
                shot = self.folder / SCREENSHOTS / entry.screenshot
                if shot.exists():
                    os.utime(shot)  # the same picture as an older entry's: keep it as long as this one
                else:
                    write_atomic(shot, screenshot)
            write_atomic(self._entry_path(entry.key), json.dumps(entry.to_dict(), separators=(",", ":")))
        except OSError as error:
            self.write_error = f"{error.strerror or error}"

    def notes(self) -> list[str]:
        """What went wrong with the cache, for the report's notes."""
        notes = []
        if self.unreadable:
            one = self.unreadable == 1
            notes.append(
                f"{self.unreadable} accessibility reuse cache {'entry' if one else 'entries'} could not be read "
                f"(corrupt, or from another golive) and {'was' if one else 'were'} ignored; "
                f"{'its page was' if one else 'those pages were'} audited again"
            )
        if self.write_error is not None:
            notes.append(f"the accessibility reuse cache could not be written ({self.write_error}); nothing was saved")
        return notes


def screenshot_name(screenshot: bytes) -> str:
    """The cache file name of a screenshot: its own hash."""
    return f"{hashlib.sha256(screenshot).hexdigest()}.jpeg"
