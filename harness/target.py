"""The service under test, and who may be sent load or active scans."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from harness.auth.login_page import is_logout
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
    """The service under test, with what every request to it carries.

    After golive signed in, `session_cookies` (sent like `cookies`) and `storage_state` (a Playwright storage-state
    file for browsers) hold the session. `login_url` is the login page ("" when no sign-in is configured) and
    `logout` the path patterns that nothing may request. `ca_file` holds CAs to trust besides the system's.
    """

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)
    allowed_hosts: tuple[str, ...] = ()
    session_cookies: Mapping[str, str] = field(default_factory=dict)
    storage_state: str | None = None
    login_url: str = ""
    logout: tuple[str, ...] = ()
    ca_file: str = ""

    @property
    def host(self) -> str:
        """The host name of the target URL."""
        return urlsplit(self.url).hostname or ""

    def allows_load(self) -> bool:
        """Whether load tests and active scans may run here: loopback, or a host listed in allowed_hosts."""
        return is_loopback_host(self.host) or self.host.lower() in {h.lower() for h in self.allowed_hosts}

    @property
    def all_cookies(self) -> dict[str, str]:
        """The configured cookies and the session's (the session's win on a name both have)."""
        return {**self.cookies, **self.session_cookies}

    def request_headers(self) -> dict[str, str]:
        """What every request to the target carries: `headers`, with the cookies folded into one Cookie header."""
        headers = dict(self.headers)
        cookies = self.all_cookies
        if cookies:
            cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
            existing = headers.pop("Cookie", None) or headers.pop("cookie", None)
            headers["Cookie"] = f"{existing}; {cookie}" if existing else cookie
        return headers

    def resolve(self, path_or_url: str) -> str:
        """An absolute URL for a configured path (``/start``) or URL."""
        return resolve_against(self.url, path_or_url)

    def is_logout(self, url: str) -> bool:
        """Whether `url` is a sign-out link (an `auth.logout` pattern): never to be requested."""
        return is_logout(url, self.logout)

    def with_session(self, cookies: Mapping[str, str], storage_state: str | None) -> Target:
        """This target carrying a (new) session."""
        return replace(self, session_cookies=dict(cookies), storage_state=storage_state)

    @staticmethod
    def from_config(config: GoliveConfig) -> Target:
        """The target described by the `[target]` section, with the login page and sign-out links of `[auth]`."""
        section = config.target
        auth = config.auth
        login_url = ""
        if auth.login_page:
            login_url = resolve_against(section.url, auth.login_page) if section.url else auth.login_page
        return Target(
            section.url,
            dict(section.headers),
            dict(section.cookies),
            tuple(section.allowed_hosts),
            login_url=login_url,
            logout=tuple(auth.logout),
            ca_file=section.ca_file,
        )


def resolve_against(base: str, path_or_url: str) -> str:
    """An absolute URL for a configured path (``/start``) or URL, on `base`."""
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return base.rstrip("/") + "/" + path_or_url.lstrip("/")
