"""What a suite is: something that gathers raw artifacts (I/O) and evaluates them (a pure function).

Keeping the two apart is what lets `golive evaluate RUN_DIR` re-judge saved artifacts with a changed config
without touching the network.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from harness.models import SuiteResult
from harness.redaction import Redactor
from harness.settings import GoliveConfig


class GatherError(Exception):
    """The suite could not make its measurement; the message is one line naming what to fix."""


def is_loopback_host(host: str) -> bool:
    """True for localhost and any loopback address (127.0.0.0/8, ::1)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Target:
    """The service under test, with what every request to it carries."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)
    allowed_hosts: tuple[str, ...] = ()

    @property
    def host(self) -> str:
        """The host name of the target URL."""
        return urlsplit(self.url).hostname or ""

    def allows_load(self) -> bool:
        """Whether load tests and active scans may run here: loopback, or a host listed in allowed_hosts."""
        return is_loopback_host(self.host) or self.host.lower() in {h.lower() for h in self.allowed_hosts}

    def request_headers(self) -> dict[str, str]:
        """What every request to the target carries: `headers`, with `cookies` folded into one Cookie header."""
        headers = dict(self.headers)
        if self.cookies:
            cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            existing = headers.pop("Cookie", None) or headers.pop("cookie", None)
            headers["Cookie"] = f"{existing}; {cookie}" if existing else cookie
        return headers

    def resolve(self, path_or_url: str) -> str:
        """An absolute URL for a configured path (``/start``) or URL."""
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return self.url.rstrip("/") + "/" + path_or_url.lstrip("/")

    @staticmethod
    def from_config(config: GoliveConfig) -> Target:
        """The target described by the `[target]` section."""
        section = config.target
        return Target(section.url, dict(section.headers), dict(section.cookies), tuple(section.allowed_hosts))


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file so that a reader (or an interrupted run) never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class GatherContext:
    """What a suite's gather step gets: where to write, what to test, how to report progress."""

    target: Target
    config: GoliveConfig
    artifact_dir: Path
    redactor: Redactor
    progress: Callable[[str], None] = lambda message: None

    def write_json(self, name: str, data: Any) -> Path:
        """Save a JSON artifact (secrets masked, written atomically) and return its path."""
        path = self.artifact_dir / name
        write_atomic(path, self.redactor.text(json.dumps(data, indent=2, default=str)))
        return path

    def write_text(self, name: str, text: str) -> Path:
        """Save a text artifact (secrets masked, written atomically) and return its path."""
        path = self.artifact_dir / name
        write_atomic(path, self.redactor.text(text))
        return path


@dataclass(frozen=True)
class EvaluateContext:
    """What a suite's evaluate step gets: the saved artifacts, the config to judge by, and today's date."""

    artifact_dir: Path
    config: GoliveConfig
    today: dt.date

    def read_json(self, name: str) -> Any:
        """Load a JSON artifact; a missing one raises FileNotFoundError."""
        return json.loads((self.artifact_dir / name).read_text(encoding="utf-8"))


class Suite(Protocol):
    """A suite: `gather` does the I/O and saves artifacts; `evaluate` turns artifacts into checks and findings.

    `gather` raises GatherError when it cannot measure (it should save what it has first); `evaluate` must not
    touch the network and must treat missing data as an error, never as a pass.
    """

    name: str
    title: str

    def gather(self, context: GatherContext) -> None:
        """Run the tool against the target and save its raw output under `context.artifact_dir`."""

    def evaluate(self, context: EvaluateContext) -> SuiteResult:
        """Judge the saved artifacts against the config."""
