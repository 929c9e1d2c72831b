"""The whole configuration, validated: the `[target]`, `[browser]`, suite sections, waivers and profiles."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from harness.history_settings import HistorySettings
from suites.accessibility.settings import AccessibilitySettings
from suites.performance.settings import PerformanceSettings
from suites.security.settings import SecuritySettings

SuiteName = Literal["performance", "accessibility", "security"]
ALL_SUITES: tuple[SuiteName, ...] = ("performance", "accessibility", "security")


class TargetSettings(BaseModel):
    """The service under test and who may be loaded or actively scanned.

    `headers` and `cookies` are sent with every request of every suite; their values are secrets.
    """

    model_config = ConfigDict(extra="forbid")

    url: str = ""
    allowed_hosts: list[str] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)
    cookies: dict[str, str] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"expected an http:// or https:// URL with a host, got {value!r}")
        return value.rstrip("/") if parts.path in ("", "/") else value


class BrowserSettings(BaseModel):
    """The Chromium used by browser-based suites; empty `executable` means find one."""

    model_config = ConfigDict(extra="forbid")

    executable: str = ""


class Waiver(BaseModel):
    """A known, accepted problem: matched by rule and URL pattern (and selector), with a reason and an expiry.

    `url` is a shell-style pattern (``*`` matches anything); `suite` limits the waiver to one suite.
    """

    model_config = ConfigDict(extra="forbid")

    rule: str
    url: str = "*"
    selector: str | None = None
    suite: str | None = None
    reason: str = Field(min_length=1)
    expires: dt.date


class GoliveConfig(BaseModel):
    """Everything a run needs to know, after defaults, file, profile and `--set` were layered."""

    model_config = ConfigDict(extra="forbid")

    target: TargetSettings = Field(default_factory=TargetSettings)
    browser: BrowserSettings = Field(default_factory=BrowserSettings)
    performance: PerformanceSettings
    accessibility: AccessibilitySettings
    security: SecuritySettings
    waivers: list[Waiver] = Field(default_factory=list)
    history: HistorySettings = Field(default_factory=HistorySettings)
    suites: list[SuiteName] = Field(default_factory=lambda: list(ALL_SUITES))
    # Profiles are applied while loading; kept here only so a config with profiles validates.
    profiles: dict[str, dict[str, Any]] = Field(default_factory=dict)
