"""The service under test, and who may be sent load or active scans."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from harness.settings import GoliveConfig


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
