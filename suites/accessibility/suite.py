"""The accessibility suite: axe-core audits in Chromium (gather), judged by impact (judge)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from harness.artifacts import Artifacts
from harness.models import SuiteResult
from harness.suite import GatherContext, GatherError, JudgeContext, Suite
from harness.suite_defaults import packaged_defaults
from suites.accessibility.evaluate import evaluate
from suites.accessibility.gather import gather, storage_state_path
from suites.accessibility.report import accessibility_blocks
from suites.accessibility.settings import AccessibilitySettings


class AccessibilitySuite(Suite):
    """Audits the configured pages with axe-core in Chromium and judges violations by their impact."""

    name = "accessibility"
    title = "Accessibility audit (axe-core in Chromium)"
    activity = "the accessibility audit"
    settings_model = AccessibilitySettings
    defaults = packaged_defaults("suites.accessibility")
    runs_by_default = True
    headline_metrics: ClassVar[Mapping[str, str]] = {
        "pages_audited": "pages",
        "by_impact.critical": "a11y crit",
        "by_impact.serious": "a11y serious",
    }
    work_metrics: ClassVar[frozenset[str]] = frozenset({"pages_reused"})
    golive_topics: ClassVar[Mapping[str, str]] = {"accessibility-audit": "measured"}

    def config_problems(self, settings: Any) -> list[str]:
        """A configured storage-state file must exist and hold a browser session."""
        try:
            storage_state_path(settings.storage_state)
        except GatherError as error:
            return [str(error)]
        return []

    def gather(self, context: GatherContext) -> Artifacts:
        """Audit every page in a real browser; keep axe's results and the page index."""
        gather(context)
        return context.artifacts

    def judge(self, artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
        """Findings per violation node, checks per impact level, page coverage."""
        result = evaluate(artifacts, context)
        return replace(result, blocks=accessibility_blocks(result))
