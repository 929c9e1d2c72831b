"""The `[security]` configuration section."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from harness.durations import Duration

SeverityName = Literal["critical", "high", "medium", "low", "info"]
DEFAULT_FAIL_ON: tuple[SeverityName, ...] = ("critical", "high")
DEFAULT_WARN_ON: tuple[SeverityName, ...] = ("medium",)
DEFAULT_ZAP_IMAGE = "ghcr.io/zaproxy/zaproxy:stable"
ZapRisk = Literal["High", "Medium", "Low", "Informational"]
RiskAction = Literal["IGNORE", "INFO", "WARN", "FAIL"]


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
    # Image for `launch = "docker"` (and the one named in the "how to start ZAP" hint).
    docker_image: str = DEFAULT_ZAP_IMAGE
    # Also crawl with ZAP's AJAX spider (a browser inside ZAP) for single-page apps, within its own deadline.
    ajax_spider: bool = False
    ajax_spider_max_duration: Duration = 120.0
    # How long a ZAP that golive launched may take to answer core/view/version (a cold start takes 20-60 s).
    launch_timeout: Duration = 180.0
    # Extra command-line options for a ZAP that golive launches, e.g. ["-config", "connection.timeoutInSecs=30"].
    launch_args: list[str] = Field(default_factory=list)
    # How a scan cut short by a phase deadline counts when the scan is required: "warn" or "error".
    partial: Literal["warn", "error"] = "warn"
    # Start a new ZAP session before the spider (core.newSession), so only this run's alerts count; false shares
    # the session with whatever else used this ZAP, and the report says earlier alerts may be included.
    new_session: bool = True
    # What to do with alerts of a ZAP risk that no rules-file line covers (IGNORE, INFO, WARN or FAIL);
    # a risk left out is judged by security.fail_on / warn_on like every other finding.
    risk_actions: dict[ZapRisk, RiskAction] = Field(default_factory=dict)

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"expected ZAP's API address such as http://127.0.0.1:8090, got {value!r}")
        return value.rstrip("/")

    @field_validator("poll_interval")
    @classmethod
    def _positive_poll(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0 seconds")
        return value


# Options golive sets itself: the target, the report, the session store and the module list.
_RESERVED_WAPITI_OPTIONS = (
    "-u", "--url", "-o", "--output", "-f", "--format", "-m", "--module", "--store-session", "--store-config",
    "--flush-session", "--scope", "-c", "--cookie", "--update", "--list-modules",
)  # fmt: skip


class WapitiSettings(BaseModel):
    """How to run Wapiti: which executable, the crawl's scope and limits, and the modules (default: by mode)."""

    model_config = ConfigDict(extra="forbid")

    # The `wapiti` command (Debian's package) or the path to one, e.g. a virtual environment's bin/wapiti.
    executable: str = "wapiti"
    # Wapiti's --scope: page, folder (the target URL's folder and below), domain or url.
    scope: Literal["page", "folder", "domain", "url"] = "folder"
    # Wapiti's --max-scan-time: how long the crawl may run before Wapiti stops it.
    max_scan_time: Duration = 120.0
    # Wapiti's --max-attack-time: how long each attack module may run before Wapiti moves on.
    max_attack_time: Duration = 120.0
    # Wapiti's -t: deadline for each request it sends.
    request_timeout: Duration = 10.0
    # Empty: chosen by security.mode; otherwise Wapiti module names (passive ones only in baseline mode).
    modules: list[str] = Field(default_factory=list)
    # An out-of-band endpoint of your own (Wapiti's --endpoint) for the SSRF module; without one SSRF is not run,
    # because Wapiti's default endpoint is a public server.
    endpoint: str = ""
    # URLs or paths (wildcards allowed) never requested, such as logout links.
    exclude: list[str] = Field(default_factory=list)
    # Extra command-line options, e.g. ["--max-links-per-page", "50"].
    extra_args: list[str] = Field(default_factory=list)
    # How a scan cut short by a deadline counts when the scan is required: "warn" or "error".
    partial: Literal["warn", "error"] = "warn"

    @field_validator("max_scan_time", "max_attack_time")
    @classmethod
    def _at_least_a_second(cls, value: float) -> float:
        # Wapiti ignores a limit under one second, which would leave the scan unbounded but for golive's deadline.
        if value < 1:
            raise ValueError("must be at least 1 second (Wapiti ignores shorter limits)")
        return value

    @field_validator("modules")
    @classmethod
    def _module_names(cls, value: list[str]) -> list[str]:
        for name in value:
            if not name or not name.replace("_", "").isalnum() or not name.islower():
                raise ValueError(f"{name!r} is not a Wapiti module name (see `wapiti --list-modules`)")
        return value

    @field_validator("extra_args")
    @classmethod
    def _no_reserved_options(cls, value: list[str]) -> list[str]:
        for argument in value:
            if argument.split("=", 1)[0] in _RESERVED_WAPITI_OPTIONS:
                raise ValueError(f"{argument!r} is set by golive itself; use the security.wapiti keys instead")
        return value

    @field_validator("endpoint")
    @classmethod
    def _endpoint_url(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError(f"expected an http(s) URL of your own out-of-band endpoint, got {value!r}")
        return value


class HygieneSettings(BaseModel):
    """Quick HTTP hygiene checks that need no scanner."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    # Per request; the whole set of probes is a dozen requests.
    timeout: Duration = 10.0
    # An https target's certificate that expires within this many days warns; an expired one fails.
    certificate_warn_days: int = Field(default=30, ge=0)
    # Where the plain-HTTP side of an https target listens, to check that it redirects to https://.
    # Empty: http://<host>/ when the target is on port 443; not checked on other ports.
    http_url: str = ""

    @field_validator("http_url")
    @classmethod
    def _plain_http_url(cls, value: str) -> str:
        if value and (urlsplit(value).scheme != "http" or not urlsplit(value).hostname):
            raise ValueError(f"expected an http:// URL such as http://staging.example.gov.uk/, got {value!r}")
        return value


class SecuritySettings(BaseModel):
    """The scan engine and mode, plus the hygiene checks; findings are gated by severity.

    `rules_file` (zap-baseline format) overrides the severity gate per rule (a ZAP pluginId or `wapiti:<id>`):
    IGNORE drops the finding, INFO reports it without gating, WARN makes it warn, FAIL makes it fail. A relative
    path is read from the working folder.
    """

    model_config = ConfigDict(extra="forbid")

    # auto: ZAP if it answers or can be launched, else Wapiti if installed.
    engine: Literal["auto", "zap", "wapiti"] = "auto"
    mode: Literal["baseline", "full"] = "baseline"
    # false: the verdict may be reached without a scan (security.zap.required = false says the same).
    required: bool = True
    # An OpenAPI definition (file or URL) whose operations the scan covers.
    openapi: str = ""
    rules_file: str | None = None
    fail_on: list[SeverityName] = Field(default_factory=lambda: list(DEFAULT_FAIL_ON))
    warn_on: list[SeverityName] = Field(default_factory=lambda: list(DEFAULT_WARN_ON))
    zap: ZapSettings = Field(default_factory=ZapSettings)
    wapiti: WapitiSettings = Field(default_factory=WapitiSettings)
    hygiene: HygieneSettings = Field(default_factory=HygieneSettings)

    @property
    def scan_required(self) -> bool:
        """Whether the verdict needs a scan: false in `required` or the older `zap.required` makes it optional."""
        return self.required and self.zap.required
