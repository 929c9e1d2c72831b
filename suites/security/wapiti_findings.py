"""Wapiti's JSON report as golive findings: rule `wapiti:<id>`, a documented severity, CWE, URL, parameter, evidence.

Severity comes from the category, not from Wapiti's per-finding level, so the same problem is judged the same
whichever engine found it (ZAP's risk for the matching alert) and whichever Wapiti version ran (their levels
differ between versions: 3.0.4 rates a reflected XSS "medium" and an open redirect "low", ZAP rates both High).
A category this table does not know keeps Wapiti's own level: 4 critical, 3 high, 2 medium, 1 low, 0 info.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harness.fingerprint import fingerprint
from harness.models import Finding, Severity
from suites.security.hygiene_rules import SUITE
from suites.security.zap_rules import RuleAction, ZapRules

EVIDENCE_LIMIT = 500
DESCRIPTION_LIMIT = 2000
RULE_PREFIX = "wapiti:"
LEVEL_SEVERITY = {
    "4": Severity.CRITICAL,
    "3": Severity.HIGH,
    "2": Severity.MEDIUM,
    "1": Severity.LOW,
    "0": Severity.INFO,
}


@dataclass(frozen=True)
class Category:
    """One Wapiti category: golive's rule id for it, the module that reports it, its severity and CWE."""

    rule: str
    module: str
    severity: Severity
    cwe: str | None


# Keyed by Wapiti's (English) category name; the rule ids are Wapiti's own definition names.
CATEGORIES: dict[str, Category] = {
    "Cross Site Scripting": Category("xss", "xss", Severity.HIGH, "79"),
    "SQL Injection": Category("sql", "sql", Severity.HIGH, "89"),
    "Blind SQL Injection": Category("blindsql", "blindsql", Severity.HIGH, "89"),
    "Command execution": Category("exec", "exec", Severity.HIGH, "78"),
    "Path Traversal": Category("file", "file", Severity.HIGH, "22"),
    "Open Redirect": Category("redirect", "redirect", Severity.HIGH, "601"),
    "CRLF Injection": Category("crlf", "crlf", Severity.MEDIUM, "93"),
    "Server Side Request Forgery": Category("ssrf", "ssrf", Severity.HIGH, "918"),
    "XML External Entity": Category("xxe", "xxe", Severity.HIGH, "611"),
    "Cross Site Request Forgery": Category("csrf", "csrf", Severity.MEDIUM, "352"),
    "Backup file": Category("backup", "backup", Severity.MEDIUM, "530"),
    "Potentially dangerous file": Category("dangerous_resource", "nikto", Severity.MEDIUM, "200"),
    "Htaccess Bypass": Category("htaccess", "htaccess", Severity.MEDIUM, "285"),
    "Weak credentials": Category("credentials", "brute_login_form", Severity.HIGH, "521"),
    "Content Security Policy Configuration": Category("csp", "csp", Severity.MEDIUM, "693"),
    "HTTP Secure Headers": Category("http_headers", "http_headers", Severity.LOW, "693"),
    "HttpOnly Flag cookie": Category("http_only", "cookieflags", Severity.LOW, "1004"),
    "Secure Flag cookie": Category("secure_cookie", "cookieflags", Severity.LOW, "614"),
    # Anomalies: a server error under attack payloads needs a look, but is not itself a proven vulnerability.
    "Internal Server Error": Category("internal_error", "", Severity.MEDIUM, "388"),
    "Resource consumption": Category("resource_consumption", "", Severity.LOW, "400"),
    "Fingerprint web technology": Category("fingerprint", "wapp", Severity.INFO, "200"),
}
HELP_URL_FALLBACK = "https://wapiti-scanner.github.io/"


def rules_of_module(module: str) -> list[str]:
    """golive's rule ids for what one Wapiti module reports (to leave a module out when all are IGNOREd)."""
    return [RULE_PREFIX + category.rule for category in CATEGORIES.values() if category.module == module]


def _slug(name: str) -> str:
    return "_".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())


def _short(text: Any, limit: int) -> str | None:
    value = str(text or "").strip()
    if not value:
        return None
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _help_url(classification: Mapping[str, Any]) -> str | None:
    references = classification.get("ref")
    if isinstance(references, dict):
        for url in references.values():
            if str(url).startswith(("http://", "https://")):
                return str(url)
    return None


def _finding(name: str, item: Mapping[str, Any], kind: str, origin: str, classification: Mapping[str, Any]) -> Finding:
    known = CATEGORIES.get(name)
    rule = RULE_PREFIX + (known.rule if known else _slug(name))
    level = str(item.get("level", ""))
    severity = known.severity if known else LEVEL_SEVERITY.get(level, Severity.INFO)
    url = origin + str(item.get("path") or "/")
    param = str(item.get("parameter") or "")
    # The request that proved it (Wapiti writes only the request line, Host and body: never the session headers).
    evidence = _short(str(item.get("http_request") or "").strip(), EVIDENCE_LIMIT)
    extra: dict[str, Any] = {"source": "wapiti", "wapiti_kind": kind, "wapiti_level": level}
    if known is not None and known.cwe:
        extra["cwe"] = known.cwe
    for key, value in (
        ("description", _short(classification.get("desc"), DESCRIPTION_LIMIT)),
        ("solution", _short(classification.get("sol"), DESCRIPTION_LIMIT)),
        ("info", _short(item.get("info"), DESCRIPTION_LIMIT)),
    ):
        if value:
            extra[key] = value
    if param:
        extra["param"] = param
    return Finding(
        suite=SUITE,
        rule=rule,
        severity=severity,
        # Without a parameter Wapiti's message is what tells the reader which header or cookie it is.
        title=f"{name}: {extra['info']}" if not param and extra.get("info") else name,
        url=url,
        # Without a parameter, Wapiti's message tells findings apart (one per missing header on a page).
        fingerprint=fingerprint(SUITE, rule, url, param or str(item.get("info") or "")),
        evidence=evidence,
        help_url=_help_url(classification) or HELP_URL_FALLBACK,
        extra=extra,
    )


def report_findings(report: Mapping[str, Any], target_url: str) -> list[Finding]:
    """Every vulnerability, anomaly and additional in the report as a finding (duplicates merged)."""
    parts = urlsplit(target_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    classifications = report.get("classifications") or {}
    found: dict[str, Finding] = {}
    for kind in ("vulnerabilities", "anomalies", "additionals"):
        section = report.get(kind) or {}
        for name, items in section.items():
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                classification = classifications.get(name) or {}
                finding = _finding(str(name), item, kind, origin, classification)
                # One finding per rule, URL and parameter, however many payloads proved it.
                found.setdefault(finding.fingerprint, finding)
    return list(found.values())


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per golive severity, every severity present."""
    counts = {severity.value: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity.value] += 1
    return counts


def wapiti_findings(report: Mapping[str, Any], target_url: str, rules: ZapRules | None) -> tuple[list[Finding], int]:
    """The report's findings with the rules file applied (IGNORE and OUTOFSCOPE dropped); and how many were dropped."""
    kept: list[Finding] = []
    ignored = 0
    for finding in report_findings(report, target_url):
        action = rules.action_for(finding.rule) if rules else None
        if action is RuleAction.IGNORE or (rules is not None and rules.is_out_of_scope(finding.rule, finding.url)):
            ignored += 1
            continue
        if action is not None:
            finding.extra["rules_file_action"] = action.value
        kept.append(finding)
    return kept, ignored
