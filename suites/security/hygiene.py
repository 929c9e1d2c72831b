"""Quick HTTP hygiene probes with the standard library: what the target answers, saved as observations.

This module only observes (status codes, header names, the values of security-relevant response headers,
cookie names and attributes). It never records cookie values, request headers or response bodies: a probe
for `/.env` must not copy the secrets it finds into golive's reports. Judging happens in `hygiene_rules`.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import secrets
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from harness import __version__
from harness.suite import Target
from harness.tls_trust import client_context
from suites.security.tls_probe import probe_tls

USER_AGENT = f"golive/{__version__} (security hygiene checks)"
CORS_PROBE_ORIGIN = "https://golive-cors-probe.example"
MAX_REDIRECTS = 5
# Enough of a body to recognise a file by its first bytes; never stored.
PROBE_READ_LIMIT = 4096
PAGE_READ_LIMIT = 65536

# Response headers whose values are recorded (lower-case); every other header is recorded by name only.
RECORDED_HEADERS = (
    "content-security-policy",
    "content-security-policy-report-only",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "permissions-policy",
    "strict-transport-security",
    "server",
    "x-powered-by",
    "x-aspnet-version",
    "x-aspnetmvc-version",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "content-type",
    "location",
)

_ENV_LINE = re.compile(rb"^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=", re.MULTILINE)
_GIT_HEAD = re.compile(rb"^(ref: refs/|[0-9a-f]{40}\s*$)")


def _looks_like_env(body: bytes) -> bool:
    return not body.lstrip().startswith(b"<") and _ENV_LINE.search(body) is not None


def _looks_like_server_status(body: bytes) -> bool:
    lowered = body.lower()
    return b"apache server status" in lowered or b"server uptime" in lowered


@dataclass(frozen=True)
class Probe:
    """A well-known file that must not be served: where to ask, and how to recognise the real thing.

    Recognising the content (not just a 200) is what keeps sites that answer 200 for everything from
    producing false alarms.
    """

    rule: str
    path: str
    recognise: Callable[[bytes], bool]
    looks_like: str


PROBES: tuple[Probe, ...] = (
    Probe("exposed-git", "/.git/HEAD", lambda body: _GIT_HEAD.match(body) is not None, "a git HEAD file"),
    Probe("exposed-git", "/.git/config", lambda body: b"[core]" in body, "a git config file"),
    Probe("exposed-env", "/.env", _looks_like_env, "an environment file (NAME=value lines)"),
    Probe("exposed-server-status", "/server-status", _looks_like_server_status, "Apache's server-status page"),
    Probe("exposed-backup", "/backup.zip", lambda body: body.startswith(b"PK\x03\x04"), "a zip archive"),
    Probe("exposed-backup", "/backup.tar.gz", lambda body: body.startswith(b"\x1f\x8b"), "a gzip archive"),
    Probe(
        "exposed-backup",
        "/backup.sql",
        lambda body: any(marker in body for marker in (b"CREATE TABLE", b"INSERT INTO", b"-- MySQL dump")),
        "an SQL dump",
    ),
)


@dataclass(frozen=True)
class Answer:
    """One HTTP response as the probes need it; `body` is a bounded prefix kept in memory only."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def all(self, name: str) -> list[str]:
        """Every value of a header that may repeat (Set-Cookie)."""
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]


class ProbeFailed(Exception):
    """A request could not be completed; the message says why in a few words."""


class HttpProber:
    """Sends the hygiene requests: the target's headers and cookies on each, a timeout on each, a count."""

    def __init__(self, target: Target, timeout: float) -> None:
        self._target = target
        self._timeout = timeout
        self.verify_tls = True
        self.requests = 0

    def _request_headers(self, extra: Mapping[str, str]) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
        headers.update(self._target.request_headers())
        headers.update(extra)
        return headers

    def fetch(
        self, url: str, extra: Mapping[str, str] | None = None, limit: int = PROBE_READ_LIMIT, tls_errors: bool = False
    ) -> Answer:
        """GET `url` without following redirects; raise ProbeFailed when no HTTP answer came back.

        With `tls_errors`, a certificate that fails verification raises ssl.SSLCertVerificationError instead.
        """
        parts = urlsplit(url)
        host = parts.hostname or ""
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            verified = self.verify_tls
            context = client_context(self._target.ca_file) if verified else ssl._create_unverified_context()
            connection = http.client.HTTPSConnection(host, parts.port, timeout=self._timeout, context=context)
        else:
            connection = http.client.HTTPConnection(host, parts.port, timeout=self._timeout)
        path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        self.requests += 1
        try:
            connection.request("GET", path, headers=self._request_headers(extra or {}))
            response = connection.getresponse()
            body = response.read(limit)
            return Answer(url, response.status, tuple(response.getheaders()), body)
        except ssl.SSLCertVerificationError as error:
            if tls_errors:
                raise
            raise ProbeFailed(f"TLS certificate not trusted: {error.verify_message}") from None
        except ConnectionRefusedError:
            raise ProbeFailed("connection refused") from None
        except TimeoutError:
            raise ProbeFailed(f"no answer within {self._timeout:g}s") from None
        except socket.gaierror:
            raise ProbeFailed(f"host {host!r} not found") from None
        except (OSError, http.client.HTTPException) as error:
            raise ProbeFailed(f"{type(error).__name__}: {error}") from None
        finally:
            connection.close()


def _recorded_headers(answer: Answer) -> dict[str, str]:
    """Values of the security-relevant headers; a repeated header (two Server lines) keeps every value."""
    values: dict[str, list[str]] = {}
    for name, value in answer.headers:
        key = name.lower()
        if key in RECORDED_HEADERS and value.strip():
            values.setdefault(key, []).append(value.strip())
    return {key: ", ".join(items) for key, items in values.items()}


def _cookie_attributes(set_cookie: str) -> dict[str, Any]:
    """Name and attributes of one Set-Cookie header; the value is deliberately dropped."""
    name_value, *attributes = [part.strip() for part in set_cookie.split(";")]
    flags: dict[str, Any] = {
        "name": name_value.split("=", 1)[0].strip(),
        "secure": False,
        "httponly": False,
        "samesite": None,
    }
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        key = key.strip().lower()
        if key == "secure":
            flags["secure"] = True
        elif key == "httponly":
            flags["httponly"] = True
        elif key == "samesite":
            flags["samesite"] = value.strip() or None
    return flags


def _describe(answer: Answer) -> dict[str, Any]:
    return {
        "url": answer.url,
        "status": answer.status,
        "header_names": sorted({name.lower() for name, _ in answer.headers}),
        "headers": _recorded_headers(answer),
    }


def _same_origin(first: str, second: str) -> bool:
    a, b = urlsplit(first), urlsplit(second)
    return (a.hostname or "").lower() == (b.hostname or "").lower()


def _main_page(prober: HttpProber, url: str) -> tuple[Answer, list[dict[str, Any]], list[dict[str, Any]]]:
    """Follow same-host redirects from the target URL; return the final answer, the chain and every cookie."""
    chain: list[dict[str, Any]] = []
    cookies: list[dict[str, Any]] = []
    answer = prober.fetch(url, limit=PAGE_READ_LIMIT)
    for _ in range(MAX_REDIRECTS):
        cookies.extend({**_cookie_attributes(value), "set_by": answer.url} for value in answer.all("Set-Cookie"))
        location = answer.header("Location")
        if answer.status not in (301, 302, 303, 307, 308) or not location:
            return answer, chain, cookies
        following = urljoin(answer.url, location)
        chain.append({"url": answer.url, "status": answer.status, "location": following})
        if not _same_origin(url, following):
            # A redirect to another host (a login service, say) is not the target's page to judge.
            return answer, chain, cookies
        answer = prober.fetch(following, limit=PAGE_READ_LIMIT)
    cookies.extend({**_cookie_attributes(value), "set_by": answer.url} for value in answer.all("Set-Cookie"))
    return answer, chain, cookies


def _https_redirect(prober: HttpProber, target_url: str, http_url: str = "") -> dict[str, Any]:
    """Whether the plain-HTTP side of an https target redirects to https:// (where that side is known)."""
    parts = urlsplit(target_url)
    if http_url:
        plain = http_url
    elif parts.port in (None, 443):
        plain = urlunsplit(("http", parts.hostname or "", parts.path or "/", "", ""))
    else:
        return {
            "checked": False,
            "reason": "the target uses a non-default HTTPS port, so its HTTP port is unknown "
            "(set security.hygiene.http_url to check it)",
        }
    try:
        answer = prober.fetch(plain)
    except ProbeFailed as error:
        return {"checked": True, "url": plain, "listening": False, "error": str(error)}
    location = answer.header("Location") or ""
    redirected = answer.status in (301, 302, 303, 307, 308) and urljoin(plain, location).startswith("https://")
    return {
        "checked": True,
        "url": plain,
        "listening": True,
        "status": answer.status,
        "location": urljoin(plain, location) if location else None,
        "redirects_to_https": redirected,
    }


def _cors(prober: HttpProber, url: str) -> dict[str, Any]:
    try:
        answer = prober.fetch(url, {"Origin": CORS_PROBE_ORIGIN})
    except ProbeFailed as error:
        return {"origin_sent": CORS_PROBE_ORIGIN, "error": str(error)}
    return {
        "origin_sent": CORS_PROBE_ORIGIN,
        "status": answer.status,
        "allow_origin": answer.header("Access-Control-Allow-Origin"),
        "allow_credentials": answer.header("Access-Control-Allow-Credentials"),
    }


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:16]


def _probe_files(prober: HttpProber, base: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Ask for a random path first: a site that answers it with 200 answers everything with 200."""
    missing_path = f"/golive-not-found-{secrets.token_hex(6)}"
    baseline: dict[str, Any] = {"path": missing_path}
    baseline_digest = None
    try:
        answer = prober.fetch(base + missing_path)
        baseline_digest = _digest(answer.body)
        baseline.update(status=answer.status, length=len(answer.body), digest=baseline_digest)
    except ProbeFailed as error:
        baseline["error"] = str(error)
    results: list[dict[str, Any]] = []
    for probe in PROBES:
        entry: dict[str, Any] = {"rule": probe.rule, "path": probe.path, "url": base + probe.path}
        try:
            answer = prober.fetch(base + probe.path)
        except ProbeFailed as error:
            entry["error"] = str(error)
            results.append(entry)
            continue
        entry.update(
            status=answer.status,
            content_type=answer.header("Content-Type"),
            length=len(answer.body),
            content_matches=answer.status == 200 and probe.recognise(answer.body),
            same_as_not_found=baseline_digest is not None and _digest(answer.body) == baseline_digest,
            looks_like=probe.looks_like,
        )
        results.append(entry)
    return baseline, results


def _security_txt(prober: HttpProber, base: str) -> dict[str, Any]:
    path = "/.well-known/security.txt"
    try:
        answer = prober.fetch(base + path)
    except ProbeFailed as error:
        return {"url": base + path, "error": str(error)}
    text = answer.body.lower()
    return {
        "url": base + path,
        "status": answer.status,
        "has_contact": answer.status == 200 and b"contact:" in text and not text.lstrip().startswith(b"<"),
    }


def gather_hygiene(target: Target, timeout: float, http_url: str = "") -> dict[str, Any]:
    """Run every hygiene probe against the target and return the observations (safe to save as JSON).

    `http_url` is where an https target's plain-HTTP side listens, when it is not port 80 of the same host.
    """
    started = time.monotonic()
    prober = HttpProber(target, timeout)
    parts = urlsplit(target.url)
    base = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    observations: dict[str, Any] = {"target": target.url, "scheme": parts.scheme, "error": None}
    if parts.scheme == "https":
        try:
            prober.fetch(target.url, tls_errors=True)
            observations["tls"] = {"verified": True}
        except ssl.SSLCertVerificationError as error:
            # Keep checking the rest with verification off; the certificate problem becomes its own finding.
            observations["tls"] = {"verified": False, "error": error.verify_message or str(error)}
            prober.verify_tls = False
        except ProbeFailed as error:
            observations["error"] = f"target {target.url} did not answer: {error}"
            observations["requests"] = prober.requests
            return observations
        observations["tls"].update(probe_tls(parts.hostname or "", parts.port or 443, timeout))
    try:
        answer, chain, cookies = _main_page(prober, target.url)
    except ProbeFailed as error:
        observations["error"] = f"target {target.url} did not answer: {error}"
        observations["requests"] = prober.requests
        return observations
    observations["main"] = {**_describe(answer), "redirects": chain, "cookies": cookies}
    observations["https_redirect"] = _https_redirect(prober, target.url, http_url) if parts.scheme == "https" else None
    observations["cors"] = _cors(prober, answer.url)
    observations["not_found"], observations["probes"] = _probe_files(prober, base)
    observations["security_txt"] = _security_txt(prober, base)
    observations["requests"] = prober.requests
    observations["duration_s"] = round(time.monotonic() - started, 3)
    return observations
