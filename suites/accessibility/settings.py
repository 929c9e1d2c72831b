"""The `[accessibility]` configuration section."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from harness.durations import Duration

Impact = Literal["critical", "serious", "moderate", "minor"]
DEFAULT_FAIL_ON: tuple[Impact, ...] = ("critical", "serious")
DEFAULT_WARN_ON: tuple[Impact, ...] = ("moderate",)

# axe tags implied by each standard: a WCAG 2.2 AA audit also runs the 2.0 and 2.1 A/AA rules.
STANDARD_TAGS: dict[str, list[str]] = {
    "wcag2a": ["wcag2a"],
    "wcag2aa": ["wcag2a", "wcag2aa"],
    "wcag21a": ["wcag2a", "wcag21a"],
    "wcag21aa": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    "wcag22aa": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
}


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


class AccessibilitySettings(BaseModel):
    """Which pages to audit, against which standard, and which impacts fail or warn."""

    model_config = ConfigDict(extra="forbid")

    pages: list[str] = Field(min_length=1)
    sitemap: bool = False
    # Configured pages are always audited; sitemap and crawl pages are added until the run reaches this many.
    max_pages: int = Field(default=100, ge=1)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    standard: Literal["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] = "wcag22aa"
    fail_on: list[Impact] = Field(default_factory=lambda: list(DEFAULT_FAIL_ON))
    warn_on: list[Impact] = Field(default_factory=lambda: list(DEFAULT_WARN_ON))
    rules: RuleSettings = Field(default_factory=RuleSettings)
    page_timeout: Duration = 30.0
    axe_script: str | None = None
    # "load" suits server-rendered pages; "networkidle" waits for single-page apps that render after load.
    wait_until: Literal["load", "domcontentloaded", "networkidle"] = "load"
    screenshots: bool = True

    @property
    def tags(self) -> list[str]:
        """The axe tags to run for the configured standard."""
        return STANDARD_TAGS[self.standard]
