"""The `[accessibility]` configuration section."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.browser_steps import STEP_ACTIONS, BrowserStep
from harness.durations import Duration

Impact = Literal["critical", "serious", "moderate", "minor"]
Gate = Literal["fail", "warn", "ignore"]
CheckName = Literal["reflow", "keyboard"]
DEFAULT_FAIL_ON: tuple[Impact, ...] = ("critical", "serious")
DEFAULT_WARN_ON: tuple[Impact, ...] = ("moderate",)
DEFAULT_CHECKS: tuple[CheckName, ...] = ("reflow", "keyboard")
# Two tabs at once measured fastest on a 2-core machine (bench/accessibility/README.md): one tab waits on the
# network or the driver while the other runs axe; more tabs only contend for the same cores.
DEFAULT_CONCURRENCY = 2

# axe tags implied by each standard: a WCAG 2.2 AA audit also runs the 2.0 and 2.1 A/AA rules.
STANDARD_TAGS: dict[str, list[str]] = {
    "wcag2a": ["wcag2a"],
    "wcag2aa": ["wcag2a", "wcag2aa"],
    "wcag21a": ["wcag2a", "wcag21a"],
    "wcag21aa": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    "wcag22aa": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
}

__all__ = ["STEP_ACTIONS", "AccessibilitySettings", "Journey", "JourneyStep"]

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class CrawlSettings(BaseModel):
    """Same-origin crawl from the configured pages; `max_pages = 0` turns it off."""

    model_config = ConfigDict(extra="forbid")

    max_pages: int = Field(default=0, ge=0)
    max_depth: int = Field(default=2, ge=0)
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


class RuleSettings(BaseModel):
    """axe rules switched on or off beyond those the standard selects."""

    model_config = ConfigDict(extra="forbid")

    enable: list[str] = Field(default_factory=list)
    disable: list[str] = Field(default_factory=list)


class JourneyStep(BrowserStep):
    """One step of a journey, in the grammar of harness.browser_steps; the page after it is audited unless
    ``audit = false``."""

    audit: bool = True


class Journey(BaseModel):
    """A named path through the service, audited after each step (forms and their error states included)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    steps: list[JourneyStep] = Field(min_length=1)
    # How long one step may wait for its element or for the page it leads to.
    step_timeout: Duration = 10.0

    @field_validator("steps")
    @classmethod
    def _starts_somewhere(cls, steps: list[JourneyStep]) -> list[JourneyStep]:
        if steps and steps[0].action != "goto":
            raise ValueError('the first step must be a goto, e.g. { goto = "/apply" }')
        return steps


class AccessibilitySettings(BaseModel):
    """Which pages and journeys to audit, against which standard and checks, and which impacts fail or warn."""

    model_config = ConfigDict(extra="forbid")

    # Empty is allowed when journeys or the sitemap give the audit something to visit (see _something_to_audit).
    pages: list[str]
    sitemap: bool = False
    # Configured pages are always audited; sitemap and crawl pages are added until the run reaches this many.
    max_pages: int = Field(default=100, ge=1)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    journeys: list[Journey] = Field(default_factory=list)
    standard: Literal["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] = "wcag22aa"
    fail_on: list[Impact] = Field(default_factory=lambda: list(DEFAULT_FAIL_ON))
    warn_on: list[Impact] = Field(default_factory=lambda: list(DEFAULT_WARN_ON))
    rules: RuleSettings = Field(default_factory=RuleSettings)
    # Per-rule overrides, keyed by axe rule id or golive check id: the impact a finding is judged at, and
    # a gate that replaces fail_on/warn_on for that rule ("ignore" reports it without gating).
    rule_impact: dict[str, Impact] = Field(default_factory=dict)
    rule_gate: dict[str, Gate] = Field(default_factory=dict)
    checks: list[CheckName] = Field(default_factory=lambda: list(DEFAULT_CHECKS))
    # The keyboard check stops after this many Tab presses on a page, so a page with thousands of links stays bounded.
    max_tab_presses: int = Field(default=150, ge=1, le=5000)
    page_timeout: Duration = 30.0
    concurrency: int = Field(default=DEFAULT_CONCURRENCY, ge=1, le=16)
    shard: str | None = None
    storage_state: str | None = None
    axe_script: str | None = None
    # "load" suits server-rendered pages; "networkidle" waits for single-page apps that render after load.
    wait_until: Literal["load", "domcontentloaded", "networkidle"] = "load"
    screenshots: bool = True
    # Reuse the audit of a page whose responses, settings, browser, axe-core and session are unchanged since a
    # valid audit kept in `<out>/.cache/accessibility/`.
    reuse: bool = True

    @field_validator("shard")
    @classmethod
    def _shard_format(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        match = _SHARD.match(value)
        if match is None:
            raise ValueError(f'expected "INDEX/COUNT" such as "2/4", got {value!r}')
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or not 1 <= index <= count:
            raise ValueError(f"shard {value!r}: INDEX must be between 1 and COUNT (e.g. 1/4 ... 4/4)")
        return f"{index}/{count}"

    @field_validator("checks")
    @classmethod
    def _unique_checks(cls, value: list[CheckName]) -> list[CheckName]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _something_to_audit(self) -> AccessibilitySettings:
        # The crawl starts from the pages, so without pages, journeys or the sitemap nothing would be audited.
        if not self.pages and not self.journeys and not self.sitemap:
            raise ValueError(
                'nothing to audit: set accessibility.pages (e.g. ["/"]), add [[accessibility.journeys]], '
                "or set accessibility.sitemap = true"
            )
        return self

    @model_validator(mode="after")
    def _shard_without_crawl(self) -> AccessibilitySettings:
        # A shard only sees the links of its own pages, so a sharded crawl would silently skip parts of the site.
        if self.shard is not None and self.crawl.max_pages > 0:
            raise ValueError(
                "shard cannot be combined with crawl.max_pages > 0: list the pages or use sitemap = true so every "
                "shard splits the same list"
            )
        return self

    @property
    def tags(self) -> list[str]:
        """The axe tags to run for the configured standard."""
        return STANDARD_TAGS[self.standard]

    @property
    def shard_position(self) -> tuple[int, int] | None:
        """(index, count) from `shard`, 1-based, or None when the pages are not split."""
        if self.shard is None:
            return None
        index, _, count = self.shard.partition("/")
        return int(index), int(count)
