"""The results index: each audited page's result and screenshot kept as it finishes, and pages.json with them.

The index is brought up to date after every page, so whatever stops the run (a crash, Ctrl-C) leaves an
accurate record of what was audited; work still pending is listed as not audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.rundir import utc_timestamp
from harness.suite import GatherError, Target, write_atomic
from suites.accessibility.artifacts import INDEX, INDEX_VERSION, PAGES_FOLDER, PageRecord, PageStatus, page_file_stem
from suites.accessibility.audit import PageAudit
from suites.accessibility.axe_script import AxeScript
from suites.accessibility.causes import grouped_causes
from suites.accessibility.net_errors import explain
from suites.accessibility.planning import Plan, PlannedJourney, Work
from suites.accessibility.settings import AccessibilitySettings, Journey
from suites.accessibility.urls import display_path

STOPPED_EARLY = "the run stopped before this page was audited"


class Results:
    """The audited pages and journey states so far, their saved files, and the index that lists them."""

    def __init__(
        self,
        settings: AccessibilitySettings,
        target: Target,
        axe: AxeScript,
        write_json: Callable[[str, Any], Path],
        artifact_dir: Path,
        progress: Callable[[str], None],
    ) -> None:
        self.settings = settings
        self.target = target
        self.axe = axe
        self._write_json = write_json
        self._artifact_dir = artifact_dir
        self._progress = progress
        self.done: list[tuple[int, PageRecord]] = []
        self.pages_done = 0
        self.restarts = 0
        self.axe_version: str | None = None
        self.browser: dict[str, str] = {}
        # What stopped the gathering before every page was audited (Chromium did not start, kept crashing).
        self.stopped: str | None = None
        self.started_at = utc_timestamp(dt.datetime.now(dt.UTC))

    def finish(self, work: Work, audits: list[PageAudit], plan: Plan) -> None:
        """Save the results and screenshots of one page or journey, update the index, and report progress."""
        for audit in audits:
            self._save_files(work, audit)
            record = audit.record
            if record.final_url and not record.journey:
                plan.landed_at(record.final_url)
            self.done.append((work.seq, record))
        self.save(plan)
        if isinstance(work, PlannedJourney):
            self._progress(_journey_progress(work.journey, [audit.record for audit in audits]))
            return
        self.pages_done += 1
        record = audits[0].record
        if record.status is PageStatus.AUDITED:
            outcome = f"{record.violations} violation{'' if record.violations == 1 else 's'}"
            outcome += ", unchanged: earlier audit reused" if record.reused else ""
        else:
            outcome = f"{record.status.value.replace('_', ' ')}: {explain(record.error or '', record.http_status).text}"
        where = display_path(record.url, self.target.url)
        self._progress(f"audited {self.pages_done}/{plan.pages_planned} pages: {where} ({outcome})")

    def _save_files(self, work: Work, audit: PageAudit) -> None:
        record = audit.record
        if isinstance(work, PlannedJourney):
            stem = page_file_stem(work.seq, f"journey {work.journey.name} step {record.step or 0:02d}")
        else:
            stem = page_file_stem(work.seq, urlsplit(record.url).path)
        if audit.result is not None:
            record.result_file = f"{PAGES_FOLDER}/{stem}.json"
            self._write_json(record.result_file, audit.result)
            version = (audit.result.get("testEngine") or {}).get("version")
            self.axe_version = self.axe_version or (str(version) if version else None)
        if audit.screenshot is not None:
            record.screenshot = f"{PAGES_FOLDER}/{stem}.jpeg"
            write_atomic(self._artifact_dir / record.screenshot, audit.screenshot)

    def _pending_records(self, plan: Plan) -> list[tuple[int, PageRecord]]:
        pending: list[tuple[int, PageRecord]] = []
        for work in plan.pending:
            if isinstance(work, PlannedJourney):
                record = PageRecord(
                    self.target.resolve(work.journey.steps[0].argument),
                    f"{work.journey.name} · not walked",
                    PageStatus.NOT_AUDITED,
                    error=STOPPED_EARLY.replace("page was audited", "journey was walked"),
                    source="journey",
                    journey=work.journey.name,
                )
            else:
                record = PageRecord(
                    work.url, work.requested, PageStatus.NOT_AUDITED, error=STOPPED_EARLY, source=work.source
                )
            pending.append((work.seq, record))
        return pending

    def index(self, plan: Plan) -> dict[str, Any]:
        """The pages.json document: run facts and one record per page or journey state, pending ones not audited."""
        ordered = sorted(
            [*self.done, *self._pending_records(plan)],
            key=lambda item: (item[1].journey is not None, item[0], item[1].step or 0),
        )
        settings = self.settings
        return {
            "version": INDEX_VERSION,
            "axe_version": self.axe_version or self.axe.banner_version,
            "axe_source": self.axe.source,
            "browser": self.browser,
            "standard": settings.standard,
            "tags": list(settings.tags),
            "rules": {"enable": list(settings.rules.enable), "disable": list(settings.rules.disable)},
            "checks": list(settings.checks),
            "concurrency": settings.concurrency,
            "shard": plan.facts.shard,
            "started_at": self.started_at,
            "finished_at": utc_timestamp(dt.datetime.now(dt.UTC)),
            "browser_restarts": self.restarts,
            "discovery": plan.facts.discovery,
            "notes": [*plan.facts.notes, *self._reuse_notes()],
            "stopped": self.stopped,
            "pages": [record.to_dict() for _, record in ordered],
        }

    def _reuse_notes(self) -> list[str]:
        reused = sum(1 for _, record in self.done if record.reused)
        if not reused:
            return []
        pages = sum(1 for _, record in self.done if record.journey is None)
        return [
            f"{reused} of {pages} pages were unchanged since a valid earlier audit, whose results were reused "
            "(accessibility.reuse = false audits every page)"
        ]

    def save(self, plan: Plan) -> None:
        """Bring the index document up to date (secrets masked)."""
        self._write_json(INDEX, self.index(plan))

    def audited(self) -> int:
        """How many pages and journey states were audited."""
        return sum(1 for _, record in self.done if record.status is PageStatus.AUDITED)

    def require_an_audit(self) -> None:
        """Fail closed: raise GatherError when not one page was audited."""
        if self.audited():
            return
        failed = [record for _, record in sorted(self.done, key=lambda item: item[0])]
        reasons = grouped_causes(failed, self.target.url) if failed else ""
        raise GatherError(f"no page could be audited{': ' + reasons if reasons else ''}")


def _journey_progress(journey: Journey, records: list[PageRecord]) -> str:
    audited = [record for record in records if record.status is PageStatus.AUDITED]
    violations = sum(record.violations for record in audited)
    message = (
        f"journey {journey.name!r}: {len(audited)} state{'' if len(audited) == 1 else 's'} audited, "
        f"{violations} violation{'' if violations == 1 else 's'}"
    )
    failed = [record for record in records if record.status not in (PageStatus.AUDITED, PageStatus.OFFSITE)]
    return message + (f"; {failed[-1].error}" if failed else "")
