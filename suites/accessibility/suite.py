"""The registered accessibility suite: axe-core audits in Chromium (gather), judged by impact (evaluate)."""

from __future__ import annotations

from harness.models import SuiteResult
from harness.registry import register
from harness.suite import EvaluateContext, GatherContext
from suites.accessibility.evaluate import evaluate
from suites.accessibility.gather import gather


@register("accessibility")
class AccessibilitySuite:
    """Audits the configured pages with axe-core in Chromium and judges violations by their impact."""

    name = "accessibility"
    title = "Accessibility audit (axe-core in Chromium)"

    def gather(self, context: GatherContext) -> None:
        """Audit every page in a real browser and save axe's raw results and the page index."""
        gather(context)

    def evaluate(self, context: EvaluateContext) -> SuiteResult:
        """Judge the saved results: findings per violation node, checks per impact level, page coverage."""
        return evaluate(context)
