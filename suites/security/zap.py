"""Drive OWASP ZAP through its API: baseline (spider, optional AJAX spider, passive scan), or full (+ active scan).

The parts: `zap_client` (bounded API calls, errors in plain words), `zap_phases` (each scan phase with its deadline),
`zap_daemon` (connect to, or launch and stop, a ZAP). This module runs the phases in order and returns the record
that is saved as `zap_alerts.json`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from harness.auth.login_page import logout_regex
from harness.suite import Target
from suites.security.settings import ZapSettings
from suites.security.zap_client import ZapError, ZapSession, start_hint
from suites.security.zap_daemon import connect, shut_down
from suites.security.zap_launch import LaunchedZap
from suites.security.zap_phases import (
    ALERTS_PAGE_SIZE,
    HTML_REPORT,
    JSON_REPORT,
    SaveArtifact,
    active_scan,
    ajax_spider,
    alerts,
    import_openapi,
    new_session,
    passive_scan,
    save_reports,
    scan_policy,
    spider,
    target_headers_in_zap,
)

__all__ = ["ALERTS_PAGE_SIZE", "HTML_REPORT", "JSON_REPORT", "run_zap_scan"]
PHASES = ("spider", "ajax_spider", "active_scan", "passive_scan")


def run_zap_scan(
    target: Target,
    settings: ZapSettings,
    mode: str,
    progress: Callable[[str], None],
    save: SaveArtifact | None = None,
    ignored_rules: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    openapi: str = "",
) -> dict[str, Any]:
    """Scan the target with ZAP and return what to save as zap_alerts.json (never raises for ZAP problems).

    `save(name, text)` keeps ZAP's own reports and a launched ZAP's log as artifacts; `ignored_rules` are the
    rules file's IGNORE pluginIds, switched off in the active scan; `openapi` is a definition to import first.
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
            session, record["zap_version"] = connect(
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
        _scan(session, target, mode, record, keep, ignored_rules, progress, openapi)
    finally:
        if holder:
            progress("stopping the ZAP that golive started")
            shut_down(holder[0], session, keep, record)
    return record


def exclude_logout(session: ZapSession, target: Target) -> list[str]:
    """Keep ZAP's spider and active scan off the sign-out links (`auth.logout`); returns the regexes excluded."""
    excluded: list[str] = []
    for pattern in target.logout:
        regex = logout_regex(target.url, pattern)

        def spider_off(zap: Any, regex: str = regex) -> Any:
            return zap.spider.exclude_from_scan(regex)

        def active_off(zap: Any, regex: str = regex) -> Any:
            return zap.ascan.exclude_from_scan(regex)

        session.call("spider.excludeFromScan", spider_off)
        session.call("ascan.excludeFromScan", active_off)
        excluded.append(regex)
    return excluded


def _record_failure(record: dict[str, Any], error: ZapError, stage: str) -> None:
    if error.kind == "unreachable":
        # ZAP answered when the scan began, so it died or hung up mid-scan: how to start one is beside the point.
        message = f"ZAP stopped answering mid-scan ({stage}): {error}; check ZAP's log"
        record.update(error=message, error_kind="lost", hint=None)
    else:
        record.update(error=str(error), error_kind=error.kind)


def _scan(
    session: ZapSession,
    target: Target,
    mode: str,
    record: dict[str, Any],
    save: SaveArtifact,
    ignored_rules: Sequence[str],
    progress: Callable[[str], None],
    openapi: str,
) -> None:
    """The scan phases in order; each phase's result (and any partial note) goes into `record`."""
    stage = ["preparing the scan"]

    def step(name: str) -> None:
        stage[0] = name
        progress(name)

    try:
        # A session of its own first: alerts left in a shared ZAP by earlier scans must not reach this verdict.
        record["session"] = new_session(session) if session.settings.new_session else {"new": False}
        with target_headers_in_zap(session, target) as header_names:
            record["headers_sent"] = header_names
            record["excluded"] = exclude_logout(session, target)
            session.call("core.accessUrl", lambda zap: zap.core.access_url(url=target.url, followredirects="true"))
            if openapi:
                step(f"importing the OpenAPI definition {openapi}")
                record["openapi"] = import_openapi(session, openapi, target.url)
            step("spidering")
            record["spider"] = spider(session, target.url)
            if session.settings.ajax_spider:
                step("AJAX spidering")
                record["ajax_spider"] = ajax_spider(session, target.url)
            if mode == "full" and target.allows_load():
                with scan_policy(session, ignored_rules) as policy:
                    record["scan_policy"] = policy
                    step("active scan")
                    record["active_scan"] = active_scan(session, target.url, policy["name"])
            elif mode == "full":
                record["active_scan"] = {"skipped": f"host {target.host} is not in target.allowed_hosts"}
            step("waiting for the passive scan")
            record["passive_scan"] = passive_scan(session)
            record["alerts"] = alerts(session, target.url)
            record["reports"] = save_reports(session, save)
    except ZapError as error:
        _record_failure(record, error, stage[0])
    finally:
        record["partial"] = [
            str(phase["partial"])
            for key in PHASES
            if isinstance(phase := record.get(key), dict) and phase.get("partial")
        ]
