"""The `[security]` configuration section."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from harness.durations import Duration

SeverityName = Literal["critical", "high", "medium", "low", "info"]
DEFAULT_FAIL_ON: tuple[SeverityName, ...] = ("critical", "high")
DEFAULT_WARN_ON: tuple[SeverityName, ...] = ("medium",)
DEFAULT_ZAP_IMAGE = "ghcr.io/zaproxy/zaproxy:stable"


class ZapSettings(BaseModel):
    """How to reach (or launch) OWASP ZAP, how long each scan phase may take, and whether the verdict needs it.

    The deadlines bound every wait: a ZAP that hangs makes the scan an error, never an endless run.
    """

    model_config = ConfigDict(extra="forbid")

    api_url: str = "http://127.0.0.1:8090"
    api_key: str = ""
    launch: Literal["auto", "never", "local", "docker"] = "auto"
    required: bool = True
    # How long `core.version` may take to answer before ZAP counts as unreachable.
    connect_timeout: Duration = 10.0
    # Deadline for any single API call after the connection was made (accessUrl fetches the target itself).
    request_timeout: Duration = 60.0
    # The spider's own limit (ZAP counts whole minutes) and golive's deadline for it to reach 100 %.
    spider_max_duration: Duration = 60.0
    # How long to wait for the passive scanner to drain its queue after spidering.
    passive_scan_timeout: Duration = 300.0
    # mode = "full" only: how long the active scan may run before it is stopped.
    active_scan_timeout: Duration = 1800.0
    # Time between status polls (spider, passive scan, active scan).
    poll_interval: Duration = 1.0
    # Image named in the "how to start ZAP" hint.
    docker_image: str = DEFAULT_ZAP_IMAGE


class HygieneSettings(BaseModel):
    """Quick HTTP hygiene checks that need no scanner."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    # Per request; the whole set of probes is a dozen requests.
    timeout: Duration = 10.0


class SecuritySettings(BaseModel):
    """ZAP scan mode and policy, plus the hygiene checks; findings are gated by severity.

    `rules_file` (zap-baseline format) overrides the severity gate per ZAP pluginId: IGNORE drops the alert,
    INFO reports it without gating, WARN makes it warn, FAIL makes it fail. A relative path is read from the
    working folder.
    """

    model_config = ConfigDict(extra="forbid")

    mode: Literal["baseline", "full"] = "baseline"
    rules_file: str | None = None
    fail_on: list[SeverityName] = Field(default_factory=lambda: list(DEFAULT_FAIL_ON))
    warn_on: list[SeverityName] = Field(default_factory=lambda: list(DEFAULT_WARN_ON))
    zap: ZapSettings = Field(default_factory=ZapSettings)
    hygiene: HygieneSettings = Field(default_factory=HygieneSettings)
