"""A run as history and comparisons see it: plain values read from result.json (or a RunResult) and nothing else.

The same record is built from a finished run, a run folder on disk, a row of the history database and a line
of the old ``history.jsonl``, so everything downstream (the table, `golive compare`, baselines) reads one shape.
It carries no evidence or details: only verdicts, statuses, measured values, metrics, findings by fingerprint
and what each suite covered, so a comparison can tell "resolved" from "not looked at this time".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.fingerprint import normalise_url

# Suite statuses that mean the suite measured something (a suite of only `error`/`skipped` checks did not).
MEASURED = frozenset({"pass", "warn", "fail"})
# Config keys that change how findings are judged, not which findings can be found; a change to them does not
# change a suite's scope, so findings stay comparable across it.
JUDGEMENT_KEYS = frozenset({"thresholds", "fail_on", "warn_on", "new_findings", "required"})


@dataclass(frozen=True)
class CheckRecord:
    """One check of a suite, with the value it measured (None when it did not)."""

    id: str
    status: str
    message: str
    measured: float | None = None


@dataclass(frozen=True)
class FindingRecord:
    """One finding, identified across runs by its fingerprint."""

    fingerprint: str
    suite: str
    rule: str
    severity: str
    url: str
    title: str = ""
    waived: bool = False
    source: str | None = None

    @property
    def label(self) -> str:
        """How a person recognises the finding in a list: ``security: missing-csp on http://host/``."""
        return f"{self.suite}: {self.rule} on {self.url}" if self.url else f"{self.suite}: {self.rule}"


@dataclass(frozen=True)
class Coverage:
    """What a suite looked at in a run, so a finding it did not report can be called resolved, or not.

    `urls` are normalised URLs that were examined (None: the suite does not say, so its whole target);
    `parts` are the ids of the checks that measured (a finding from source ``zap`` needs a measured
    ``zap`` or ``zap_scan`` check); `signature` hashes the suite's config section without its judgement keys
    (None: unknown, as for runs imported from the old history file).
    """

    urls: frozenset[str] | None = None
    parts: frozenset[str] = frozenset()
    signature: str | None = None

    def covers(self, finding: FindingRecord) -> bool:
        """Whether a finding like this one would have been reported by this suite run had it been there."""
        if self.urls is not None and finding.url and normalise_url(finding.url) not in self.urls:
            return False
        if finding.source:
            # Only the check that ran the source itself: a `zap_rules` check passes even when no scan ran.
            return bool({finding.source, f"{finding.source}_scan"} & self.parts)
        return True


@dataclass(frozen=True)
class SuiteRecord:
    """One suite of a run: its status, whether it measured anything, its numbers and its findings."""

    name: str
    status: str
    ran: bool
    error: str | None = None
    metrics: Mapping[str, float] = field(default_factory=dict)
    # The values `golive history` shows for the suite: metric or check id → column label.
    headline: Mapping[str, str] = field(default_factory=dict)
    checks: tuple[CheckRecord, ...] = ()
    findings: Mapping[str, FindingRecord] = field(default_factory=dict)
    coverage: Coverage = field(default_factory=Coverage)

    def headline_values(self, keys: Sequence[str] | None = None) -> dict[str, float | str]:
        """Each headline key (or each of `keys`): its measured value, or its check's status if it did not measure."""
        by_id = {check.id: check for check in self.checks}
        values: dict[str, float | str] = {}
        for key in self.headline if keys is None else keys:
            check = by_id.get(key)
            if check is not None:
                measured = check.measured if check.status in MEASURED else None
                values[key] = measured if measured is not None else check.status
            elif key in self.metrics:
                values[key] = self.metrics[key]
        return values


@dataclass(frozen=True)
class RunRecord:
    """A run in the history: who, when, what verdict, and each suite's record."""

    run_id: str
    target: str
    verdict: str
    started_at: str = ""
    finished_at: str = ""
    profile: str | None = None
    label: str | None = None
    interrupted: bool = False
    golive_version: str = ""
    config_hash: str = ""
    invalid_reason: str | None = None
    suites: Mapping[str, SuiteRecord] = field(default_factory=dict)
    evaluated_at: str | None = None  # when `golive evaluate` last judged the run again; None: as it ran

    @property
    def valid(self) -> bool:
        """A run that may serve as a baseline: finished and not invalidated."""
        return self.invalid_reason is None and not self.interrupted

    def notes(self) -> list[str]:
        """What a list of runs must say beside the verdict: invalidated, interrupted, judged again."""
        notes = []
        if self.invalid_reason is not None:
            notes.append(f"INVALID: {self.invalid_reason}")
        if self.interrupted:
            notes.append("interrupted: results are partial")
        if self.evaluated_at:
            # The verdict shown is the latest `golive evaluate`'s, not the one the run ended with.
            notes.append(f"verdict re-evaluated {self.evaluated_at}")
        return notes

    def findings(self) -> dict[str, FindingRecord]:
        """Every finding of the run by fingerprint (waived ones included: a waived finding is still there)."""
        return {fp: finding for suite in self.suites.values() for fp, finding in suite.findings.items()}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def numeric_metrics(metrics: Mapping[str, Any]) -> dict[str, float]:
    """Flat numeric metrics; one level of nested tables (``by_impact``) becomes ``by_impact.critical``."""
    flat: dict[str, float] = {}
    for key, value in metrics.items():
        number = _number(value)
        if number is not None:
            flat[key] = number
        elif isinstance(value, Mapping):
            for inner, item in value.items():
                inner_number = _number(item)
                if inner_number is not None:
                    flat[f"{key}.{inner}"] = inner_number
    return flat


def config_hash(config: Mapping[str, Any]) -> str:
    """A short stable hash of a (redacted) config, to tell runs made with the same settings."""
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()[:16]


def scope_signature(section: Any) -> str | None:
    """The hash of a suite's config section without the keys that only judge; None when there is no section."""
    if not isinstance(section, Mapping):
        return None
    return config_hash({key: value for key, value in section.items() if key not in JUDGEMENT_KEYS})


def _checks(raw: Any) -> tuple[CheckRecord, ...]:
    checks = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping) and "id" in item:
            measured = _number(item.get("measured"))
            checks.append(
                CheckRecord(str(item["id"]), str(item.get("status", "")), str(item.get("message", "")), measured)
            )
    return tuple(checks)


def _findings(raw: Any, suite: str) -> dict[str, FindingRecord]:
    findings: dict[str, FindingRecord] = {}
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, Mapping) or not item.get("fingerprint"):
            continue
        source = item.get("source")
        findings[str(item["fingerprint"])] = FindingRecord(
            fingerprint=str(item["fingerprint"]),
            suite=str(item.get("suite") or suite),
            rule=str(item.get("rule", "")),
            severity=str(item.get("severity", "")),
            url=str(item.get("url") or ""),
            title=str(item.get("title") or ""),
            waived=bool(item.get("waived")),
            source=str(source) if source else None,
        )
    return findings


def _headline(
    data: Mapping[str, Any], declared: Mapping[str, str] | None, checks: tuple[CheckRecord, ...]
) -> dict[str, str]:
    """What the suite declares as its headline (its class, or its result), else its checks that ran."""
    given = declared or data.get("headline") or (data.get("details") or {}).get("headline")
    if isinstance(given, Mapping) and given:
        return {str(key): str(label) for key, label in given.items()}
    if isinstance(given, list) and given:
        return {str(key): str(key) for key in given}
    return {check.id: check.id for check in checks if check.status != "skipped"}


def _coverage(data: Mapping[str, Any], checks: tuple[CheckRecord, ...], section: Any) -> Coverage:
    explicit = data.get("coverage") or (data.get("details") or {}).get("coverage")
    urls: frozenset[str] | None = None
    if isinstance(explicit, Mapping) and isinstance(explicit.get("urls"), list):
        urls = frozenset(normalise_url(str(url)) for url in explicit["urls"])
    else:
        pages = (data.get("details") or {}).get("by_page")
        if isinstance(pages, list):
            urls = frozenset(
                normalise_url(str(page["url"]))
                for page in pages
                if isinstance(page, Mapping) and page.get("url") and page.get("status") in (None, "audited")
            )
    parts = frozenset(check.id for check in checks if check.status in MEASURED)
    return Coverage(urls=urls, parts=parts, signature=scope_signature(section))


def suite_record(
    name: str, data: Mapping[str, Any], config: Mapping[str, Any], headline: Mapping[str, str] | None = None
) -> SuiteRecord:
    """A suite's record from its result.json entry, the run's config and the suite's declared headline metrics."""
    checks = _checks(data.get("checks"))
    metrics = numeric_metrics(data.get("metrics") or {})
    status = str(data.get("status", "error"))
    ran = status != "skipped" and any(check.status in MEASURED for check in checks)
    return SuiteRecord(
        name=name,
        status=status,
        ran=ran,
        error=data.get("error") or None,
        metrics=metrics,
        headline=_headline(data, headline, checks),
        checks=checks,
        findings=_findings(data.get("findings"), name),
        coverage=_coverage(data, checks, config.get(name)),
    )


def record_from_result(
    data: Mapping[str, Any], label: str | None = None, headlines: Mapping[str, Mapping[str, str]] | None = None
) -> RunRecord:
    """A run's record from its result.json content (schema 1 or 2); `headlines` are the suites' declared ones."""
    config = data.get("config") or {}
    suites = data.get("suites") or {}
    return RunRecord(
        run_id=str(data["run_id"]),
        target=str(data.get("target", "")),
        verdict=str(data.get("verdict", "")),
        started_at=str(data.get("started_at", "")),
        finished_at=str(data.get("finished_at", "")),
        profile=data.get("profile"),
        label=label if label is not None else data.get("label"),
        interrupted=bool(data.get("interrupted")),
        golive_version=str(data.get("golive_version", "")),
        config_hash=config_hash(config) if config else "",
        evaluated_at=data.get("evaluated_at") or None,
        suites={
            name: suite_record(name, suite, config, (headlines or {}).get(name))
            for name, suite in suites.items()
            if isinstance(suite, Mapping)
        },
    )


def record_from_legacy(entry: Mapping[str, Any]) -> RunRecord:
    """A run's record from a line of the old ``history.jsonl`` (no checks, no scope: nothing counts as resolved)."""
    suites: dict[str, SuiteRecord] = {}
    for name, data in (entry.get("suites") or {}).items():
        status = str(data.get("status", "error"))
        metrics = {key: value for key, value in (data.get("metrics") or {}).items() if _number(value) is not None}
        suites[name] = SuiteRecord(
            name=name,
            status=status,
            ran=status in MEASURED,
            metrics=metrics,
            headline={key: key for key in metrics if "." not in key},
        )
    for fingerprint, label in (entry.get("findings") or {}).items():
        suite, _, rest = str(label).partition(": ")
        rule, _, url = rest.partition(" on ")
        if suite in suites:
            finding = FindingRecord(str(fingerprint), suite, rule, "", url)
            suites[suite] = _with_finding(suites[suite], finding)
    return RunRecord(
        run_id=str(entry["run_id"]),
        target=str(entry.get("target", "")),
        verdict=str(entry.get("verdict", "")),
        started_at=str(entry.get("started_at", "")),
        profile=entry.get("profile"),
        interrupted=bool(entry.get("interrupted")),
        suites=suites,
    )


def _with_finding(suite: SuiteRecord, finding: FindingRecord) -> SuiteRecord:
    from dataclasses import replace

    return replace(suite, findings={**suite.findings, finding.fingerprint: finding})
