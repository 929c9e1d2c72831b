"""Drive a running OWASP ZAP through its API: baseline (spider + passive scan), optionally the active scan.

The `zapv2` client is imported inside the functions that use it, so `golive --help` never loads it. The client
sets no timeout on its HTTP calls, so each call runs in a helper thread with a deadline: a ZAP that hangs
turns into an error message, never into a run that never ends.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from harness.suite import Target
from suites.security.settings import ZapSettings

T = TypeVar("T")
ALERTS_PAGE_SIZE = 500
# A safety stop for paging: 200 pages of 500 alerts is far beyond any real baseline.
MAX_ALERT_PAGES = 200
REPLACER_PREFIX = "golive target header "


class ZapError(Exception):
    """ZAP could not be used; `kind` says how (unreachable, timeout, bad_key, not_zap, api_error)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def start_hint(settings: ZapSettings) -> str:
    """How to start a ZAP daemon that golive can reach at `security.zap.api_url` (the key is never shown)."""
    port = urlsplit(settings.api_url).port or 8090
    return (
        f"start it with `docker run -p {port}:{port} {settings.docker_image} zap.sh -daemon -host 0.0.0.0 "
        f"-port {port} -config api.addrs.addr.name=.* -config api.addrs.addr.regex=true "
        f"-config api.key=$ZAP_API_KEY`"
    )


def call_with_deadline(function: Callable[[], T], timeout: float, what: str, api_url: str) -> T:
    """Run one blocking client call, giving up after `timeout` seconds (the thread is left to finish alone)."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def runner() -> None:
        try:
            outcome.append(function())
        except BaseException as error:  # handed back to the caller's thread below
            failure.append(error)

    thread = threading.Thread(target=runner, name="golive-zap-call", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise ZapError("timeout", f"ZAP at {api_url} did not answer {what} within {timeout:g}s")
    if failure:
        raise failure[0]
    return outcome[0]


def _api_error_body(error: Exception) -> tuple[int | None, dict[str, Any] | None]:
    """zapv2 (validate_status_code=True) raises a bare Exception whose text holds the status and the body."""
    text = str(error)
    status = None
    marker = "status code returned from ZAP"
    if marker in text:
        digits = "".join(ch for ch in text.split(":", 1)[-1][:8] if ch.isdigit())
        status = int(digits) if digits else None
    _, found, body = text.partition("response: ")
    if not found:
        return status, None
    try:
        data = json.loads(body)
    except ValueError:
        return status, None
    return status, data if isinstance(data, dict) else None


def classify_error(error: BaseException, settings: ZapSettings, what: str) -> ZapError:
    """Turn whatever the client raised into one plain sentence naming the URL and what to do."""
    import requests

    api_url = settings.api_url
    if isinstance(error, ZapError):
        return error
    if isinstance(error, requests.exceptions.ConnectionError):
        text = str(error)
        if "refused" in text.lower():
            return ZapError("unreachable", f"ZAP not reachable at {api_url}: connection refused")
        if "Name or service not known" in text or "getaddrinfo" in text or "nodename nor servname" in text:
            return ZapError("unreachable", f"ZAP not reachable at {api_url}: host not found")
        return ZapError("unreachable", f"ZAP not reachable at {api_url}: {type(error).__name__}")
    if isinstance(error, requests.exceptions.RequestException):
        return ZapError("unreachable", f"ZAP not reachable at {api_url}: {type(error).__name__}: {error}")
    if isinstance(error, ValueError):
        # A JSON decode error: something answers HTTP there, but not ZAP's API.
        return ZapError("not_zap", f"something answers at {api_url} but it is not ZAP's JSON API ({what})")
    status, body = _api_error_body(error if isinstance(error, Exception) else Exception(str(error)))
    if body is not None and "code" in body:
        code = str(body.get("code"))
        message = str(body.get("message", "")).rstrip(".")
        if code in ("bad_api_key", "bad_key"):
            if settings.api_key:
                return ZapError(
                    "bad_key",
                    f"ZAP at {api_url} rejected the API key ({code}: {message}): security.zap.api_key must be the "
                    f"key ZAP was started with (-config api.key=...)",
                )
            return ZapError(
                "bad_key",
                f"ZAP at {api_url} requires an API key and none is set ({code}: {message}): set "
                f'security.zap.api_key = "${{ZAP_API_KEY}}" to the key ZAP was started with',
            )
        detail = f": {body['detail']}" if body.get("detail") else ""
        return ZapError("api_error", f"ZAP at {api_url} refused {what} ({code}: {message}{detail})")
    if status is not None:
        return ZapError("not_zap", f"something answers at {api_url} with HTTP {status} but it is not ZAP's API")
    return ZapError("api_error", f"ZAP at {api_url} failed on {what}: {type(error).__name__}: {error}")


@dataclass
class ZapSession:
    """One conversation with ZAP: every call is bounded and every failure is classified."""

    settings: ZapSettings
    progress: Callable[[str], None] = lambda message: None
    client: Any = field(default=None, init=False)

    def __post_init__(self) -> None:
        from zapv2 import ZAPv2

        api_url = self.settings.api_url
        self.client = ZAPv2(
            apikey=self.settings.api_key or None,
            proxies={"http": api_url, "https": api_url},
            validate_status_code=True,
        )

    def call(self, what: str, function: Callable[[Any], T], timeout: float | None = None) -> T:
        """Call `function(client)` within the deadline; raise ZapError with a readable message on failure."""
        limit = self.settings.request_timeout if timeout is None else timeout
        try:
            return call_with_deadline(lambda: function(self.client), limit, what, self.settings.api_url)
        except Exception as error:
            raise classify_error(error, self.settings, what) from None

    def version(self) -> str:
        """ZAP's version; the first call, bounded by `connect_timeout`."""
        return str(self.call("core.version", lambda zap: zap.core.version, self.settings.connect_timeout))

    def wait_for(self, what: str, read: Callable[[], int], done: Callable[[int], bool], deadline: float) -> int:
        """Poll `read` until `done` or the deadline; return the last value read."""
        value = read()
        while not done(value) and time.monotonic() < deadline:
            time.sleep(self.settings.poll_interval)
            value = read()
            self.progress(f"{what}: {value}")
        return value


def _as_int(value: Any, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise ZapError("api_error", f"ZAP answered {what} with {value!r}, not a number") from None


@contextmanager
def target_headers_in_zap(session: ZapSession, target: Target) -> Iterator[list[str]]:
    """Make ZAP send the target's headers and cookies on its own requests (replacer rules), then remove them.

    Yields the header names that were set up; values go to ZAP only and are never recorded.
    """
    headers = dict(target.headers)
    if target.cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in target.cookies.items())
    added: list[str] = []

    def add(name: str, value: str) -> Callable[[Any], Any]:
        return lambda zap: zap.replacer.add_rule(
            description=REPLACER_PREFIX + name,
            enabled="true",
            matchtype="REQ_HEADER",
            matchregex="false",
            matchstring=name,
            replacement=value,
        )

    def remove(name: str) -> Callable[[Any], Any]:
        return lambda zap: zap.replacer.remove_rule(REPLACER_PREFIX + name)

    try:
        for name, value in headers.items():
            session.call("replacer.addRule", add(name, value))
            added.append(name)
        yield added
    finally:
        for name in added:
            # ZAP may have gone away mid-scan; then there is nothing left to clean up there.
            with suppress(ZapError):
                session.call("replacer.removeRule", remove(name))


def _spider(session: ZapSession, url: str) -> dict[str, Any]:
    settings = session.settings
    began = time.monotonic()
    # ZAP's own limit counts whole minutes; golive's deadline adds a margin so ZAP normally stops itself.
    minutes = max(1, math.ceil(settings.spider_max_duration / 60))
    session.call("spider.setOptionMaxDuration", lambda zap: zap.spider.set_option_max_duration(str(minutes)))
    scan_id = str(session.call("spider.scan", lambda zap: zap.spider.scan(url=url, recurse="true")))
    if not scan_id.isdigit():
        raise ZapError("api_error", f"ZAP did not start the spider on {url}: it answered {scan_id!r}")
    deadline = began + settings.spider_max_duration + max(10.0, 5 * settings.poll_interval)

    def read() -> int:
        return _as_int(session.call("spider.status", lambda zap: zap.spider.status(scan_id)), "spider.status")

    status = session.wait_for("spidering (%)", read, lambda value: value >= 100, deadline)
    completed = status >= 100
    if not completed:
        session.call("spider.stop", lambda zap: zap.spider.stop(scan_id))
    results = session.call("spider.results", lambda zap: zap.spider.results(scan_id))
    urls = sorted({str(item) for item in results}) if isinstance(results, list) else []
    return {
        "scan_id": scan_id,
        "status": status,
        "completed": completed,
        "max_duration_minutes": minutes,
        "urls": urls,
        "urls_found": len(urls),
        "duration_s": round(time.monotonic() - began, 3),
    }


def _active_scan(session: ZapSession, url: str) -> dict[str, Any]:
    settings = session.settings
    began = time.monotonic()
    scan_id = str(session.call("ascan.scan", lambda zap: zap.ascan.scan(url=url, recurse="true")))
    if not scan_id.isdigit():
        raise ZapError("api_error", f"ZAP did not start the active scan on {url}: it answered {scan_id!r}")

    def read() -> int:
        return _as_int(session.call("ascan.status", lambda zap: zap.ascan.status(scan_id)), "ascan.status")

    status = session.wait_for("active scan (%)", read, lambda value: value >= 100, began + settings.active_scan_timeout)
    completed = status >= 100
    if not completed:
        session.call("ascan.stop", lambda zap: zap.ascan.stop(scan_id))
    return {
        "scan_id": scan_id,
        "status": status,
        "completed": completed,
        "duration_s": round(time.monotonic() - began, 3),
    }


def _passive_scan(session: ZapSession) -> dict[str, Any]:
    began = time.monotonic()

    def read() -> int:
        return _as_int(session.call("pscan.recordsToScan", lambda zap: zap.pscan.records_to_scan), "recordsToScan")

    left = session.wait_for(
        "passive scan, records left", read, lambda value: value <= 0, began + session.settings.passive_scan_timeout
    )
    return {"completed": left <= 0, "records_left": left, "duration_s": round(time.monotonic() - began, 3)}


def _alerts(session: ZapSession, base_url: str) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = []
    for page in range(MAX_ALERT_PAGES):
        start = str(page * ALERTS_PAGE_SIZE)

        def fetch(zap: Any, start: str = start) -> Any:
            return zap.core.alerts(baseurl=base_url, start=start, count=str(ALERTS_PAGE_SIZE))

        batch = session.call("core.alerts", fetch)
        if not isinstance(batch, list):
            raise ZapError("api_error", f"ZAP answered core.alerts with {type(batch).__name__}, not a list")
        alerts.extend(item for item in batch if isinstance(item, dict))
        if len(batch) < ALERTS_PAGE_SIZE:
            break
    return alerts


def run_zap_scan(target: Target, settings: ZapSettings, mode: str, progress: Callable[[str], None]) -> dict[str, Any]:
    """Scan the target with ZAP and return what to save as zap_alerts.json (never raises for ZAP problems)."""
    record: dict[str, Any] = {
        "engine": "zap",
        "api_url": settings.api_url,
        "launch": settings.launch,
        "target": target.url,
        "mode": mode,
        "reachable": False,
        "error": None,
        "error_kind": None,
        "hint": start_hint(settings),
    }
    try:
        session = ZapSession(settings, progress)
        record["zap_version"] = session.version()
    except ZapError as error:
        record.update(error=str(error), error_kind=error.kind)
        if error.kind == "bad_key":
            # ZAP is there; the hint about starting it would mislead.
            record["reachable"] = True
            record["hint"] = None
        return record
    record["reachable"] = True
    progress(f"ZAP {record['zap_version']} at {settings.api_url}: scanning {target.url}")
    try:
        with target_headers_in_zap(session, target) as header_names:
            record["headers_sent"] = header_names
            session.call("core.accessUrl", lambda zap: zap.core.access_url(url=target.url, followredirects="true"))
            record["spider"] = _spider(session, target.url)
            if mode == "full" and target.allows_load():
                record["active_scan"] = _active_scan(session, target.url)
            elif mode == "full":
                record["active_scan"] = {"skipped": f"host {target.host} is not in target.allowed_hosts"}
            record["passive_scan"] = _passive_scan(session)
            record["alerts"] = _alerts(session, target.url)
    except ZapError as error:
        record.update(error=str(error), error_kind=error.kind)
    return record
