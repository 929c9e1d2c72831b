"""The reuse key: everything besides the responses that decides what an audit of a page finds, as one hash.

Two audits with the same key and byte-identical responses audit the same thing: the same golive code and
scripts, the same axe-core, the same browser build, the same options, the same session, the same URL. Secrets
(headers, cookies, the storage state) enter the key only through a hash, and the key itself is a hash of that.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from harness import __version__
from suites.accessibility.audit import VIEWPORT, AuditOptions

# Bumped whenever a reuse entry's meaning or shape changes; entries of another format are ignored.
# 2: entries keep the identity headers (User-Agent, Accept-Language, ...) the browser sent. A document may also
#    keep its Accept header; an entry without it is re-checked with "*/*", at worst a needless re-audit.
CACHE_FORMAT = 2
VERSION_TIMEOUT_S = 15.0
_VERSION = re.compile(r"\d+(?:\.\d+)+")


@dataclass(frozen=True)
class SessionFacts:
    """What the browser carries to the target: configured headers and cookies, and a storage-state file."""

    headers: dict[str, str]
    cookies: dict[str, str]
    storage_state: str | None

    def digest(self) -> str:
        """One hash of the session; the values themselves never leave this function."""
        state = Path(self.storage_state).read_bytes() if self.storage_state else b""
        text = json.dumps({"headers": self.headers, "cookies": self.cookies}, sort_keys=True)
        return _sha256(text.encode("utf-8") + b"\0" + state)


@functools.cache
def browser_identity(executable: str) -> str | None:
    """The build of the Chromium at `executable` (its `--version` line), or None when it will not say.

    Asked without launching it, so a run whose every page is reused never starts a browser.
    """
    try:
        answer = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    line = answer.stdout.strip()
    return line if answer.returncode == 0 and line else None


def version_number(identity: str | None) -> str:
    """The version number in a `--version` line ("Chromium 156.0.8078.114" gives "156.0.8078.114"), or ""."""
    match = _VERSION.search(identity or "")
    return match.group(0) if match else ""


@functools.cache
def suite_code_digest() -> str:
    """A hash of this suite's code and page scripts: a change to golive's own checks invalidates every entry."""
    digest = hashlib.sha256(__version__.encode("utf-8"))
    package = resources.files(__package__)
    files = [entry for entry in package.iterdir() if entry.name.endswith(".py")]
    files += [entry for entry in package.joinpath("js").iterdir() if entry.name.endswith(".js")]
    for entry in sorted(files, key=lambda entry: entry.name):
        digest.update(entry.name.encode("utf-8") + b"\0" + entry.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class ReuseBasis:
    """The run-wide part of every page's key; `page_key` adds the page."""

    digest: str

    def page_key(self, url: str) -> str:
        """The key of the entry for the page requested as `url`."""
        return _sha256(f"{self.digest}\0{url}".encode())


def reuse_basis(options: AuditOptions, axe_path: Path, browser: str, session: SessionFacts) -> ReuseBasis:
    """The run-wide key from the audit options, the axe-core file, the browser build and the session."""
    parts: dict[str, Any] = {
        "format": CACHE_FORMAT,
        "code": suite_code_digest(),
        # The secrets masked in screenshots change what is saved; they enter the key as a hash, like the session.
        "options": {**dataclasses.asdict(options), "masked": _sha256("\0".join(options.masked).encode("utf-8"))},
        "viewport": list(VIEWPORT),
        "axe": _sha256(axe_path.read_bytes()),
        "browser": browser,
        "session": session.digest(),
    }
    return ReuseBasis(_sha256(json.dumps(parts, sort_keys=True).encode("utf-8")))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
