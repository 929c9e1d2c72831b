"""The accessibility suite's checks: whether each impact level fails or warns the run, and coverage.

Coverage checks make sure nothing unmeasured passes: `pages_loaded` and `journeys` for pages and journeys that
could not be audited, one check per golive check saying where it ran, and the sitemap when one was asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from harness.gates import count_gate
from harness.models import Check, Finding, Status, worst_status
from suites.accessibility.artifacts import FAILED_STATUSES, PageRecord, PageStatus
from suites.accessibility.causes import all_not_reached, cause_of, grouped_causes, name_pages
from suites.accessibility.findings import UNKNOWN_IMPACT, PageResult
from suites.accessibility.settings import AccessibilitySettings
from suites.accessibility.urls import display_path

MAX_EXAMPLES = 4
VIOLATION = ("violation", "violations")


def impact_of(finding: Finding) -> str:
    """The impact a finding is judged at (after `rule_impact`)."""
    return str(finding.extra.get("impact", UNKNOWN_IMPACT))


def gate_of(finding: Finding, settings: AccessibilitySettings) -> str | None:
    """How a finding counts: "fail", "warn" or None (reported, not gated), by `rule_gate` or else its impact."""
    gate = settings.rule_gate.get(finding.rule)
    if gate is not None:
        return None if gate == "ignore" else gate
    impact = impact_of(finding)
    if impact in settings.fail_on:
        return "fail"
    return "warn" if impact in settings.warn_on else None


def _examples(findings: Sequence[Finding], base: str) -> str:
    """The rules and pages of some violations: "image-alt x2 on /mixed, label on /mixed, +3 more"."""
    groups = Counter((finding.rule, display_path(finding.url, base)) for finding in findings)
    examples = [f"{rule}{f' x{count}' if count > 1 else ''} on {page}" for (rule, page), count in groups.items()]
    more = len(examples) - MAX_EXAMPLES
    return ", ".join(examples[:MAX_EXAMPLES]) + (f", +{more} more" if more > 0 else "")


def impact_check(
    impact: str, findings: list[Finding], settings: AccessibilitySettings, base: str, measured: bool = True
) -> Check:
    """Whether `impact`-level violations fail, warn or pass the run, naming the rules, the pages and the limit.

    "4 serious violations (color-contrast on /, ...) > 0 allowed", as every count gate says it; violations of a
    rule in `rule_gate` are judged by that gate and named apart. With `measured` False (no page was audited)
    the check is skipped: the suite's error says why, and no violations found is never a pass.
    """
    check_id = f"impact_{impact}"
    if not measured:
        return Check(check_id, Status.SKIPPED, f"{impact} violations not measured: no page was audited")
    active = [finding for finding in findings if impact_of(finding) == impact and finding.waived is None]
    waived = sum(1 for finding in findings if impact_of(finding) == impact and finding.waived is not None)
    by_level = [finding for finding in active if finding.rule not in settings.rule_gate]
    by_rule = [finding for finding in active if finding.rule in settings.rule_gate]
    check = count_gate(
        check_id,
        impact,
        by_level,
        settings.fail_on,
        settings.warn_on,
        lambda items: _examples(items, base),
        noun=VIOLATION,
        qualifier="",
    )
    if not by_rule:
        return replace(check, message=check.message + (f"; {waived} waived" if waived else ""))
    gates = [gate_of(finding, settings) for finding in by_rule]
    overrides = ", ".join(f"{rule} = {settings.rule_gate[rule]}" for rule in sorted({f.rule for f in by_rule}))
    if by_level:
        message = f"{check.message}; {len(by_rule)} more by rule_gate ({overrides})"
    else:
        word = VIOLATION[0] if len(by_rule) == 1 else VIOLATION[1]
        limit = "> 0 allowed" if {"fail", "warn"} & set(gates) else "(not gated)"
        message = f"{len(by_rule)} {impact} {word} ({_examples(by_rule, base)}) {limit} by rule_gate ({overrides})"
    ruled = Status.FAIL if "fail" in gates else Status.WARN if "warn" in gates else Status.PASS
    threshold = check.threshold or ({"fail": 0} if "fail" in gates else {"warn": 0} if "warn" in gates else None)
    return Check(
        check_id,
        worst_status([check.status, ruled]),
        message + (f"; {waived} waived" if waived else ""),
        (check.measured or 0) + sum(1 for gate in gates if gate is not None),
        threshold,
    )


def pages_check(pages: list[PageResult], base: str, stopped: str | None = None) -> Check | None:
    """`error` if any page could not be audited, `warn` if one left the site, else `pass`.

    Pages that failed for one cause are named together: "3 of 5 pages could not be audited: connection refused
    (/a, /b, /c)"; when the run stopped (`stopped`, what stopped it) before it reached any page, that cause is
    the message. Journey states are judged by `journeys_check`; a run (a shard) with journeys only has no
    pages check.
    """
    records = [page.record for page in pages if page.record.journey is None]
    if not records and any(page.record.journey is not None for page in pages):
        return None
    audited = sum(1 for record in records if record.status is PageStatus.AUDITED)
    failed = [record for record in records if record.status in FAILED_STATUSES]
    offsite = [record for record in records if record.status is PageStatus.OFFSITE]
    if stopped and all_not_reached(records):
        return Check("pages_loaded", Status.ERROR, stopped, 0)
    if failed:
        message = f"{len(failed)} of {len(records)} pages could not be audited: {grouped_causes(failed, base)}"
        return Check("pages_loaded", Status.ERROR, message, audited)
    if offsite:
        message = (
            f"{len(offsite)} of {len(records)} pages redirected to another origin and were not audited: "
            f"{name_pages(offsite, base)}"
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
        named = "; ".join(f"{name!r}: {_said(record)}" for name, record in failed.items())
        message = f"{len(failed)} of {len(journeys)} journeys could not be walked to the end: {named}"
        return Check("journeys", Status.ERROR, message, completed)
    message = f"{len(journeys)} journey{'' if len(journeys) == 1 else 's'} walked; {states} states audited"
    return Check("journeys", Status.PASS, message, completed)


def _said(record: PageRecord) -> str:
    """A journey's error with Chromium's codes in words, and what to do about it."""
    text, hint = cause_of(record)
    return text + (f" — {hint}" if hint else "")


def own_check_coverage(name: str, pages: list[PageResult], base: str) -> Check | None:
    """Where golive's `name` check ran: `error` naming the pages where it could not run, else `pass`.

    None when no audited page has a record of the check (the audit ran without it; a note says so).
    """
    ran: list[PageRecord] = []
    failed: list[PageRecord] = []
    partial = 0
    for page in pages:
        own = (page.result or {}).get("golive")
        if page.record.status is not PageStatus.AUDITED or not isinstance(own, dict):
            continue
        if name in own.get("errors", {}):
            # The page was audited; it is this check that could not run there, for this reason.
            failed.append(replace(page.record, status=PageStatus.AUDIT_ERROR, error=str(own["errors"][name])))
        elif name in own.get("ran", []):
            ran.append(page.record)
            facts = (own.get("facts") or {}).get(name) or {}
            partial += name == "keyboard" and not facts.get("complete", True)
    if not ran and not failed:
        return None
    what = "reflow at 320 CSS px" if name == "reflow" else "keyboard (Tab order, visible focus, traps)"
    if failed:
        causes = grouped_causes(failed, base)
        message = f"{what} could not be checked on {len(failed)} of {len(failed) + len(ran)} pages: {causes}"
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
