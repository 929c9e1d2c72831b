"""The load test's paths with the API's own: the GET operations of the run's OpenAPI definition that have examples.

An API service is mostly its API: a load test of "/" alone measures the wrong thing. When `security.openapi`
names a definition and `performance.openapi_paths` is on, every GET operation that can be sent as it is (each
path parameter filled from an example) joins `performance.paths`. Operations that cannot be filled in are
listed, never guessed; sign-out links stay out like any other path. Scenarios are journeys a team wrote, so they
are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.openapi import OpenApiError, configured_definition, get_example_paths, read_definition
from harness.settings import GoliveConfig
from harness.suite import GatherError, Target
from suites.performance.settings import PerformanceSettings


@dataclass(frozen=True)
class ApiPaths:
    """The paths to load, and what the definition added or could not add (for run.json and the report)."""

    settings: PerformanceSettings
    record: dict[str, Any] = field(default_factory=dict)


def with_api_paths(settings: PerformanceSettings, config: GoliveConfig, target: Target) -> ApiPaths:
    """`settings` with the definition's GET example paths added to `paths`; GatherError if it cannot be read."""
    source = configured_definition(config)
    if not source or not settings.openapi_paths or settings.scenarios:
        return ApiPaths(settings)
    try:
        examples = get_example_paths(read_definition(source))
    except OpenApiError as error:
        raise GatherError(f"{error}; or set performance.openapi_paths = false to load only performance.paths") from None
    added = [path for path in examples.paths if path not in settings.paths and not target.is_logout(path)]
    record = {"definition": source, "added": added, "skipped": examples.skipped}
    return ApiPaths(settings.model_copy(update={"paths": [*settings.paths, *added]}), record)
