"""The go-live list: the topics a service must show before it goes live, and which checks of a run cover each.

Going live is judged on more than a load test, an audit and a scan: the team must be able to keep the service
up and see its status, measure success, have had its security and accessibility assessed, keep testing, and
have dealt with anything that could exclude people. This module holds that list and builds, from any run, one
row per topic with the checks that cover it and where each rests: measured by golive, evidence the team
supplied, or a person's sign-off. A topic that nothing covered is listed as not covered, so gaps are seen.

The harness knows no suite: a suite class declares the topics its checks cover (`Suite.golive_topics`), and a
result may narrow that per check by putting `CheckCoverage` entries under `DETAILS_KEY` in its details.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.models import Check, RunResult, Status, SuiteResult, worst_status
from harness.registry import loadable_suites

# Where a suite result's details carry its per-check coverage: {check id: CheckCoverage.to_dict()}.
DETAILS_KEY = "golive_topics"


class Source(enum.StrEnum):
    """What a check's status rests on."""

    MEASURED = "measured"  # golive measured it during the run
    EVIDENCE = "evidence"  # a file the team supplied (a coverage report, a test report, a pen-test report)
    SIGN_OFF = "sign-off"  # a named person said so on a date; never an automated pass


@dataclass(frozen=True)
class Topic:
    """One item of the go-live list: its id (used in config), its title, and what it asks of a team."""

    id: str
    title: str
    asks: str


TOPICS: tuple[Topic, ...] = (
    Topic(
        "uptime-monitoring",
        "Keeping the service up and monitoring its status",
        "The service answers reliably, its status is monitored, and someone is on call when it is not.",
    ),
    Topic(
        "metrics",
        "Metrics to measure success",
        "Key performance indicators are agreed and collected (completion rate, user satisfaction, cost, take-up).",
    ),
    Topic(
        "performance-testing",
        "Performance testing",
        "The service was load tested at the traffic it expects at its peak, with headroom.",
    ),
    Topic(
        "security-assessment",
        "Security assessment (penetration test)",
        "The service was scanned for vulnerabilities and has had an independent penetration test.",
    ),
    Topic(
        "information-security",
        "Information security",
        "Data in transit is protected (HTTPS, HSTS, a valid certificate), errors leak nothing, and privacy is "
        "explained in a privacy notice.",
    ),
    Topic(
        "accessibility-audit",
        "Accessibility audit and statement",
        "The service was audited against WCAG 2.2 AA and publishes an accessibility statement with its "
        "compliance status and a way to report problems.",
    ),
    Topic(
        "continued-testing",
        "Continued vulnerability and performance testing",
        "Vulnerability and performance testing keep running after go-live (scheduled runs, a regression plan).",
    ),
    Topic(
        "code-coverage",
        "Testing quality and code coverage",
        "Automated tests pass and cover enough of the code to change it safely.",
    ),
    Topic(
        "exclusion-risks",
        "Exclusion risks",
        "Anything that could exclude people (digital skills, access, language, disability) is addressed or "
        "planned for, with support and assisted digital routes.",
    ),
)
TOPIC_IDS: tuple[str, ...] = tuple(topic.id for topic in TOPICS)


@dataclass(frozen=True)
class CheckCoverage:
    """Which topics one check covers and what it rests on; a sign-off also says who signed and when."""

    topics: tuple[str, ...]
    source: Source
    title: str = ""
    signed_by: str = ""
    signed_on: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The entry as kept in a suite result's details."""
        data: dict[str, Any] = {"topics": list(self.topics), "source": self.source.value}
        data.update({key: value for key in ("title", "signed_by", "signed_on") if (value := getattr(self, key))})
        return data

    @staticmethod
    def from_dict(data: Any) -> CheckCoverage | None:
        """An entry read back from details; None for anything that is not one (an older or foreign result)."""
        if not isinstance(data, Mapping):
            return None
        topics = data.get("topics")
        try:
            source = Source(str(data.get("source")))
        except ValueError:
            return None
        if not isinstance(topics, list) or not all(isinstance(topic, str) for topic in topics):
            return None
        texts = {key: str(data.get(key) or "") for key in ("title", "signed_by", "signed_on")}
        return CheckCoverage(tuple(topics), source, **texts)


def coverage_details(entries: Mapping[str, CheckCoverage]) -> dict[str, Any]:
    """What a suite puts in `SuiteResult.details` so that the go-live list knows its checks' topics."""
    return {DETAILS_KEY: {check_id: entry.to_dict() for check_id, entry in entries.items()}}


def signed_off_checks(suite: SuiteResult) -> frozenset[str]:
    """The ids of a suite's passing checks that rest on a sign-off (reports show them as "signed off")."""
    entries = suite.details.get(DETAILS_KEY) if isinstance(suite.details, Mapping) else None
    if not isinstance(entries, Mapping):
        return frozenset()
    passing = {check.id for check in suite.checks if check.status is Status.PASS}
    return frozenset(
        check_id
        for check_id, data in entries.items()
        if check_id in passing and (entry := CheckCoverage.from_dict(data)) and entry.source is Source.SIGN_OFF
    )


@dataclass(frozen=True)
class CoveringCheck:
    """A check of the run that covers a topic, as the go-live list shows it."""

    suite: str
    check_id: str
    title: str
    status: Status
    source: Source
    message: str
    signed_by: str = ""
    signed_on: str = ""

    @property
    def signed_off(self) -> bool:
        """A sign-off that holds: shown as "signed off", never as a pass."""
        return self.source is Source.SIGN_OFF and self.status is Status.PASS

    @property
    def status_word(self) -> str:
        """The status as a reader sees it: "signed off" for a holding sign-off, else the check's status."""
        return "signed off" if self.signed_off else self.status.value

    def to_dict(self) -> dict[str, Any]:
        """The check as the go-live list serialises it."""
        data = {
            "suite": self.suite,
            "check": self.check_id,
            "title": self.title,
            "status": self.status.value,
            "shown_as": self.status_word,
            "source": self.source.value,
            "message": self.message,
        }
        data.update({key: value for key in ("signed_by", "signed_on") if (value := getattr(self, key))})
        return data


NOT_COVERED = "not covered"


@dataclass(frozen=True)
class TopicStatus:
    """One topic with every check that could cover it in this run (skipped ones included, to show why not)."""

    topic: Topic
    checks: tuple[CoveringCheck, ...]

    @property
    def covering(self) -> tuple[CoveringCheck, ...]:
        """The checks that were actually made (not skipped)."""
        return tuple(check for check in self.checks if check.status is not Status.SKIPPED)

    @property
    def status(self) -> Status | None:
        """The worst status of the covering checks; None when nothing covered the topic."""
        covering = self.covering
        return worst_status([check.status for check in covering]) if covering else None

    @property
    def sources(self) -> tuple[Source, ...]:
        """What the covering checks rest on, in the order measured, evidence, sign-off."""
        present = {check.source for check in self.covering}
        return tuple(source for source in Source if source in present)

    @property
    def status_word(self) -> str:
        """ "not covered", "signed off" (a pass that rests on sign-offs alone), or the status."""
        status = self.status
        if status is None:
            return NOT_COVERED
        if status is Status.PASS and self.sources == (Source.SIGN_OFF,):
            return "signed off"
        return status.value

    def to_dict(self) -> dict[str, Any]:
        """The topic as the go-live list serialises it."""
        return {
            "topic": self.topic.id,
            "title": self.topic.title,
            "status": self.status_word,
            "sources": [source.value for source in self.sources],
            "checks": [check.to_dict() for check in self.checks],
        }


@dataclass(frozen=True)
class GoLiveList:
    """Every topic of the go-live list, in the list's order."""

    topics: tuple[TopicStatus, ...]

    @property
    def gaps(self) -> tuple[TopicStatus, ...]:
        """The topics nothing covered."""
        return tuple(topic for topic in self.topics if topic.status is None)

    def to_dict(self) -> dict[str, Any]:
        """The list as plain data."""
        return {"topics": [topic.to_dict() for topic in self.topics]}


def _suite_coverage(name: str, suite: SuiteResult, declared: Mapping[str, str]) -> list[tuple[str, CoveringCheck]]:
    """(topic id, covering check) for every check of one suite that covers a topic."""
    per_check = suite.details.get(DETAILS_KEY) if isinstance(suite.details, Mapping) else None
    per_check = per_check if isinstance(per_check, Mapping) else {}
    checks = list(suite.checks)
    if suite.error is not None:
        checks.append(Check("suite_error", Status.ERROR, suite.error))
    found = []
    for check in checks:
        entry = CheckCoverage.from_dict(per_check.get(check.id))
        if entry is not None:
            pairs = [(topic, entry.source) for topic in entry.topics]
            title, signed_by, signed_on = entry.title, entry.signed_by, entry.signed_on
        else:
            pairs = [(topic, _source(source)) for topic, source in declared.items()]
            title, signed_by, signed_on = "", "", ""
        for topic, source in pairs:
            covering = CoveringCheck(name, check.id, title, check.status, source, check.message, signed_by, signed_on)
            found.append((topic, covering))
    return found


def _source(value: str) -> Source:
    try:
        return Source(value)
    except ValueError:
        return Source.MEASURED


def build_golive_list(result: RunResult, suite_topics: Mapping[str, Mapping[str, str]]) -> GoLiveList:
    """The go-live list of a run: `suite_topics` maps each suite's name to its declared topics (→ source)."""
    by_topic: dict[str, list[CoveringCheck]] = {topic.id: [] for topic in TOPICS}
    for name, suite in result.suites.items():
        for topic, check in _suite_coverage(name, suite, suite_topics.get(name, {})):
            if topic in by_topic:
                by_topic[topic].append(check)
    return GoLiveList(tuple(TopicStatus(topic, tuple(by_topic[topic.id])) for topic in TOPICS))


def golive_list_for(result: RunResult) -> GoLiveList:
    """The go-live list of a run, with the topics that the installed suites declare."""
    declared = {name: cls.golive_topics for name, cls in loadable_suites().items()}
    return build_golive_list(result, declared)
