"""The `[history]` config section: where runs are recorded, how a run is labelled, what a baseline is."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

HISTORY_DB = "history.db"
NewFindingsMode = Literal["off", "warn", "fail"]


class BaselineSettings(BaseModel):
    """A baseline is the median of each metric over the last `runs` valid runs; it needs `min_runs` of them."""

    model_config = ConfigDict(extra="forbid")

    runs: int = Field(default=5, ge=1, le=1000)
    min_runs: int = Field(default=3, ge=1)

    @model_validator(mode="after")
    def _min_not_above_runs(self) -> BaselineSettings:
        if self.min_runs > self.runs:
            raise ValueError(f"min_runs ({self.min_runs}) must not be above runs ({self.runs})")
        return self


class HistorySettings(BaseModel):
    """Where the run history lives and how runs are labelled and compared.

    `url` is any SQLAlchemy database URL (``postgresql+psycopg://user:${DB_PASSWORD}@host/db``); empty means
    SQLite in ``<out>/history.db``. It is checked when the store is opened, never echoed
    back (it may hold a password). `label` names what was tested (a commit, a release) and is shown with the run.
    """

    model_config = ConfigDict(extra="forbid")

    url: str = ""
    label: str = ""
    baseline: BaselineSettings = Field(default_factory=BaselineSettings)

    def database_url(self, out_dir: Path) -> str:
        """The URL to connect to: the configured one, else SQLite beside the run folders."""
        return self.url or f"sqlite:///{out_dir / HISTORY_DB}"


@cache
def with_history_keys(model: type[BaseModel]) -> type[BaseModel]:
    """A suite's settings model that also accepts ``new_findings = "off" | "warn" | "fail"`` (default off).

    Every suite gets the key without declaring it; the subclass still passes `isinstance` for the suite's model.
    """
    if "new_findings" in model.model_fields:
        return model
    extended: type[BaseModel] = create_model(
        model.__name__,
        __base__=model,
        __module__=model.__module__,
        new_findings=(NewFindingsMode, "off"),
    )
    extended.__doc__ = model.__doc__
    return extended
