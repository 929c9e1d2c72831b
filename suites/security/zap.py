"""Drive OWASP ZAP through its API: baseline (spider, optional AJAX spider, passive scan), or full (+ active scan).

The `zapv2` client is imported inside the functions that use it, so `golive --help` never loads it. The client
sets no timeout on its HTTP calls, so each call runs in a helper thread with a deadline: a ZAP that hangs
turns into an error message, never into a run that never ends. Each scan phase has its own deadline too; a
phase that reaches it is stopped and the scan is recorded as partial, with the reason.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from harness.auth.login_page import logout_regex
from harness.suite import Target
from suites.security.settings import ZapSettings
from suites.security.zap_launch import (
    LOG_NAME,
    ZAP_SCRIPT,
    LaunchedZap,
    LaunchError,
    cleanup,
    docker_engine_answers,
    find_zap_script,
    launch_docker,
    launch_local,
)

T = TypeVar("T")
V = TypeVar("V")
# Saves one artifact: (file name, text).
SaveArtifact = Callable[[str, str], object]
JSON_REPORT = "zap_report.json"
HTML_REPORT = "zap_report.html"
SHUTDOWN_CALL_TIMEOUT = 10.0
ALERTS_PAGE_SIZE = 500
# A safety stop for paging: 200 pages of 500 alerts is far beyond any real baseline.
MAX_ALERT_PAGES = 200
REPLACER_PREFIX = "golive target header "


class ZapError(Exception):
    """ZAP could not be used; `kind` says how (unreachable, launch_failed, timeout, dropped, bad_key, not_zap,
    api_error)."""

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
        if "aborted" in text.lower() or "RemoteDisconnected" in text or "reset by peer" in text.lower():
            return ZapError(
                "dropped",
                f"ZAP at {api_url} dropped the connection during {what} without answering "
                f"(it may have crashed or run out of memory; see its log)",
            )
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

    def attempt(self, what: str, function: Callable[[Any], object]) -> str | None:
        """Call `function(client)` where a failure is not fatal; return the failure's message, or None."""
        try:
            self.call(what, function)
        except ZapError as error:
            return str(error)
        return None

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

    def wait_for(self, what: str, read: Callable[[], V], done: Callable[[V], bool], deadline: float) -> V:
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
    headers = target.request_headers()
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
            session.attempt("replacer.removeRule", remove(name))


def exclude_logout(session: ZapSession, target: Target) -> list[str]:
    """Keep ZAP's spider and active scan off the sign-out links (`auth.logout`); returns the regexes excluded."""
    excluded: list[str] = []
    for pattern in target.logout:
        regex = logout_regex(target.url, pattern)

        def spider(zap: Any, regex: str = regex) -> Any:
            return zap.spider.exclude_from_scan(regex)

        def active(zap: Any, regex: str = regex) -> Any:
            return zap.ascan.exclude_from_scan(regex)

        session.call("spider.excludeFromScan", spider)
        session.call("ascan.excludeFromScan", active)
        excluded.append(regex)
    return excluded


def _margin(limit: float, settings: ZapSettings) -> float:
    """Slack after a phase's own limit so that ZAP normally stops itself before golive has to."""
    return min(10.0, limit / 6) + 2 * settings.poll_interval


def _deadline_note(phase: str, limit: float, where: str) -> str:
    return f"{phase} stopped at its {limit:g}s deadline ({where})"


def _spider(session: ZapSession, url: str) -> dict[str, Any]:
    settings = session.settings
    began = time.monotonic()
    limit = settings.spider_max_duration
    # ZAP's own limit counts whole minutes; golive's deadline is the configured duration.
    minutes = max(1, math.ceil(limit / 60))
    session.call("spider.setOptionMaxDuration", lambda zap: zap.spider.set_option_max_duration(str(minutes)))
    scan_id = str(session.call("spider.scan", lambda zap: zap.spider.scan(url=url, recurse="true")))
    if not scan_id.isdigit():
        raise ZapError("api_error", f"ZAP did not start the spider on {url}: it answered {scan_id!r}")

    def read() -> int:
        return _as_int(session.call("spider.status", lambda zap: zap.spider.status(scan_id)), "spider.status")

    status = session.wait_for(
        "spidering (%)", read, lambda value: value >= 100, began + limit + _margin(limit, settings)
    )
    completed = status >= 100
    if not completed:
        session.call("spider.stop", lambda zap: zap.spider.stop(scan_id))
    results = session.call("spider.results", lambda zap: zap.spider.results(scan_id))
    urls = sorted({str(item) for item in results}) if isinstance(results, list) else []
    phase: dict[str, Any] = {
        "scan_id": scan_id,
        "status": status,
        "completed": completed,
        "max_duration_minutes": minutes,
        "urls": urls,
        "urls_found": len(urls),
        "duration_s": round(time.monotonic() - began, 3),
    }
    if not completed:
        phase["partial"] = _deadline_note("spider", limit, f"{status} %, {len(urls)} URLs found")
    return phase


def _ajax_spider(session: ZapSession, url: str) -> dict[str, Any]:
    settings = session.settings
    began = time.monotonic()
    limit = settings.ajax_spider_max_duration
    minutes = max(1, math.ceil(limit / 60))
    try:
        session.call(
            "ajaxSpider.setOptionMaxDuration", lambda zap: zap.ajaxSpider.set_option_max_duration(str(minutes))
        )
        session.call("ajaxSpider.scan", lambda zap: zap.ajaxSpider.scan(url=url))
    except ZapError as error:
        if error.kind != "api_error":
            raise
        # The AJAX spider is an add-on; a ZAP without it still gives a baseline, but not the one asked for.
        return {"completed": False, "partial": f"AJAX spider not run: {error}"}

    def read() -> str:
        return str(session.call("ajaxSpider.status", lambda zap: zap.ajaxSpider.status)).strip().lower()

    status = session.wait_for(
        "AJAX spider", read, lambda value: value != "running", began + limit + _margin(limit, settings)
    )
    completed = status != "running"
    if not completed:
        session.call("ajaxSpider.stop", lambda zap: zap.ajaxSpider.stop())
    found = _as_int(
        session.call("ajaxSpider.numberOfResults", lambda zap: zap.ajaxSpider.number_of_results), "numberOfResults"
    )
    phase: dict[str, Any] = {
        "status": status,
        "completed": completed,
        "max_duration_minutes": minutes,
        "results": found,
        "duration_s": round(time.monotonic() - began, 3),
    }
    if not completed:
        phase["partial"] = _deadline_note("AJAX spider", limit, f"{found} resources found")
    return phase


@contextmanager
def scan_policy(session: ZapSession, ignored_rules: Sequence[str]) -> Iterator[dict[str, Any]]:
    """A scan policy of golive's own with the rules file's IGNORE rules switched off; removed afterwards.

    A policy of its own (rather than changing ZAP's default one) leaves a shared ZAP as golive found it. Ids that
    are passive rules have no active counterpart; ZAP refuses those and they are listed as such.
    """
    info: dict[str, Any] = {"name": None, "rules_off": [], "not_active_rules": []}
    if not ignored_rules:
        yield info
        return
    name = f"golive-{secrets.token_hex(4)}"
    failure = session.attempt("ascan.addScanPolicy", lambda zap: zap.ascan.add_scan_policy(scanpolicyname=name))
    if failure is not None:
        info["error"] = f"could not create a scan policy, so IGNORE rules stay on in the active scan: {failure}"
        yield info
        return
    info["name"] = name
    try:
        for rule in ignored_rules:

            def switch_off(zap: Any, rule: str = rule) -> Any:
                return zap.ascan.set_scanner_alert_threshold(id=rule, alertthreshold="OFF", scanpolicyname=name)

            if session.attempt("ascan.setScannerAlertThreshold", switch_off) is None:
                info["rules_off"].append(rule)
            else:
                info["not_active_rules"].append(rule)
        yield info
    finally:
        session.attempt("ascan.removeScanPolicy", lambda zap: zap.ascan.remove_scan_policy(scanpolicyname=name))


def _active_scan(session: ZapSession, url: str, policy: str | None) -> dict[str, Any]:
    settings = session.settings
    began = time.monotonic()
    limit = settings.active_scan_timeout

    def start(zap: Any) -> Any:
        if policy is None:
            return zap.ascan.scan(url=url, recurse="true")
        return zap.ascan.scan(url=url, recurse="true", scanpolicyname=policy)

    scan_id = str(session.call("ascan.scan", start))
    if not scan_id.isdigit():
        raise ZapError("api_error", f"ZAP did not start the active scan on {url}: it answered {scan_id!r}")

    def read() -> int:
        return _as_int(session.call("ascan.status", lambda zap: zap.ascan.status(scan_id)), "ascan.status")

    status = session.wait_for("active scan (%)", read, lambda value: value >= 100, began + limit)
    completed = status >= 100
    if not completed:
        session.call("ascan.stop", lambda zap: zap.ascan.stop(scan_id))
    phase: dict[str, Any] = {
        "scan_id": scan_id,
        "status": status,
        "completed": completed,
        "duration_s": round(time.monotonic() - began, 3),
    }
    if not completed:
        phase["partial"] = _deadline_note("active scan", limit, f"at {status} %")
    return phase


def _passive_scan(session: ZapSession) -> dict[str, Any]:
    began = time.monotonic()
    limit = session.settings.passive_scan_timeout

    def read() -> int:
        return _as_int(session.call("pscan.recordsToScan", lambda zap: zap.pscan.records_to_scan), "recordsToScan")

    left = session.wait_for("passive scan, records left", read, lambda value: value <= 0, began + limit)
    phase: dict[str, Any] = {
        "completed": left <= 0,
        "records_left": left,
        "duration_s": round(time.monotonic() - began, 3),
    }
    if left > 0:
        # Stop the passive scanner working on in the background (clearQueue exists from ZAP 2.13 on).
        session.attempt("pscan.clearQueue", lambda zap: zap.pscan.clear_queue())
        phase["partial"] = _deadline_note("passive scan", limit, f"{left} records left unscanned")
    return phase


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


def _save_reports(session: ZapSession, save: SaveArtifact) -> dict[str, Any]:
    """ZAP's own traditional JSON and HTML reports, saved as they are; a failure here is not a scan failure."""
    saved: dict[str, Any] = {}
    for name, what, fetch in (
        (JSON_REPORT, "core.jsonreport", lambda zap: zap.core.jsonreport()),
        (HTML_REPORT, "core.htmlreport", lambda zap: zap.core.htmlreport()),
    ):
        try:
            text = session.call(what, fetch)
        except ZapError as error:
            saved.setdefault("errors", []).append(str(error))
            continue
        save(name, str(text))
        saved.setdefault("files", []).append(name)
    return saved


def _wait_until_ready(launched: LaunchedZap, settings: ZapSettings, progress: Callable[[str], None]) -> ZapSession:
    """Poll the launched ZAP's core/view/version until it answers, it exits, or the launch deadline passes."""
    session = ZapSession(settings.model_copy(update={"api_url": launched.api_url, "api_key": launched.api_key}))
    session.progress = progress
    deadline = time.monotonic() + settings.launch_timeout
    while True:
        code = launched.exited()
        if code is not None:
            raise ZapError(
                "launch_failed",
                f"the ZAP started with {launched.how} exited with code {code} before answering: {launched.log_tail()}",
            )
        remaining = deadline - time.monotonic()
        try:
            session.call("core.version", lambda zap: zap.core.version, max(0.5, min(5.0, remaining)))
            return session
        except ZapError as error:
            if error.kind not in ("unreachable", "timeout", "dropped"):
                raise
        if time.monotonic() >= deadline:
            raise ZapError(
                "launch_failed",
                f"the ZAP started with {launched.how} did not answer core/view/version within "
                f"{settings.launch_timeout:g}s (raise security.zap.launch_timeout): {launched.log_tail()}",
            )
        time.sleep(0.5)


def _launch(
    how: str,
    settings: ZapSettings,
    environ: Mapping[str, str],
    holder: list[LaunchedZap],
    progress: Callable[[str], None],
) -> ZapSession:
    """Start ZAP the way `how` says and wait for it; the launched ZAP goes into `holder` at once, to be stopped."""
    try:
        if how == "local":
            script = find_zap_script(environ)
            if script is None:
                raise LaunchError(
                    f'security.zap.launch = "local" but no {ZAP_SCRIPT} was found in ZAP_HOME or on PATH: '
                    f"install ZAP, or set ZAP_HOME to its folder"
                )
            progress(f"starting ZAP ({script})")
            holder.append(launch_local(script, settings, environ))
        else:
            if not docker_engine_answers(environ):
                raise LaunchError(
                    'security.zap.launch = "docker" but no Docker engine answered `docker info`: start Docker, '
                    'or use launch = "local" or "never"'
                )
            progress(f"starting ZAP ({settings.docker_image} in Docker)")
            holder.append(launch_docker(settings, environ))
    except LaunchError as error:
        raise ZapError("launch_failed", str(error)) from None
    progress(f"waiting for the ZAP started with {how} at {holder[0].api_url}")
    return _wait_until_ready(holder[0], settings, progress)


def _connect(
    settings: ZapSettings,
    environ: Mapping[str, str],
    holder: list[LaunchedZap],
    progress: Callable[[str], None],
) -> tuple[ZapSession, str]:
    """A session with a ZAP that answers, launching one when `launch` says so; returns it and ZAP's version."""
    if settings.launch in ("local", "docker"):
        session = _launch(settings.launch, settings, environ, holder, progress)
        return session, session.version()
    session = ZapSession(settings, progress)
    try:
        return session, session.version()
    except ZapError as error:
        if settings.launch == "never" or error.kind != "unreachable":
            raise
        unreachable = error
    if find_zap_script(environ) is not None:
        how = "local"
    elif docker_engine_answers(environ):
        how = "docker"
    else:
        raise ZapError(
            "unreachable",
            f'{unreachable}, and none could be launched (launch = "auto": no {ZAP_SCRIPT} in ZAP_HOME or on PATH, '
            f"and no Docker engine answered `docker info`)",
        )
    progress(f"{unreachable}; launching one ({how})")
    session = _launch(how, settings, environ, holder, progress)
    return session, session.version()


def _shut_down(launched: LaunchedZap, session: ZapSession | None, save: SaveArtifact, record: dict[str, Any]) -> None:
    """Stop the ZAP that golive launched (and only that one), then keep its log as an artifact."""

    def ask() -> None:
        if session is None or session.settings.api_url != launched.api_url:
            raise ZapError("unreachable", "no session with the launched ZAP")
        try:
            session.call("core.shutdown", lambda zap: zap.core.shutdown(), SHUTDOWN_CALL_TIMEOUT)
        except ZapError as error:
            # ZAP may close the connection as it goes down; that is the answer we wanted.
            if error.kind != "dropped":
                raise

    try:
        launched.stop(ask)
        save(LOG_NAME, launched.read_log())
        record["launched"] = {**launched.describe(), "log": LOG_NAME}
    finally:
        cleanup(launched)


def run_zap_scan(
    target: Target,
    settings: ZapSettings,
    mode: str,
    progress: Callable[[str], None],
    save: SaveArtifact | None = None,
    ignored_rules: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Scan the target with ZAP and return what to save as zap_alerts.json (never raises for ZAP problems).

    `save(name, text)` keeps ZAP's own reports and a launched ZAP's log as artifacts; `ignored_rules` are the
    rules file's IGNORE pluginIds, switched off in the active scan.
    """
    keep: SaveArtifact = save or (lambda name, text: None)
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
        "launched": None,
        "partial": [],
    }
    holder: list[LaunchedZap] = []
    session: ZapSession | None = None
    try:
        try:
            session, record["zap_version"] = _connect(
                settings, os.environ if environ is None else environ, holder, progress
            )
        except ZapError as error:
            record.update(error=str(error), error_kind=error.kind)
            if error.kind in ("bad_key", "launch_failed"):
                # ZAP is there (or golive tried to start one); the hint about starting it would mislead.
                record["reachable"] = error.kind == "bad_key"
                record["hint"] = None
            return record
        if holder:
            record["api_url"] = holder[0].api_url
        record["reachable"] = True
        progress(f"ZAP {record['zap_version']} at {record['api_url']}: scanning {target.url}")
        _scan(session, target, mode, record, keep, ignored_rules, progress)
    finally:
        if holder:
            progress("stopping the ZAP that golive started")
            _shut_down(holder[0], session, keep, record)
    return record


def _scan(
    session: ZapSession,
    target: Target,
    mode: str,
    record: dict[str, Any],
    save: SaveArtifact,
    ignored_rules: Sequence[str],
    progress: Callable[[str], None],
) -> None:
    """The scan phases in order; each phase's result (and any partial note) goes into `record`."""
    try:
        with target_headers_in_zap(session, target) as header_names:
            record["headers_sent"] = header_names
            record["excluded"] = exclude_logout(session, target)
            session.call("core.accessUrl", lambda zap: zap.core.access_url(url=target.url, followredirects="true"))
            progress("spidering")
            record["spider"] = _spider(session, target.url)
            if session.settings.ajax_spider:
                progress("AJAX spidering")
                record["ajax_spider"] = _ajax_spider(session, target.url)
            if mode == "full" and target.allows_load():
                with scan_policy(session, ignored_rules) as policy:
                    record["scan_policy"] = policy
                    progress("active scan")
                    record["active_scan"] = _active_scan(session, target.url, policy["name"])
            elif mode == "full":
                record["active_scan"] = {"skipped": f"host {target.host} is not in target.allowed_hosts"}
            progress("waiting for the passive scan")
            record["passive_scan"] = _passive_scan(session)
            record["alerts"] = _alerts(session, target.url)
            record["reports"] = _save_reports(session, save)
    except ZapError as error:
        record.update(error=str(error), error_kind=error.kind)
    finally:
        record["partial"] = [
            str(phase["partial"])
            for key in ("spider", "ajax_spider", "active_scan", "passive_scan")
            if isinstance(phase := record.get(key), dict) and phase.get("partial")
        ]
