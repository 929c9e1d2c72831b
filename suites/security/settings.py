"""The `[security]` configuration section."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from harness.durations import Duration

SeverityName = Literal["critical", "high", "medium", "low", "info"]
DEFAULT_FAIL_ON: tuple[SeverityName, ...] = ("critical", "high")
DEFAULT_WARN_ON: tuple[SeverityName, ...] = ("medium",)


class ZapSettings(BaseModel):
    """How to reach (or launch) OWASP ZAP, and whether the verdict needs its scan."""

    model_config = ConfigDict(extra="forbid")

    api_url: str = "http://127.0.0.1:8090"
    api_key: str = ""
    launch: Literal["auto", "never", "local", "docker"] = "auto"
    required: bool = True
    connect_timeout: Duration = 10.0


class HygieneSettings(BaseModel):
    """Quick HTTP hygiene checks that need no scanner."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    timeout: Duration = 10.0


class SecuritySettings(BaseModel):
    """ZAP scan mode and policy, plus the hygiene checks; findings are gated by severity."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["baseline", "full"] = "baseline"
    rules_file: str | None = None
    fail_on: list[SeverityName] = Field(default_factory=lambda: list(DEFAULT_FAIL_ON))
    warn_on: list[SeverityName] = Field(default_factory=lambda: list(DEFAULT_WARN_ON))
    zap: ZapSettings = Field(default_factory=ZapSettings)
    hygiene: HygieneSettings = Field(default_factory=HygieneSettings)
