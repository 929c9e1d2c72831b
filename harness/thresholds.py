"""Warn/fail bands and the one function that judges a measured number against them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from harness.baseline import parse_change
from harness.models import Check, Status


class Band(BaseModel):
    """Limits for one metric.

    ``warn``/``fail`` are upper limits (a value above them is worse); ``warn_below``/``fail_below`` are lower
    limits (a value below them is worse, as for requests per second). Any subset may be given.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    warn: float | None = None
    fail: float | None = None
    warn_below: float | None = None
    fail_below: float | None = None
    # Relative to the baseline of earlier runs ("+10%", "-20%"); judged by harness.history_gates.
    warn_regression: str | None = None
    fail_regression: str | None = None

    @field_validator("warn_regression", "fail_regression")
    @classmethod
    def _signed_percentage(cls, value: str | None) -> str | None:
        if value is not None:
            parse_change(value)
        return value

    @model_validator(mode="after")
    def _limits_are_ordered(self) -> Band:
        if self.warn is not None and self.fail is not None and self.warn > self.fail:
            raise ValueError(f"warn ({self.warn}) must not be above fail ({self.fail})")
        if self.warn_below is not None and self.fail_below is not None and self.warn_below < self.fail_below:
            raise ValueError(f"warn_below ({self.warn_below}) must not be below fail_below ({self.fail_below})")
        return self

    def as_threshold(self) -> dict[str, float]:
        """The band's absolute limits as shown next to a measured value (only those set; the relative ones belong
        to the baseline check, which shows them with the baseline)."""
        return {key: value for key, value in self.model_dump().items() if isinstance(value, int | float)}


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def judge(check_id: str, label: str, measured: float | None, band: Band, unit: str = "") -> Check:
    """Judge `measured` against `band`; a missing measurement is an error, never a pass.

    `label` names the metric for a reader ("p95 latency"); `unit` is appended to numbers ("ms").
    """
    threshold: dict[str, Any] = band.as_threshold()
    if measured is None:
        return Check(check_id, Status.ERROR, f"{label} could not be measured", None, threshold)
    shown = f"{_fmt(measured)}{unit}"
    if band.fail is not None and measured > band.fail:
        return Check(check_id, Status.FAIL, f"{label} {shown} > {_fmt(band.fail)}{unit}", measured, threshold)
    if band.fail_below is not None and measured < band.fail_below:
        message = f"{label} {shown} < {_fmt(band.fail_below)}{unit}"
        return Check(check_id, Status.FAIL, message, measured, threshold)
    if band.warn is not None and measured > band.warn:
        return Check(check_id, Status.WARN, f"{label} {shown} > {_fmt(band.warn)}{unit}", measured, threshold)
    if band.warn_below is not None and measured < band.warn_below:
        message = f"{label} {shown} < {_fmt(band.warn_below)}{unit}"
        return Check(check_id, Status.WARN, message, measured, threshold)
    return Check(check_id, Status.PASS, f"{label} {shown} within limits", measured, threshold)
