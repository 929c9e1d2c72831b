"""The availability suite: does the service answer, reliably and fast, over HTTPS done right, without leaking?

gather probes the URLs over a window (`probes.json`), reads the HTTPS facts (`https.json`), asks for error
pages (`error_pages.json`, a verdict and a snippet per page, never the page) and fetches the status page
(`status_page.json`); judge turns them into checks against the thresholds without the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from harness.artifacts import Artifacts
from harness.models import SuiteResult
from harness.suite import GatherContext, JudgeContext, Suite
from harness.suite_defaults import packaged_defaults
from suites.availability.evaluate import evaluate_availability
from suites.availability.gather import error_page_facts, probe_targets, status_page_facts
from suites.availability.probe import ProbeRecord, run_window
from suites.availability.settings import AvailabilitySettings
from suites.availability.tls import https_facts

DOCUMENTS = ("probes", "https", "error_pages", "status_page")


class AvailabilitySuite(Suite):
    """Probes the service over a window, checks its HTTPS set-up, its error pages and its status page."""

    name = "availability"
    title = "Availability (uptime probes, HTTPS, error pages, status page)"
    settings_model = AvailabilitySettings
    defaults = packaged_defaults("suites.availability")
    # A short window by default (see defaults.toml), so a default run is not held up.
    runs_by_default = True
    headline_metrics: ClassVar[Mapping[str, str]] = {"success_ratio": "up", "p95_ms": "up p95"}
    golive_topics: ClassVar[Mapping[str, str]] = {"uptime-monitoring": "measured", "information-security": "measured"}

    def config_problems(self, settings: Any) -> list[str]:
        """A CA file that does not exist would make every chain check an error: say so before anything runs."""
        ca_file = getattr(settings, "ca_file", "")
        if ca_file and not Path(ca_file).is_file():
            return [f"availability.ca_file: no such file {ca_file!r}"]
        return []

    def gather(self, context: GatherContext) -> Artifacts:
        """Probe the window, then the HTTPS facts, the error pages and the status page; keep each as it ends."""
        settings = context.settings_as(AvailabilitySettings, self.name)
        target = context.target
        urls = probe_targets(settings, target)
        context.progress(f"probing {len(urls)} URL(s) {settings.requests} times over {settings.window:g} s")

        def keep(records: list[ProbeRecord]) -> None:
            document = {"window_s": settings.window, "rounds": settings.requests, "records": records}
            context.write_json("probes.json", document)

        run_window(urls, settings.requests, settings.window, settings.timeout, settings.expect_text, keep)
        context.progress("HTTPS checks")
        ca_files = {"availability.ca_file": settings.ca_file, "target.ca_file": target.ca_file}
        facts = https_facts(target.url, target.request_headers(), settings.timeout, settings.http_url, ca_files)
        context.write_json("https.json", facts)
        if settings.error_pages:
            context.progress("error pages")
        context.write_json(
            "error_pages.json", error_page_facts(target, settings.timeout) if settings.error_pages else []
        )
        context.write_json("status_page.json", status_page_facts(settings.status_page, target, settings.timeout))
        return context.artifacts

    def judge(self, artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
        """Judge the documents against `[availability]`; a document that is missing makes its checks errors."""
        settings = context.settings_as(AvailabilitySettings, self.name)
        documents: dict[str, Any] = {name: artifacts.get(f"{name}.json") for name in DOCUMENTS}
        return evaluate_availability(documents, settings, context.waivers, context.today)
