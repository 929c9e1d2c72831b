"""The `[performance]` configuration section."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.durations import Duration
from harness.thresholds import Band

# Metric keys that can be gated, overall or per endpoint.
GATED_METRICS = (
    "requests",
    "failures",
    "error_ratio",
    "rps",
    "p50_ms",
    "p90_ms",
    "p95_ms",
    "p99_ms",
    "max_ms",
)
# Metrics a capacity search reports; they can be gated overall only (e.g. `capacity_users = { fail_below = 200 }`).
CAPACITY_METRICS = ("capacity_users", "capacity_rps")
# Metrics whose `fail` limit is an SLO a single step of a capacity search (or a window of a soak) can break. Counts
# and throughput are left out: they grow with the step's length and its number of users, not with its health.
STEP_SLO_METRICS = ("error_ratio", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms")

Shape = Literal["load", "stress", "spike", "soak", "capacity"]
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class SpikeSettings(BaseModel):
    """`shape = "spike"`: steady at `users`, a sudden jump to `users * factor` held for `hold`, then back to `users`.

    The spike sits in the middle of `duration`; the time before it is the baseline, the time after it shows
    whether the service recovers.
    """

    model_config = ConfigDict(extra="forbid")

    factor: float = Field(default=5.0, gt=1)
    hold: Duration = 10.0


class CapacitySettings(BaseModel):
    """`shape = "capacity"`: steps of users from `start_users`, `step_users` more each `step_duration`.

    Unset numbers follow `users`: the steps go users, 2 x users, ... up to 10 x users. The search stops at the
    first step that breaks an SLO (a `fail` limit in `thresholds`) or after the `max_users` step.
    """

    model_config = ConfigDict(extra="forbid")

    start_users: int | None = Field(default=None, ge=1)
    step_users: int | None = Field(default=None, ge=1)
    max_users: int | None = Field(default=None, ge=1)
    step_duration: Duration = 30.0


class AbortSettings(BaseModel):
    """Stop the load test early when the error ratio stays above `error_ratio` for `for` (a fail, with the reason)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    error_ratio: float = Field(gt=0, le=1)
    for_: Duration = Field(default=10.0, alias="for")

    @field_validator("for_")
    @classmethod
    def _at_least_a_second(cls, value: float) -> float:
        if value < 1:
            raise ValueError('"for" must be at least 1s: the error ratio is sampled once a second')
        return value


class Scenario(BaseModel):
    """One request of the built-in user: `weight` says how often it is picked relative to the others.

    `headers` are merged over `target.headers` for this request only; `body` (text) and `json` are exclusive.
    Its statistics are reported as `name`, by default "METHOD /path".
    """

    model_config = ConfigDict(extra="forbid")

    path: str
    method: str = "GET"
    weight: int = Field(default=1, ge=1)
    name: str | None = None
    body: str | None = None
    json_body: Any = Field(default=None, alias="json")
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("path")
    @classmethod
    def _path_is_a_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"path must start with '/', got {value!r}")
        return value

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        method = value.upper()
        if method not in HTTP_METHODS:
            raise ValueError(f"method must be one of {', '.join(HTTP_METHODS)}, got {value!r}")
        return method

    @model_validator(mode="after")
    def _one_body(self) -> Scenario:
        if self.body is not None and self.json_body is not None:
            raise ValueError("give either body (text) or json, not both")
        return self

    @property
    def label(self) -> str:
        """The request's name in Locust's statistics and in thresholds ("POST /search")."""
        return self.name or f"{self.method} {self.path}"


class PerformanceSettings(BaseModel):
    """Load test parameters and the SLO gates the results are judged against.

    `thresholds` maps a metric name to a band for the overall figures, or an endpoint name such as
    ``"GET /search"`` to a table of metric bands for that endpoint.

    `timeout` is the hard limit on the whole Locust process; it is never applied shorter than the planned run
    plus a minute for start-up and shutdown, so a profile that lengthens the run does not also have to raise it.
    """

    model_config = ConfigDict(extra="forbid")

    users: int = Field(ge=1)
    spawn_rate: float = Field(gt=0)
    duration: Duration
    workers: Literal["auto"] | int = 1
    think_time: list[float] | float = 0.0
    paths: list[str] = Field(min_length=1)
    # With security.openapi set, its GET operations that carry examples are loaded beside `paths`.
    openapi_paths: bool = True
    scenarios: list[Scenario] = Field(default_factory=list)
    locustfile: str | None = None
    user_class: Literal["fast", "http"] = "fast"
    timeout: Duration = 600.0
    shape: Shape = "load"
    stress_factor: float = Field(default=2.0, gt=1)
    spike: SpikeSettings = Field(default_factory=SpikeSettings)
    soak_duration: Duration = 3600.0
    soak_windows: int = Field(default=6, ge=1, le=100)
    capacity: CapacitySettings = Field(default_factory=CapacitySettings)
    abort: AbortSettings | None = None
    expect_workers: int | None = Field(default=None, ge=1)
    expect_workers_timeout: Duration = 300.0
    master_bind_host: str = "*"
    master_port: int = Field(default=5557, ge=1, le=65535)
    thresholds: dict[str, Band | dict[str, Band]] = Field(default_factory=dict)

    @field_validator("workers")
    @classmethod
    def _workers_positive(cls, value: Literal["auto"] | int) -> Literal["auto"] | int:
        if isinstance(value, int) and value < 1:
            raise ValueError('workers must be "auto" or a whole number of at least 1')
        return value

    @field_validator("think_time")
    @classmethod
    def _think_time_shape(cls, value: list[float] | float) -> list[float] | float:
        if isinstance(value, list):
            if len(value) != 2 or value[0] < 0 or value[1] < value[0]:
                raise ValueError("think_time must be [min, max] seconds with 0 <= min <= max, or 0")
        elif value < 0:
            raise ValueError("think_time cannot be negative")
        return value

    @field_validator("paths")
    @classmethod
    def _paths_are_paths(cls, value: list[str]) -> list[str]:
        for path in value:
            if not path.startswith("/"):
                raise ValueError(f"each path must start with '/', got {path!r}")
        return value

    @field_validator("thresholds")
    @classmethod
    def _known_metrics(cls, value: dict[str, Band | dict[str, Band]]) -> dict[str, Band | dict[str, Band]]:
        for key, band in value.items():
            if isinstance(band, Band):
                if key not in GATED_METRICS + CAPACITY_METRICS:
                    raise ValueError(
                        f"unknown metric {key!r}; use one of {', '.join(GATED_METRICS + CAPACITY_METRICS)} "
                        'or an endpoint name such as "GET /search" holding a table of them'
                    )
            else:
                for metric in band:
                    if metric not in GATED_METRICS:
                        raise ValueError(f"unknown metric {metric!r} under endpoint {key!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> PerformanceSettings:
        if self.expect_workers is not None and self.workers != 1:
            raise ValueError(
                "expect_workers runs a master that waits for external workers; leave workers at 1 (no local "
                f"worker processes) when it is set, got workers = {self.workers!r}"
            )
        if self.shape == "spike" and self.spike.hold >= self.duration:
            raise ValueError(
                f"spike.hold ({self.spike.hold:g}s) must be shorter than duration ({self.duration:g}s): "
                "the spike sits between a baseline and a recovery period"
            )
        if self.shape == "capacity":
            start, step, top = self.capacity_steps()
            if top < start:
                raise ValueError(f"capacity.max_users ({top}) must be at least capacity.start_users ({start})")
            if step / self.spawn_rate >= self.capacity.step_duration:
                raise ValueError(
                    f"capacity.step_duration ({self.capacity.step_duration:g}s) leaves no time to measure: adding "
                    f"{step} users at spawn_rate {self.spawn_rate:g}/s takes {step / self.spawn_rate:g}s"
                )
        return self

    def capacity_steps(self) -> tuple[int, int, int]:
        """The capacity search's first step, increment and last step in users, with `users` filling the gaps."""
        step = self.capacity.step_users or self.users
        start = self.capacity.start_users or step
        top = self.capacity.max_users or max(start, self.users * 10)
        return start, step, top
