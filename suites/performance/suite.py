"""The performance suite: gather = run Locust against the target; judge = its results against the thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from harness.artifacts import Artifacts
from harness.models import SuiteResult
from harness.suite import GatherContext, GatherError, JudgeContext, Suite
from harness.suite_defaults import packaged_defaults
from suites.performance.evaluate import judge_artifacts
from suites.performance.gather import gather, resolve_locustfile
from suites.performance.load import load_saved
from suites.performance.settings import PerformanceSettings


class PerformanceSuite(Suite):
    """Load test with Locust: users, spawn rate and duration from `[performance]`, gated on latency and errors."""

    name = "performance"
    title = "Load test (Locust)"
    activity = "the load test"
    settings_model = PerformanceSettings
    defaults = packaged_defaults("suites.performance")
    runs_by_default = True
    headline_metrics: ClassVar[Mapping[str, str]] = {"p95_ms": "p95 ms", "rps": "rps", "error_ratio": "errors"}
    golive_topics: ClassVar[Mapping[str, str]] = {"performance-testing": "measured"}

    def active_traffic(self, settings: Any) -> str | None:
        """A load test always sends load."""
        return "load tests"

    def config_problems(self, settings: Any) -> list[str]:
        """A configured locustfile must exist."""
        try:
            resolve_locustfile(settings)
        except GatherError as error:
            return [str(error)]
        return []

    def gather(self, context: GatherContext) -> Artifacts:
        """Run Locust against the target (loopback or target.allowed_hosts only); keep its results."""
        gather(context)
        return context.artifacts

    def judge(self, artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
        """Judge Locust's results against `[performance.thresholds]`; no network."""
        settings = context.settings_as(PerformanceSettings, self.name)
        return judge_artifacts(artifacts, settings, context.target, context.waivers, context.today)

    def load_artifacts(self, folder: Path) -> Artifacts:
        """A saved run's documents, Locust's CSV and JSON files included."""
        return load_saved(folder)
