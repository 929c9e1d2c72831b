"""ZAP's scan phases, each with its own deadline: spider, AJAX spider, active scan, passive scan, then the alerts.

A phase that reaches its deadline is stopped and returns a `partial` note saying where it stopped; what was found
so far is still collected.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.suite import Target
from suites.security.settings import ZapSettings
from suites.security.zap_client import ZapError, ZapSession, as_int

# Saves one artifact: (file name, text).
SaveArtifact = Callable[[str, str], object]
JSON_REPORT = "zap_report.json"
HTML_REPORT = "zap_report.html"
ALERTS_PAGE_SIZE = 500
# A safety stop for paging: 200 pages of 500 alerts is far beyond any real baseline.
MAX_ALERT_PAGES = 200
REPLACER_PREFIX = "golive target header "


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


def _margin(limit: float, settings: ZapSettings) -> float:
    """Slack after a phase's own limit so that ZAP normally stops itself before golive has to."""
    return min(10.0, limit / 6) + 2 * settings.poll_interval


def _deadline_note(phase: str, limit: float, where: str) -> str:
    return f"{phase} stopped at its {limit:g}s deadline ({where})"


def spider(session: ZapSession, url: str) -> dict[str, Any]:
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
        return as_int(session.call("spider.status", lambda zap: zap.spider.status(scan_id)), "spider.status")

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


def ajax_spider(session: ZapSession, url: str) -> dict[str, Any]:
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
    found = as_int(
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


def active_scan(session: ZapSession, url: str, policy: str | None) -> dict[str, Any]:
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
        return as_int(session.call("ascan.status", lambda zap: zap.ascan.status(scan_id)), "ascan.status")

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


def passive_scan(session: ZapSession) -> dict[str, Any]:
    began = time.monotonic()
    limit = session.settings.passive_scan_timeout

    def read() -> int:
        return as_int(session.call("pscan.recordsToScan", lambda zap: zap.pscan.records_to_scan), "recordsToScan")

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


def alerts(session: ZapSession, base_url: str) -> list[dict[str, Any]]:
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


def save_reports(session: ZapSession, save: SaveArtifact) -> dict[str, Any]:
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


def new_session(session: ZapSession) -> dict[str, Any]:
    """Start a fresh ZAP session, so that only this run's alerts count (earlier runs' history is dropped)."""
    session.call("core.newSession", lambda zap: zap.core.new_session(overwrite="true"))
    return {"new": True}


def import_openapi(session: ZapSession, definition: str, target_url: str) -> dict[str, Any]:
    """Import an OpenAPI definition (a URL, or a file ZAP can read) with the target as the server to call.

    As zap-api-scan.py does: `openapi.importUrl` with the target as `hostOverride`, or `openapi.importFile` with
    the target as `target`. ZAP requests each operation while importing, so the passive scan sees them and, in
    full mode, the active scan attacks them. ZAP's warnings (operations it could not build) are kept.
    """
    if definition.startswith(("http://", "https://")):
        answer = session.call(
            "openapi.importUrl", lambda zap: zap.openapi.import_url(url=definition, hostoverride=target_url)
        )
    else:
        path = str(Path(definition).resolve())
        answer = session.call("openapi.importFile", lambda zap: zap.openapi.import_file(file=path, target=target_url))
    warnings = [str(item) for item in answer] if isinstance(answer, list) else []
    return {"definition": definition, "imported": True, "warnings": warnings}
