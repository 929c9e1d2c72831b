"""Evaluate: judge saved axe results against the config. A pure function of the artifacts: no browser, no network.

Every violation node (axe's, and golive's own reflow and keyboard checks') becomes a Finding, judged at its
impact or at the impact `rule_impact` gives its rule; waivers are applied; the same problem met in several
journey states is one finding. One check per impact level says whether that level fails or warns the run
(`rule_gate` can make one rule fail, warn or not gate); `pages_loaded` and `journeys` make sure a page or a
journey that could not be audited is never a pass, and one check per golive check says where it ran.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harness.artifacts import Artifacts
from harness.fingerprint import fingerprint
from harness.models import Check, Finding, Severity, Status, SuiteResult
from harness.suite import JudgeContext
from harness.waivers import apply_waivers
from suites.accessibility.artifacts import FAILED_STATUSES, INDEX, PageRecord, PageStatus
from suites.accessibility.checks import RULES as CHECK_RULES
from suites.accessibility.settings import STANDARD_TAGS, AccessibilitySettings
from suites.accessibility.urls import display_path

SUITE = "accessibility"
IMPACTS = ("critical", "serious", "moderate", "minor")
SEVERITY_BY_IMPACT = {
    "critical": Severity.CRITICAL,
    "serious": Severity.HIGH,
    "moderate": Severity.MEDIUM,
    "minor": Severity.LOW,
}
# axe always gives violations an impact; should one lack it, judge it as serious rather than let it pass.
UNKNOWN_IMPACT = "serious"
MAX_SNIPPET = 300
MAX_SUMMARY = 600
MAX_EXAMPLES = 4
MAX_PAGES_NAMED = 5
ARTIFACT_FOLDER = "artifacts/accessibility"


@dataclass(frozen=True)
class PageResult:
    """A page from the index with its axe result loaded (None when it was not audited or the file is gone)."""

    record: PageRecord
    result: dict[str, Any] | None


def _truncate(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def selector_of(target: list[Any]) -> str:
    """axe's node target as one string: frames joined by `` >>> ``, shadow roots within a frame by `` >> ``."""
    return " >>> ".join(" >> ".join(part) if isinstance(part, list) else str(part) for part in target)


def rule_selected(violation: dict[str, Any], settings: AccessibilitySettings) -> bool:
    """Whether the config (as it is now) asks for this rule: by its tags or `rules.enable`, minus `rules.disable`.

    This lets `golive evaluate` narrow a saved audit to a lower standard or drop a rule without a new run.
    """
    rule = str(violation.get("id", ""))
    if rule in settings.rules.disable:
        return False
    if rule in CHECK_RULES and CHECK_RULES[rule].check not in settings.checks:
        return False
    if rule in settings.rules.enable:
        return True
    return bool(set(violation.get("tags", [])) & set(settings.tags))


def own_violations(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The violations of golive's own checks saved beside axe's (none in artifacts from before they existed)."""
    own = (result or {}).get("golive") or {}
    violations = own.get("violations") if isinstance(own, dict) else None
    return [item for item in violations or [] if isinstance(item, dict)]


def findings_for_page(page: PageResult, settings: AccessibilitySettings) -> list[Finding]:
    """One finding per violation node of one page's axe result."""
    if page.result is None:
        return []
    url = page.record.final_url or page.record.url
    findings: list[Finding] = []
    for violation in [*page.result.get("violations", []), *own_violations(page.result)]:
        if not rule_selected(violation, settings):
            continue
        rule = str(violation.get("id", "unknown"))
        for node in violation.get("nodes", []):
            found_impact = str(node.get("impact") or violation.get("impact") or UNKNOWN_IMPACT)
            impact = settings.rule_impact.get(rule, found_impact)
            if impact not in SEVERITY_BY_IMPACT:
                impact = UNKNOWN_IMPACT
            extra: dict[str, Any] = {"impact": impact}
            if impact != found_impact:
                extra["reported_impact"] = found_impact
            if violation.get("wcag"):
                extra["wcag"] = str(violation["wcag"])
            if page.record.journey is not None:
                extra.update(journey=page.record.journey, step=page.record.step)
            selector = selector_of(node.get("target", []))
            evidence = "\n".join(
                part
                for part in (
                    _truncate(str(node.get("html") or ""), MAX_SNIPPET),
                    _truncate(str(node.get("failureSummary") or ""), MAX_SUMMARY),
                )
                if part
            )
            findings.append(
                Finding(
                    suite=SUITE,
                    rule=rule,
                    severity=SEVERITY_BY_IMPACT.get(impact, SEVERITY_BY_IMPACT[UNKNOWN_IMPACT]),
                    title=str(violation.get("help") or rule),
                    url=url,
                    fingerprint=fingerprint(SUITE, rule, url, selector),
                    selector=selector or None,
                    evidence=evidence or None,
                    help_url=violation.get("helpUrl") or None,
                    extra=extra,
                )
            )
    return findings


def load_pages(artifacts: Artifacts) -> tuple[dict[str, Any], list[PageResult]]:
    """The index and every page with its saved axe result; an audited page whose result is unreadable is failed."""
    index: dict[str, Any] = artifacts.read_json(INDEX)
    pages: list[PageResult] = []
    for raw in index.get("pages", []):
        record = PageRecord.from_dict(raw)
        result: dict[str, Any] | None = None
        if record.status is PageStatus.AUDITED:
            try:
                loaded = artifacts.read_json(record.result_file or "")
                if not isinstance(loaded, dict):
                    raise ValueError("not an axe result")
                result = loaded
            except (OSError, ValueError) as error:
                record.status = PageStatus.AUDIT_ERROR
                record.error = f"its saved axe result cannot be read ({type(error).__name__})"
        pages.append(PageResult(record, result))
    return index, pages


def _impact(finding: Finding) -> str:
    return str(finding.extra.get("impact", UNKNOWN_IMPACT))


def gate_of(finding: Finding, settings: AccessibilitySettings) -> str | None:
    """How a finding counts: "fail", "warn" or None (reported, not gated), by `rule_gate` or else its impact."""
    gate = settings.rule_gate.get(finding.rule)
    if gate is not None:
        return None if gate == "ignore" else gate
    impact = _impact(finding)
    if impact in settings.fail_on:
        return "fail"
    return "warn" if impact in settings.warn_on else None


def impact_check(
    impact: str, findings: list[Finding], settings: AccessibilitySettings, base: str, measured: bool = True
) -> Check:
    """Whether `impact`-level violations fail, warn or pass the run, naming the rules and pages involved.

    With `measured` False (no page was audited) the check is an error: no violations found is not a pass.
    """
    if not measured:
        return Check(f"impact_{impact}", Status.ERROR, f"{impact} violations not measured: no page was audited")
    active = [finding for finding in findings if _impact(finding) == impact and finding.waived is None]
    waived = sum(1 for finding in findings if _impact(finding) == impact and finding.waived is not None)
    threshold: dict[str, int] | None = None
    if impact in settings.fail_on:
        threshold = {"fail": 0}
    elif impact in settings.warn_on:
        threshold = {"warn": 0}
    gates = [gate_of(finding, settings) for finding in active]
    status = Status.FAIL if "fail" in gates else Status.WARN if "warn" in gates else Status.PASS
    if active:
        groups = Counter((finding.rule, display_path(finding.url, base)) for finding in active)
        examples = [f"{rule}{f' x{count}' if count > 1 else ''} on {page}" for (rule, page), count in groups.items()]
        shown = ", ".join(examples[:MAX_EXAMPLES]) + (
            f", +{len(examples) - MAX_EXAMPLES} more" if len(examples) > MAX_EXAMPLES else ""
        )
        message = f"{len(active)} {impact} violation{'' if len(active) == 1 else 's'} ({shown})"
    else:
        message = f"no {impact} violations"
    if waived:
        message += f"; {waived} waived"
    ungated = gates.count(None)
    if active and ungated == len(active):
        message += " (not gated)"
    elif ungated:
        message += f" ({ungated} not gated)"
    overridden = sorted({finding.rule for finding in active if finding.rule in settings.rule_gate})
    if overridden:
        message += "; rule_gate: " + ", ".join(f"{rule} = {settings.rule_gate[rule]}" for rule in overridden)
    return Check(f"impact_{impact}", status, message, len(active), threshold)


def _named(pages: list[PageRecord], base: str) -> str:
    names = [f"{display_path(record.url, base)} ({record.error})" for record in pages[:MAX_PAGES_NAMED]]
    more = len(pages) - MAX_PAGES_NAMED
    return ", ".join(names) + (f", +{more} more" if more > 0 else "")


def pages_check(pages: list[PageResult], base: str) -> Check | None:
    """`error` if any page could not be audited, `warn` if one left the site, else `pass`.

    Journey states are judged by `journeys_check`; a run (a shard) with journeys only has no pages check.
    """
    records = [page.record for page in pages if page.record.journey is None]
    if not records and any(page.record.journey is not None for page in pages):
        return None
    audited = sum(1 for record in records if record.status is PageStatus.AUDITED)
    failed = [record for record in records if record.status in FAILED_STATUSES]
    offsite = [record for record in records if record.status is PageStatus.OFFSITE]
    if failed:
        message = f"{len(failed)} of {len(records)} pages could not be audited: {_named(failed, base)}"
        return Check("pages_loaded", Status.ERROR, message, audited)
    if offsite:
        message = (
            f"{len(offsite)} of {len(records)} pages redirected to another origin and were not audited: "
            f"{_named(offsite, base)}"
        )
        status = Status.WARN if audited else Status.ERROR
        return Check("pages_loaded", status, message, audited)
    if not records:
        return Check("pages_loaded", Status.ERROR, "no pages were planned for the audit", 0)
    return Check("pages_loaded", Status.PASS, f"{audited} of {len(records)} pages audited", audited)


def journeys_check(pages: list[PageResult]) -> Check | None:
    """`error` naming the step for each journey that could not be walked to its end, else `pass`."""
    journeys: dict[str, list[PageRecord]] = {}
    for page in pages:
        if page.record.journey is not None:
            journeys.setdefault(page.record.journey, []).append(page.record)
    if not journeys:
        return None
    failed = {
        name: next(record for record in records if record.status in FAILED_STATUSES)
        for name, records in journeys.items()
        if any(record.status in FAILED_STATUSES for record in records)
    }
    states = sum(1 for page in pages if page.record.journey is not None and page.record.status is PageStatus.AUDITED)
    completed = len(journeys) - len(failed)
    if failed:
        named = "; ".join(f"{name!r}: {record.error}" for name, record in failed.items())
        message = f"{len(failed)} of {len(journeys)} journeys could not be walked to the end: {named}"
        return Check("journeys", Status.ERROR, message, completed)
    message = f"{len(journeys)} journey{'' if len(journeys) == 1 else 's'} walked; {states} states audited"
    return Check("journeys", Status.PASS, message, completed)


def own_check_coverage(name: str, pages: list[PageResult], base: str) -> Check | None:
    """Where golive's `name` check ran: `error` naming the pages where it could not run, else `pass`.

    None when no audited page has a record of the check (the audit ran without it; a note says so).
    """
    ran: list[PageRecord] = []
    failed: list[tuple[PageRecord, str]] = []
    partial = 0
    for page in pages:
        own = (page.result or {}).get("golive")
        if page.record.status is not PageStatus.AUDITED or not isinstance(own, dict):
            continue
        if name in own.get("errors", {}):
            failed.append((page.record, str(own["errors"][name])))
        elif name in own.get("ran", []):
            ran.append(page.record)
            facts = (own.get("facts") or {}).get(name) or {}
            partial += name == "keyboard" and not facts.get("complete", True)
    if not ran and not failed:
        return None
    what = "reflow at 320 CSS px" if name == "reflow" else "keyboard (Tab order, visible focus, traps)"
    if failed:
        named = ", ".join(
            f"{display_path(record.url, base)} ({error})" for record, error in failed[:MAX_PAGES_NAMED]
        ) + (f", +{len(failed) - MAX_PAGES_NAMED} more" if len(failed) > MAX_PAGES_NAMED else "")
        message = f"{what} could not be checked on {len(failed)} of {len(failed) + len(ran)} pages: {named}"
        return Check(f"check_{name}", Status.ERROR, message, len(ran))
    message = f"{what} checked on {len(ran)} page{'' if len(ran) == 1 else 's'}"
    if partial:
        message += (
            f"; on {partial} the Tab walk stopped at accessibility.max_tab_presses before a full round, "
            "so unreachable elements were not judged there"
        )
    return Check(f"check_{name}", Status.PASS, message, len(ran))


def sitemap_check(discovery: dict[str, Any]) -> Check | None:
    """When the sitemap was requested: `error` if it could not be read, else how many pages it added."""
    sitemap = discovery.get("sitemap")
    if not isinstance(sitemap, dict):
        return None
    if sitemap.get("error"):
        return Check("sitemap", Status.ERROR, f"the sitemap could not be read: {sitemap['error']}")
    found, added = int(sitemap.get("found", 0)), int(sitemap.get("added", 0))
    return Check("sitemap", Status.PASS, f"the sitemap lists {found} pages; {added} added to the audit", found)


def _standard_notes(index: dict[str, Any], settings: AccessibilitySettings) -> list[str]:
    audited_tags = set(index.get("tags") or STANDARD_TAGS.get(str(index.get("standard")), []))
    missing = [tag for tag in settings.tags if tag not in audited_tags]
    notes = []
    if missing:
        notes.append(
            f"the audit ran for standard {index.get('standard')}; rules tagged {', '.join(missing)} "
            f"({settings.standard}) were not run, so re-run the audit to check them"
        )
    not_run = [name for name in settings.checks if name not in (index.get("checks") or [])]
    if not_run:
        notes.append(f"the audit ran without golive's {', '.join(not_run)} check(s); re-run the audit to make them")
    return notes


def _details(
    pages: list[PageResult], findings: list[Finding], per_page: list[Counter[str]], base: str
) -> dict[str, Any]:
    by_rule: dict[str, dict[str, Any]] = {}
    for finding in findings:
        entry = by_rule.setdefault(
            finding.rule,
            {
                "rule": finding.rule,
                "impact": _impact(finding),
                "title": finding.title,
                "help_url": finding.help_url,
                "count": 0,
                "waived": 0,
                "pages": [],
            },
        )
        if "wcag" in finding.extra:
            entry["wcag"] = finding.extra["wcag"]
        entry["count"] += 1
        entry["waived"] += finding.waived is not None
        where = display_path(finding.url, base)
        if where not in entry["pages"]:
            entry["pages"].append(where)
    order = {impact: rank for rank, impact in enumerate(IMPACTS)}
    rules = sorted(by_rule.values(), key=lambda item: (order.get(item["impact"], 9), -item["count"], item["rule"]))
    by_page = []
    for page, counts in zip(pages, per_page, strict=True):
        record = page.record
        where = display_path(record.url, base)
        step: dict[str, Any] = {}
        if record.journey is not None:
            where = f"{record.journey} · step {record.step}: {record.step_label} ({where})"
            step = {"journey": record.journey, "step": record.step}
        by_page.append(
            {
                "url": record.url,
                "page": where,
                "final_url": record.final_url,
                "ended_on": _ended_elsewhere(record, base),
                "status": record.status.value,
                "http_status": record.http_status,
                "error": record.error,
                "source": record.source,
                "violations": {impact: counts.get(impact, 0) for impact in IMPACTS},
                "needs_review": len(page.result.get("incomplete", [])) if page.result else 0,
                # Relative to the run folder, where report.html is, so a report can link to it.
                "screenshot": f"{ARTIFACT_FOLDER}/{record.screenshot}" if record.screenshot else None,
                "result_file": record.result_file,
                "timing": record.timing,
                **step,
            }
        )
    return {"by_rule": rules, "by_page": by_page}


def _ended_elsewhere(record: PageRecord, base: str) -> str | None:
    """Where a page that was redirected to another path ended, as a reader names it; None if it stayed put."""
    if not record.final_url or urlsplit(record.final_url).path == urlsplit(record.url).path:
        return None
    return display_path(record.final_url, base)


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per fingerprint: a problem met on a page and again in journey states is one problem.

    An unwaived occurrence wins over a waived one, so a waiver never hides what it does not cover.
    """
    kept: dict[str, Finding] = {}
    for finding in findings:
        present = kept.get(finding.fingerprint)
        if present is None or (present.waived is not None and finding.waived is None):
            kept[finding.fingerprint] = finding
    return list(kept.values())


def evaluate(artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
    """Turn the saved audit into findings, checks and metrics, judged by `context.config` as it is now."""
    settings = context.settings_as(AccessibilitySettings, SUITE)
    base = context.config.target.url
    index, pages = load_pages(artifacts)
    found = [findings_for_page(page, settings) for page in pages]
    judged, waiver_notes = apply_waivers(
        [finding for page_findings in found for finding in page_findings], context.config.waivers, context.today
    )
    per_page: list[Counter[str]] = []
    position = 0
    for page_findings in found:
        mine = judged[position : position + len(page_findings)]
        position += len(page_findings)
        per_page.append(Counter(_impact(finding) for finding in mine if finding.waived is None))
    findings = dedupe(judged)

    audited = [page for page in pages if page.record.status is PageStatus.AUDITED]
    checks = [impact_check(impact, findings, settings, base, measured=bool(audited)) for impact in IMPACTS]
    optional = [
        pages_check(pages, base),
        journeys_check(pages),
        *(own_check_coverage(name, pages, base) for name in settings.checks),
        sitemap_check(index.get("discovery") or {}),
    ]
    checks.extend(check for check in optional if check is not None)

    active = [finding for finding in findings if finding.waived is None]
    by_impact = Counter(_impact(finding) for finding in active)
    plain = [page for page in pages if page.record.journey is None]
    journey_names = list(dict.fromkeys(page.record.journey for page in pages if page.record.journey is not None))
    shard = index.get("shard") or {}
    metrics = {
        "pages_requested": len(plain),
        "pages_audited": sum(1 for page in plain if page.record.status is PageStatus.AUDITED),
        "pages_failed": sum(1 for page in plain if page.record.status in FAILED_STATUSES),
        "pages_offsite": sum(1 for page in plain if page.record.status is PageStatus.OFFSITE),
        "journeys": len(journey_names),
        "journeys_failed": sum(
            1
            for name in journey_names
            if any(page.record.journey == name and page.record.status in FAILED_STATUSES for page in pages)
        ),
        "journey_states_audited": len(audited) - sum(1 for page in plain if page.record.status is PageStatus.AUDITED),
        "violations": len(active),
        "by_impact": {impact: by_impact.get(impact, 0) for impact in IMPACTS},
        "waived": len(findings) - len(active),
        "needs_review": sum(len(page.result.get("incomplete", [])) for page in audited if page.result),
        "axe_version": index.get("axe_version"),
        "standard": index.get("standard"),
        "checks": [name for name in settings.checks if name in (index.get("checks") or [])],
        "shard": shard.get("shard"),
    }
    error = None
    if not audited:
        failed = [page.record for page in pages if page.record.error]
        error = "no page could be audited" + (f": {_named(failed, base)}" if failed else "")
    notes = [*index.get("notes", []), *_standard_notes(index, settings), *waiver_notes]
    return SuiteResult(
        name=SUITE,
        checks=tuple(checks),
        findings=tuple(findings),
        metrics=metrics,
        error=error,
        notes=tuple(notes),
        details=_details(pages, findings, per_page, base),
    )
