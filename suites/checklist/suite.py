"""The checklist suite: go-live items golive cannot measure itself, judged on evidence, pages and sign-offs.

gather reads each item's evidence (coverage and JUnit reports, documents) and fetches its pages, saving the
facts in `checklist.json`; judge turns them into one check per item against the config, so changing a limit or
signing an item off re-judges with `golive evaluate` without reading anything again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from harness.artifacts import Artifacts
from harness.blocks import Column, Kind, Table
from harness.golive_list import TOPIC_IDS, coverage_details
from harness.models import Check, SuiteResult, skipped_suite
from harness.suite import GatherContext, JudgeContext, Suite
from suites.checklist.evaluate import SOURCE_BY_KIND, item_coverage, judge_item
from suites.checklist.gather import gather_checklist
from suites.checklist.settings import ChecklistItem, ChecklistSettings

ARTIFACT = "checklist.json"
NO_ITEMS = (
    "no [[checklist.items]] configured, so the go-live items it covers are not judged; "
    "`golive checklist init` writes a list to fill in"
)


def _row(item: ChecklistItem, check: Check) -> dict[str, str]:
    source = item_coverage(item).source.value
    return {
        "id": item.id,
        "title": item.title,
        "topic": item.topic,
        "kind": item.kind,
        "source": source,
        "status": "signed off" if source == "sign-off" and check.status.value == "pass" else check.status.value,
        "message": check.message,
    }


class ChecklistSuite(Suite):
    """The go-live items of `[[checklist.items]]`: coverage, JUnit, documents, pages and sign-offs."""

    name = "checklist"
    title = "Go-live checklist items (evidence and sign-offs)"
    settings_model = ChecklistSettings
    # It runs by default, and without items it says so as `skipped` (never a failure), so that a default run
    # shows the reader that the go-live items were not looked at.
    runs_by_default = True
    # What an item can cover; the result says per item which topic it covers and what it rests on.
    golive_topics: ClassVar[Mapping[str, str]] = dict.fromkeys(TOPIC_IDS, "evidence")

    def gather(self, context: GatherContext) -> Artifacts:
        """Read each item's evidence and fetch its pages; keep what was found (never the documents)."""
        settings = context.settings_as(ChecklistSettings, self.name)
        context.write_json(ARTIFACT, gather_checklist(settings, context.target, context.progress))
        return context.artifacts

    def judge(self, artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
        """One check per item: missing, failing or stale evidence fails, naming what was expected and found."""
        settings = context.settings_as(ChecklistSettings, self.name)
        if not settings.items:
            return skipped_suite(self.name, NO_ITEMS)
        gathered = artifacts.get(ARTIFACT)
        facts = gathered if isinstance(gathered, dict) else {}
        checks = tuple(judge_item(item, facts.get(item.id), context.today) for item in settings.items)
        columns = (
            Column("title", "Item"),
            Column("topic", "Go-live topic", Kind.CODE),
            Column("kind", "Kind", Kind.CODE),
            Column("source", "Rests on"),
            Column("status", "Status"),
            Column("message", "Expected and found"),
        )
        rows = tuple(_row(item, check) for item, check in zip(settings.items, checks, strict=True))
        table = Table("Go-live items", columns, rows, note="A sign-off is a person's word, shown as such.")
        sources = [SOURCE_BY_KIND[item.kind].value for item in settings.items]
        metrics = {
            "items": len(settings.items),
            **{f"{s.replace('-', '_')}_items": sources.count(s) for s in dict.fromkeys(sources)},
        }
        details = coverage_details({item.id: item_coverage(item) for item in settings.items})
        return SuiteResult(self.name, checks=checks, metrics=metrics, details=details, blocks=(table,))
