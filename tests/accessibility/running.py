"""Run the real accessibility suite in-process (gather with real Chromium, then evaluate) for the tests."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.models import Check, SuiteResult
from harness.redaction import Redactor
from harness.settings import GoliveConfig
from harness.suite import GatherContext, GatherError, JudgeContext, Target
from suites.accessibility.browser import choose_executable
from suites.accessibility.evaluate import evaluate
from suites.accessibility.gather import gather

MakeConfig = Callable[..., GoliveConfig]


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when a Chromium exists."""
    try:
        choose_executable(os.environ.get("GOLIVE_TEST_CHROMIUM", ""), None)
    except GatherError as error:
        return str(error)
    return None


@dataclass
class Audit:
    """What one in-process gather + evaluate produced."""

    result: SuiteResult
    index: dict[str, Any]
    folder: Path
    progress: list[str] = field(default_factory=list)

    def page(self, requested: str) -> dict[str, Any]:
        """The index record of the page requested as `requested`."""
        return next(page for page in self.index["pages"] if page["requested"] == requested)

    def check(self, check_id: str) -> Check:
        """The suite's check with this id."""
        return next(check for check in self.result.checks if check.id == check_id)

    def reused(self) -> set[str]:
        """The pages (as requested) whose earlier audit was reused."""
        return {page["requested"] for page in self.index["pages"] if page["reused"]}

    def rules_by_path(self, base: str) -> dict[str, set[str]]:
        """The rules found on each page, keyed by its path on `base`."""
        found: dict[str, set[str]] = {}
        for finding in self.result.findings:
            found.setdefault(finding.url.removeprefix(base), set()).add(finding.rule)
        return found


def audit(
    make_config: MakeConfig,
    url: str,
    folder: Path,
    *overrides: str,
    secrets: tuple[str, ...] = (),
    screenshots: bool = False,
    cache_dir: Path | None = None,
) -> Audit:
    """Gather with the real suite code and evaluate what it saved (reusing audits kept in `cache_dir`, if given)."""
    config = make_config(f"accessibility.screenshots={str(screenshots).lower()}", *overrides, target=url)
    progress: list[str] = []
    context = GatherContext(
        Target.from_config(config), config, folder, Redactor(secrets), progress.append, cache_dir=cache_dir
    )
    try:
        gather(context)
    finally:
        context.artifacts.write(folder, context.redactor)
    judging = JudgeContext(config, config.accessibility, dt.date(2026, 11, 26), folder)
    result = evaluate(context.artifacts, judging)
    return Audit(result, json.loads((folder / "pages.json").read_text()), folder, progress)


def audit_of_pages(make_config: MakeConfig, url: str, tmp_path: Path, pages: list[str], number: int) -> Audit:
    """Run `number` of a test: `pages` only, no extra checks, sharing the reuse cache of the test's other runs."""
    folder = tmp_path / f"run{number}"
    folder.mkdir()
    settings = (f"accessibility.pages={json.dumps(pages)}", "accessibility.checks=[]")
    return audit(make_config, url, folder, *settings, cache_dir=tmp_path / "cache")
