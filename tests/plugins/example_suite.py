"""An example suite as a separately installed package would ship it; the tests copy it out of the tree.

It fetches each configured path once and judges the status codes: a real gather (HTTP to the target), a pure
judge, its own validated config section, and report blocks.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from harness.artifacts import Artifacts
from harness.blocks import Column, Kind, Table
from harness.models import Check, Status, SuiteResult
from harness.suite import GatherContext, JudgeContext, Suite


class StatusSettings(BaseModel):
    """The `[statuses]` section: which paths to fetch and how many may fail."""

    model_config = ConfigDict(extra="forbid")

    paths: list[str] = Field(default_factory=lambda: ["/"], min_length=1)
    max_failures: int = Field(default=0, ge=0)


class StatusSuite(Suite):
    """Fetches each path once; a status of 400 or more counts as a failure."""

    name: ClassVar[str] = "statuses"
    title: ClassVar[str] = "Status codes of key pages"
    settings_model = StatusSettings

    def gather(self, context: GatherContext) -> Artifacts:
        settings = context.settings_as(StatusSettings, self.name)
        answers = []
        for path in settings.paths:
            url = context.target.resolve(path)
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    answers.append({"path": path, "status": response.status})
            except urllib.error.HTTPError as error:
                answers.append({"path": path, "status": error.code})
            context.progress(f"fetched {path}")
        context.write_json("statuses.json", answers)
        return context.artifacts

    def judge(self, artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
        settings = context.settings_as(StatusSettings, self.name)
        answers = artifacts.get("statuses.json") or []
        if not answers:
            return SuiteResult(self.name, error="no page was fetched")
        failed = [answer for answer in answers if answer["status"] >= 400]
        status = Status.FAIL if len(failed) > settings.max_failures else Status.PASS
        message = f"{len(failed)} of {len(answers)} pages answered with an error (at most {settings.max_failures})"
        check = Check("failed_pages", status, message, len(failed), {"fail": settings.max_failures})
        columns = (Column("path", "Path", Kind.CODE), Column("status", "HTTP status", Kind.NUMBER))
        table = Table("Answers", columns, tuple(answers))
        return SuiteResult(self.name, checks=(check,), metrics={"pages": len(answers)}, blocks=(table,))
