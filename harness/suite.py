"""The suite contract: what every suite, built in or installed separately, provides to the harness.

A suite declares its name, title and a pydantic model for its own config section; `gather` does the I/O and
returns named JSON documents (Artifacts); `judge` turns them into checks and findings without touching the
network. Keeping the two apart is what lets `golive evaluate RUN_DIR` re-judge saved artifacts with a
changed config. Suites are found through the `golive.suites` entry-point group (see harness.registry).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel

from harness.artifacts import Artifacts
from harness.errors import GatherError
from harness.files import write_atomic
from harness.models import SuiteResult
from harness.redaction import Redactor
from harness.settings import GoliveConfig, Waiver
from harness.target import Target, is_loopback_host

__all__ = [
    "Artifacts",
    "GatherContext",
    "GatherError",
    "JudgeContext",
    "Suite",
    "Target",
    "is_loopback_host",
    "write_atomic",
]


ModelT = TypeVar("ModelT", bound=BaseModel)


class NoSettings(BaseModel):
    """The config section of a suite that has no settings of its own."""


@dataclass
class GatherContext:
    """What a suite's gather step gets: what to test, its settings, where evidence goes, how to report progress.

    `write_json` keeps a document in `artifacts` (the engine writes them all once, for `golive evaluate`);
    `write_text` writes raw evidence (a tool's log or report) to the artifact folder at once. `cache_dir` is a
    folder of the suite's own that outlives the run (under the output folder), or None when there is none.
    """

    target: Target
    config: GoliveConfig
    artifact_dir: Path
    redactor: Redactor
    progress: Callable[[str], None] = lambda message: None
    settings: Any = None
    artifacts: Artifacts = field(default_factory=Artifacts)
    cache_dir: Path | None = None

    def settings_as(self, model: type[ModelT], name: str) -> ModelT:
        """The suite's settings as `model`: those the engine passed, else section `name` of the config."""
        return self.settings if isinstance(self.settings, model) else self.config.section(name, model)

    def write_json(self, name: str, data: Any) -> Path:
        """Keep a JSON document (secrets masked) among the artifacts; returns where it will be written."""
        self.artifacts.put(name, Artifacts.redacted(data, self.redactor))
        return self.artifact_dir / name

    def write_text(self, name: str, text: str) -> Path:
        """Save a raw text artifact (secrets masked, written atomically) and return its path."""
        path = self.artifact_dir / name
        write_atomic(path, self.redactor.text(text))
        return path


@dataclass(frozen=True)
class JudgeContext:
    """What a suite's judge step gets: its settings, the whole config, the target, and today's date.

    `artifact_dir` is where the evidence files are, for linking to them from the report; judging never reads it.
    """

    config: GoliveConfig
    settings: Any
    today: dt.date
    artifact_dir: Path

    def settings_as(self, model: type[ModelT], name: str) -> ModelT:
        """The suite's settings as `model`: those the engine passed, else section `name` of the config."""
        return self.settings if isinstance(self.settings, model) else self.config.section(name, model)

    @property
    def target(self) -> Target:
        """The target as configured."""
        return Target.from_config(self.config)

    @property
    def waivers(self) -> list[Waiver]:
        """The configured waivers (every suite applies them to its findings)."""
        return list(self.config.waivers)


class Suite:
    """Base class of every suite. Subclasses set the class attributes and implement `gather` and `judge`.

    - `gather` raises GatherError when it cannot measure; whatever it put in `context.artifacts` first is kept
      and judged. Any other exception is turned into an `error` result by the engine.
    - `judge` is a pure function of the artifacts and the config: no network, no files; missing data is an
      error, never a pass. It should not raise; if it does, the engine reports an error for this suite.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    settings_model: ClassVar[type[BaseModel]] = NoSettings
    # Defaults of the suite's config section, under the settings model's own defaults.
    defaults: ClassVar[Mapping[str, Any]] = {}
    # Key paths inside the section whose values are secrets even when written literally (("zap", "api_key"),).
    secret_keys: ClassVar[tuple[tuple[str, ...], ...]] = ()
    # What the suite does, as a reader would say "during ..." ("the security scan"); empty: "the <name> suite".
    activity: ClassVar[str] = ""
    # Whether a run without `--suite` (and without a `suites` key) includes this suite.
    runs_by_default: ClassVar[bool] = False
    # Whether this suite's findings belong in the SARIF file (security.sarif) for code scanning.
    sarif: ClassVar[bool] = False
    # Metric keys (dotted for nested ones) worth a column in `golive history`, with their short labels.
    headline_metrics: ClassVar[Mapping[str, str]] = {}
    # Metric keys about golive's own work on a run (pages taken from its cache), not about the service: never
    # listed as a change between two runs.
    work_metrics: ClassVar[frozenset[str]] = frozenset()
    # Go-live topics this suite's checks cover (topic id from harness.golive_list.TOPICS → "measured",
    # "evidence" or "sign-off"); a result can narrow it per check (see harness.golive_list.CheckCoverage).
    golive_topics: ClassVar[Mapping[str, str]] = {}

    def active_traffic(self, settings: Any) -> str | None:
        """What this suite would send that only an allowed host may receive ("load tests"), or None."""
        return None

    def config_problems(self, settings: Any) -> list[str]:
        """What in the settings would stop a run (a file that does not exist), each as one line; checked before
        anything runs, by `golive run` and `golive config check` alike."""
        return []

    def gather(self, context: GatherContext) -> Artifacts:
        """Measure the target; return the documents `judge` needs (usually `context.artifacts`)."""
        raise NotImplementedError

    def judge(self, artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
        """Turn the artifacts into checks, findings, metrics and report blocks."""
        raise NotImplementedError

    def load_artifacts(self, folder: Path) -> Artifacts:
        """The artifacts of a saved run, for `golive evaluate`; override to also read a tool's raw files."""
        return Artifacts.load(folder)
