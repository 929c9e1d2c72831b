"""The `[availability]` configuration section."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.durations import Duration
from harness.thresholds import Band


class StatusPage(BaseModel):
    """A public status page that must answer (2xx after redirects) and may need to contain `expect_text`."""

    model_config = ConfigDict(extra="forbid")

    url: str = ""
    expect_text: str = ""


class CertificateSettings(BaseModel):
    """How many days before its expiry an https target's certificate warns, and fails."""

    model_config = ConfigDict(extra="forbid")

    warn_days: int = Field(default=30, ge=0)
    fail_days: int = Field(default=7, ge=0)

    @model_validator(mode="after")
    def _fail_before_warn(self) -> CertificateSettings:
        if self.fail_days > self.warn_days:
            raise ValueError(f"fail_days ({self.fail_days}) must not be above warn_days ({self.warn_days})")
        return self


class AvailabilityThresholds(BaseModel):
    """Gates on the probe window: the share of good answers, latency, and (optionally) the longest outage."""

    model_config = ConfigDict(extra="forbid")

    success_ratio: Band = Band(fail_below=0.99)
    p95_ms: Band = Band(warn=500, fail=1000)
    max_ms: Band | None = None
    # The most consecutive failed probes, e.g. { fail = 2 } to fail on an outage three probes long.
    longest_failure_run: Band | None = None


class AvailabilitySettings(BaseModel):
    """Probe `urls` `requests` times each, spread evenly over `window`, one request at a time.

    A probe succeeds when the status is in `expect_status` (default any 2xx or 3xx; redirects are not followed)
    and, if `expect_text` is set, the body contains it. `urls` are paths on the target or absolute URLs; empty
    means the target URL itself.
    """

    model_config = ConfigDict(extra="forbid")

    urls: list[str] = Field(default_factory=list)
    requests: int = Field(default=10, ge=1)
    window: Duration = 10.0
    expect_status: list[int] = Field(default_factory=list)
    expect_text: str = ""
    # Per probe; a probe that takes longer counts as a failure.
    timeout: Duration = 10.0
    status_page: StatusPage = Field(default_factory=StatusPage)
    # Where the plain-HTTP side of an https target listens, to check that it redirects to https://.
    # Empty: http://<host>/ when the target is on port 443; not checked on other ports.
    http_url: str = ""
    # A PEM file of CA certificates to trust besides the system's (a staging site with a private CA).
    ca_file: str = ""
    # Ask for a missing page and send malformed requests, to look for stack traces and debug pages.
    error_pages: bool = True
    certificate: CertificateSettings = Field(default_factory=CertificateSettings)
    thresholds: AvailabilityThresholds = Field(default_factory=AvailabilityThresholds)

    @field_validator("status_page", mode="before")
    @classmethod
    def _url_alone(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value

    @field_validator("http_url")
    @classmethod
    def _plain_http_url(cls, value: str) -> str:
        if value and (urlsplit(value).scheme != "http" or not urlsplit(value).hostname):
            raise ValueError(f"expected an http:// URL such as http://staging.example.gov.uk/, got {value!r}")
        return value

    @field_validator("expect_status")
    @classmethod
    def _http_statuses(cls, value: list[int]) -> list[int]:
        wrong = [status for status in value if not 100 <= status <= 599]
        if wrong:
            raise ValueError(f"expected HTTP status codes (100-599), got {wrong}")
        return value

    @field_validator("window")
    @classmethod
    def _some_time(cls, value: float) -> float:
        if value <= 0:
            raise ValueError('must be more than 0 seconds, e.g. "60s"')
        return value
