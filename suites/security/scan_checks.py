"""Judge a saved scan record (ZAP's, Wapiti's, or the note that neither could run): its check, findings and notes.

Pure functions of the record and the config. A scan that could not run, or that saw nothing, is never a pass: it
is an error when a scan is required, and a skipped check with a note in the report when it is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.models import Check, Finding, Status
from suites.security.settings import SecuritySettings
from suites.security.wapiti_findings import count_by_severity, wapiti_findings
from suites.security.zap_findings import ZAP_RISKS, zap_findings
from suites.security.zap_rules import ZapRules

ENGINE_NAMES = {"zap": "ZAP", "wapiti": "Wapiti", "none": "Security"}
_ZAP_PHASES = ("spider", "ajax_spider", "active_scan", "passive_scan")
NOT_REQUIRED_NOTE = "{engine} scan not run ({key} = false): the verdict was reached without an active/passive scan"


@dataclass
class ScanOutcome:
    """What a scan record amounts to: its check, its findings, report notes, metrics, and whether it measured."""

    check: Check
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    measured: bool = False


def scanned_urls(zap: Mapping[str, Any]) -> int:
    """URLs the spider found plus resources the AJAX spider found (they overlap; zero means nothing was seen)."""
    spider = zap.get("spider") or {}
    ajax = zap.get("ajax_spider") or {}
    return int(spider.get("urls_found") or 0) + int(ajax.get("results") or 0)


def partial_reasons(record: Mapping[str, Any]) -> list[str]:
    """Why the scan is partial (a phase stopped at its deadline, a requested phase not run); empty when whole."""
    if "partial" in record:
        return [str(reason) for reason in record.get("partial") or []]
    # Records saved before phases carried their own note: an unfinished phase is partial all the same.
    names = {
        "spider": "spider",
        "ajax_spider": "AJAX spider",
        "active_scan": "active scan",
        "passive_scan": "passive scan",
    }
    return [
        f"{name} did not finish"
        for key, name in names.items()
        if isinstance(record.get(key), dict)
        and not record[key].get("skipped")
        and record[key].get("completed") is False
    ]


def _not_measured(record: Mapping[str, Any], settings: SecuritySettings, reason: str, hint: str | None) -> ScanOutcome:
    """The check for a scan that produced nothing to judge: error if required, else skipped with a note."""
    engine = str(record.get("engine") or "zap")
    check_id = f"{engine}_scan" if engine in ("zap", "wapiti") else "scan"
    if settings.scan_required:
        key = "security.zap.required" if engine == "zap" else "security.required"
        fix = f"; {hint} or set {key} = false" if hint else f"; run it again, or set {key} = false to decide without it"
        return ScanOutcome(Check(check_id, Status.ERROR, reason + fix), metrics={"engine_error": reason})
    key = "security.zap.required" if not settings.zap.required else "security.required"
    note = NOT_REQUIRED_NOTE.format(engine=ENGINE_NAMES.get(engine, engine), key=key) + f" ({reason})"
    message = f"{ENGINE_NAMES.get(engine, engine)} scan not run: {reason}" + (f"; {hint}" if hint else "")
    return ScanOutcome(Check(check_id, Status.SKIPPED, message), notes=[note], metrics={"engine_error": reason})


def _partial_status(settings_partial: str, required: bool) -> Status:
    return Status(settings_partial) if required else Status.PASS


def judge_zap(zap: Mapping[str, Any], settings: SecuritySettings, rules: ZapRules | None) -> ScanOutcome:
    """ZAP's record: the `zap_scan` check, its alerts as findings and what a reader must know about the scan."""
    if zap.get("error"):
        hint = zap.get("hint") if zap.get("error_kind") in ("unreachable", "timeout", "not_zap") else None
        return _not_measured(zap, settings, str(zap["error"]), hint)
    if not scanned_urls(zap):
        reason = (
            f"ZAP's spider found 0 URLs at {zap.get('target')}: check that ZAP can reach the target "
            f"(a ZAP in docker cannot reach the host's 127.0.0.1) and that the page has links"
        )
        return _not_measured(zap, settings, reason, None)
    if "alerts" not in zap:
        return _not_measured(zap, settings, "ZAP's alerts were not saved", None)
    risk_actions = {str(risk): str(action) for risk, action in settings.zap.risk_actions.items()}
    findings, by_risk, ignored = zap_findings(zap.get("alerts") or [], rules, risk_actions)
    notes = _zap_notes(zap)
    active = zap.get("active_scan")
    scan_kind = "full" if isinstance(active, dict) and not active.get("skipped") else "baseline"
    launched = zap.get("launched") or {}
    started = f" (started by golive with {launched['how']})" if launched.get("how") else ""
    urls = scanned_urls(zap)
    duration = round(sum(float((zap.get(phase) or {}).get("duration_s") or 0) for phase in _ZAP_PHASES), 1)
    risks = ", ".join(f"{risk} {count}" for risk, count in by_risk.items())
    summary = f"{urls} URLs spidered in {duration:g}s, {sum(by_risk.values())} alerts ({risks})"
    what = f"ZAP {zap.get('zap_version', '?')} {scan_kind} scan{started} of {zap.get('target')}"
    # First note of every report (and SARIF notification): which engine ran, on what, for how long.
    notes.insert(0, f"Scanned with {what}: {urls} URLs in {duration:g}s")
    metrics: dict[str, Any] = {
        "alerts_by_risk": by_risk,
        "alerts_ignored_by_rules": ignored,
        "zap_launched": launched.get("how"),
        "zap_version": zap.get("zap_version"),
        "engine_version": zap.get("zap_version"),
        "urls_scanned": urls,
        "scan_duration_s": duration,
        "zap_session": "new" if (zap.get("session") or {}).get("new") else "shared",
    }
    partial = partial_reasons(zap)
    outcome = ScanOutcome(Check("zap_scan", Status.PASS, f"{what}: {summary}", measured=urls), findings, notes, metrics)
    if partial:
        reasons = "; ".join(partial)
        notes.append(
            f"ZAP's scan is partial: {reasons}. Findings so far are reported; raise the phase's deadline "
            f"(security.zap.spider_max_duration, ajax_spider_max_duration, passive_scan_timeout, active_scan_timeout)"
        )
        status = _partial_status(settings.zap.partial, settings.scan_required)
        outcome.check = Check("zap_scan", status, f"{what} is partial ({reasons}): {summary}", measured=urls)
    outcome.measured = True
    return outcome


def _zap_notes(zap: Mapping[str, Any]) -> list[str]:
    notes: list[str] = []
    active = zap.get("active_scan")
    if isinstance(active, dict) and active.get("skipped"):
        notes.append(f"ZAP active scan skipped: {active['skipped']}")
    policy = zap.get("scan_policy") or {}
    if policy.get("error"):
        notes.append(f"ZAP {policy['error']}")
    session = zap.get("session")
    if isinstance(session, dict) and not session.get("new"):
        notes.append(
            "ZAP's session was shared (security.zap.new_session = false): alerts from earlier scans in that ZAP "
            "may be included"
        )
    openapi = zap.get("openapi")
    if isinstance(openapi, dict):
        warnings = openapi.get("warnings") or []
        notes.append(
            f"OpenAPI definition {openapi.get('definition')} imported into ZAP"
            + (f" with {len(warnings)} warning(s): {'; '.join(map(str, warnings[:3]))}" if warnings else "")
        )
    return notes


def judge_wapiti(record: Mapping[str, Any], settings: SecuritySettings, rules: ZapRules | None) -> ScanOutcome:
    """Wapiti's record: the `wapiti_scan` check, its report as findings, and notes on what was left out."""
    if record.get("error") and "report" not in record:
        return _not_measured(record, settings, str(record["error"]), record.get("hint"))
    report = record.get("report") or {}
    urls = int(record.get("urls_found") or 0)
    if not urls:
        reason = f"Wapiti found 0 URLs at {record.get('target')}: check that the target answers and has links"
        return _not_measured(record, settings, reason, None)
    findings, ignored = wapiti_findings(report, str(record.get("target")), rules)
    by_severity = count_by_severity(findings)
    counts = ", ".join(f"{name} {count}" for name, count in by_severity.items() if count) or "none"
    version = record.get("wapiti_version") or "?"
    modules = ", ".join(record.get("modules") or [])
    duration = round(float(record.get("duration_s") or 0), 1)
    what = f"Wapiti {version} {record.get('mode')} scan of {record.get('target')} (modules {modules})"
    summary = f"{urls} URLs and forms crawled in {duration:g}s, {len(findings)} findings ({counts})"
    notes = [f"Scanned with {what}: {urls} URLs and forms in {duration:g}s", *_wapiti_notes(record)]
    metrics: dict[str, Any] = {
        "engine_version": version,
        "urls_scanned": urls,
        "scan_duration_s": duration,
        "scan_findings_by_severity": by_severity,
        "alerts_ignored_by_rules": ignored,
        "wapiti_modules": list(record.get("modules") or []),
    }
    partial = partial_reasons(record)
    check = Check("wapiti_scan", Status.PASS, f"{what}: {summary}", measured=urls)
    if partial:
        reasons = "; ".join(partial)
        notes.append(
            f"Wapiti's scan is partial: {reasons}. Findings so far are reported; raise "
            f"security.wapiti.max_scan_time / max_attack_time"
        )
        status = _partial_status(settings.wapiti.partial, settings.scan_required)
        check = Check("wapiti_scan", status, f"{what} is partial ({reasons}): {summary}", measured=urls)
    return ScanOutcome(check, findings, notes, metrics, measured=True)


def _wapiti_notes(record: Mapping[str, Any]) -> list[str]:
    notes: list[str] = []
    fallback = record.get("chosen_because")
    if fallback:
        notes.append(f"ZAP was not used: {fallback}")
    by_reason: dict[str, list[str]] = {}
    for module, why in (record.get("modules_left_out") or {}).items():
        by_reason.setdefault(str(why), []).append(str(module))
    for why, modules in by_reason.items():
        plural = "s" if len(modules) > 1 else ""
        notes.append(f"Wapiti module{plural} {', '.join(modules)} not run: {why}")
    openapi = record.get("openapi")
    if isinstance(openapi, dict):
        if openapi.get("error"):
            notes.append(f"The OpenAPI definition was not used: {openapi['error']}")
        elif openapi.get("used") == "seeded":
            notes.append(
                f"OpenAPI definition {openapi.get('definition')}: {len(openapi.get('seeded') or [])} GET operation(s) "
                f"seeded as start URLs ({openapi.get('note')}); not covered: {len(openapi.get('not_covered') or [])}"
            )
        elif openapi.get("used"):
            notes.append(f"OpenAPI definition {openapi.get('definition')} {openapi['used']}")
        else:
            notes.append(
                f"The OpenAPI definition {openapi.get('definition')} was not used: this Wapiti cannot import it "
                f"and it has no GET operation with examples to start from"
            )
    return notes


def judge_scan(record: Mapping[str, Any] | None, settings: SecuritySettings, rules: ZapRules | None) -> ScanOutcome:
    """The outcome of whichever engine's record was saved (a record without `engine` is ZAP's, as before)."""
    if record is None:
        return ScanOutcome(
            Check("scan", Status.ERROR, "no scan artifact (zap_alerts.json or wapiti_scan.json) was saved")
        )
    engine = record.get("engine") or "zap"
    if engine == "wapiti":
        outcome = judge_wapiti(record, settings, rules)
    elif engine == "zap":
        outcome = judge_zap(record, settings, rules)
    else:
        outcome = _not_measured(record, settings, str(record.get("error")), record.get("hint"))
    outcome.metrics.setdefault("alerts_by_risk", dict.fromkeys(ZAP_RISKS, 0) if engine == "zap" else None)
    outcome.metrics["engine"] = engine if outcome.measured else None
    return outcome
