"""The values that flow through a run: checks, findings, suite results and the verdict.

They are frozen dataclasses so that a suite's evaluation is a pure function producing values, and so that
reporters can never change what another reporter will see.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from harness.blocks import Block

SCHEMA_VERSION = 2


class Status(enum.StrEnum):
    """Outcome of one check, or of a whole suite (the worst of its checks)."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    SKIPPED = "skipped"


# How bad a status is when several are combined into one (a suite's status is its worst check's).
_STATUS_RANK = {Status.SKIPPED: 0, Status.PASS: 1, Status.WARN: 2, Status.ERROR: 3, Status.FAIL: 4}


def worst_status(statuses: list[Status], empty: Status = Status.SKIPPED) -> Status:
    """Return the most severe status; `fail` outranks `error` because a measured failure is conclusive."""
    if not statuses:
        return empty
    return max(statuses, key=_STATUS_RANK.__getitem__)


class Severity(enum.StrEnum):
    """Severity of a finding, on one scale for all suites (see DESIGN.md for the tool mappings)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


SEVERITY_ORDER = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO]


class Verdict(enum.StrEnum):
    """The one answer a run gives."""

    READY = "READY"
    NOT_READY = "NOT_READY"
    INCONCLUSIVE = "INCONCLUSIVE"


@dataclass(frozen=True)
class Check:
    """One gated measurement.

    `measured` is the value found (None when it could not be measured); `threshold` is the band it was judged
    against, as written in the config (e.g. ``{"warn": 500, "fail": 1000}``); `message` reads on its own in a
    report, e.g. ``"p95 latency 1240 ms > 1000 ms"``.
    """

    id: str
    status: Status
    message: str
    measured: Any = None
    threshold: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The check as it appears in result.json."""
        return {
            "id": self.id,
            "status": self.status.value,
            "measured": self.measured,
            "threshold": self.threshold,
            "message": self.message,
        }


@dataclass(frozen=True)
class Finding:
    """One problem a tool reported (an axe violation node, a ZAP alert, a hygiene issue).

    `rule` is the tool's own identifier; `fingerprint` is stable across runs for the same problem so that runs
    can be compared; `waived` carries the reason of the waiver that applied, or None.
    """

    suite: str
    rule: str
    severity: Severity
    title: str
    url: str
    fingerprint: str
    selector: str | None = None
    evidence: str | None = None
    help_url: str | None = None
    waived: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The finding as it appears in result.json (`waived` is a boolean there, the reason beside it)."""
        data: dict[str, Any] = {
            "suite": self.suite,
            "rule": self.rule,
            "severity": self.severity.value,
            "title": self.title,
            "url": self.url,
            "fingerprint": self.fingerprint,
            "waived": self.waived is not None,
        }
        if self.waived is not None:
            data["waiver_reason"] = self.waived
        for key in ("selector", "evidence", "help_url"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        data.update(self.extra)
        return data


@dataclass(frozen=True)
class SuiteResult:
    """What one suite concluded: its checks, findings and headline metrics.

    `status` is derived from the checks; `error` holds the one-line reason when the suite could not measure,
    `notes` anything a reader must know (an expired waiver, a scan that was not required, ...).
    """

    name: str
    checks: tuple[Check, ...] = ()
    findings: tuple[Finding, ...] = ()
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    notes: tuple[str, ...] = ()
    # Suite-specific data kept in result.json for tools that read it; never used by the verdict.
    details: dict[str, Any] = field(default_factory=dict)
    # How the reports show this suite's details (tables, time series, ...): see harness.blocks.
    blocks: tuple[Block, ...] = ()

    @property
    def status(self) -> Status:
        """The worst status among the checks; `error` if the suite could not measure and nothing failed."""
        statuses = [check.status for check in self.checks]
        if self.error is not None:
            statuses.append(Status.ERROR)
        return worst_status(statuses, empty=Status.ERROR)

    def to_dict(self) -> dict[str, Any]:
        """The suite as it appears in result.json."""
        return {
            "status": self.status.value,
            "metrics": self.metrics,
            "checks": [check.to_dict() for check in self.checks],
            "findings": [finding.to_dict() for finding in self.findings],
            "error": self.error,
            "notes": list(self.notes),
            "details": self.details,
            "blocks": [block.to_dict() for block in self.blocks],
        }


# The one check of a suite that did not run at all (see `skipped_suite`).
SKIPPED_SUITE_CHECK = "suite"


def skipped_suite(name: str, reason: str) -> SuiteResult:
    """A suite that was not requested or not run; it never counts against the verdict."""
    return SuiteResult(name=name, checks=(Check(id=SKIPPED_SUITE_CHECK, status=Status.SKIPPED, message=reason),))


@dataclass(frozen=True)
class Reason:
    """One reason behind a verdict: what was found, its status (None for a note), and which suites said it.

    `check` is the id of the check it comes from, when it comes from one.
    """

    status: Status | None
    suites: tuple[str, ...]
    message: str
    check: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The reason as it appears in result.json."""
        return {
            "status": self.status.value if self.status is not None else None,
            "suites": list(self.suites),
            "check": self.check,
            "message": self.message,
        }

    def text(self) -> str:
        """The reason as one line: "performance: p95 latency 1240 ms > 1000 ms (fail)"."""
        prefix = f"{', '.join(self.suites)}: " if self.suites else ""
        suffix = f" ({self.status.value})" if self.status is not None else ""
        return f"{prefix}{self.message}{suffix}"

    @staticmethod
    def from_dict(data: Any) -> Reason:
        """A reason from result.json: schema 2's object, or schema 1's "suite: message (status)" string."""
        if isinstance(data, dict):
            status = data.get("status")
            return Reason(
                Status(status) if status else None,
                tuple(data.get("suites") or ()),
                str(data.get("message", "")),
                data.get("check"),
            )
        return Reason(None, (), str(data))


@dataclass(frozen=True)
class RunResult:
    """A whole run: the contract of result.json."""

    run_id: str
    target: str
    started_at: str
    finished_at: str
    verdict: Verdict
    reasons: tuple[Reason, ...]
    suites: dict[str, SuiteResult]
    profile: str | None = None
    interrupted: bool = False
    golive_version: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    # Changes since the previous run of the same target (see harness.comparison); None for a first run.
    comparison: dict[str, Any] | None = None
    # When `golive evaluate` last judged this run again (None for a run as it was made).
    evaluated_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The run as written to result.json (schema_version 2: reasons are objects)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "run_id": self.run_id,
            "target": self.target,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "verdict": self.verdict.value,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "suites": {name: suite.to_dict() for name, suite in self.suites.items()},
            "profile": self.profile,
            "interrupted": self.interrupted,
            "golive_version": self.golive_version,
            "comparison": self.comparison,
            "config": self.config,
            "evaluated_at": self.evaluated_at,
        }
