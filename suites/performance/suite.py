"""The performance suite: gather = run Locust against the target; evaluate = judge its saved results."""

from __future__ import annotations

from harness.models import SuiteResult
from harness.registry import register
from harness.suite import EvaluateContext, GatherContext
from suites.performance.evaluate import evaluate_run
from suites.performance.gather import gather


@register("performance")
class PerformanceSuite:
    """Load test with Locust: users, spawn rate and duration from `[performance]`, gated on latency and errors."""

    name = "performance"
    title = "Load test (Locust)"

    def gather(self, context: GatherContext) -> None:
        """Run Locust against the target (loopback or target.allowed_hosts only) and save its raw output."""
        gather(context)

    def evaluate(self, context: EvaluateContext) -> SuiteResult:
        """Judge the saved Locust results against `[performance.thresholds]`; no network."""
        return evaluate_run(context.artifact_dir, context.config, context.today)
