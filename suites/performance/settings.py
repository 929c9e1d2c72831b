"""The `[performance]` configuration section."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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


class PerformanceSettings(BaseModel):
    """Load test parameters and the SLO gates the results are judged against.

    `thresholds` maps a metric name to a band for the overall figures, or an endpoint name such as
    ``"GET /search"`` to a table of metric bands for that endpoint.

    `timeout` is the hard limit on the whole Locust process; it is never applied shorter than `duration` plus a
    minute for start-up and shutdown, so a profile that lengthens the run does not also have to raise it.
    """

    model_config = ConfigDict(extra="forbid")

    users: int = Field(ge=1)
    spawn_rate: float = Field(gt=0)
    duration: Duration
    workers: Literal["auto"] | int = 1
    think_time: list[float] | float = 0.0
    paths: list[str] = Field(min_length=1)
    locustfile: str | None = None
    user_class: Literal["fast", "http"] = "fast"
    timeout: Duration = 600.0
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
                if key not in GATED_METRICS:
                    raise ValueError(
                        f"unknown metric {key!r}; use one of {', '.join(GATED_METRICS)} "
                        'or an endpoint name such as "GET /search" holding a table of them'
                    )
            else:
                for metric in band:
                    if metric not in GATED_METRICS:
                        raise ValueError(f"unknown metric {metric!r} under endpoint {key!r}")
        return value
