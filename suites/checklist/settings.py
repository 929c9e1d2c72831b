"""The `[checklist]` configuration section: `[[checklist.items]]`, one per go-live item, each of one kind."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.durations import Duration
from harness.golive_list import TOPIC_IDS

_ITEM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# Kinds whose topic is obvious; every other kind must name the topic it covers.
_DEFAULT_TOPIC = {"coverage": "code-coverage", "junit": "code-coverage"}


class _Item(BaseModel):
    """What every item has: an id (its check id in reports), a title, and the go-live topic it covers."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str = Field(min_length=1)
    topic: str = Field(default="", validate_default=True)

    @field_validator("id")
    @classmethod
    def _plain_id(cls, value: str) -> str:
        if not _ITEM_ID.fullmatch(value):
            raise ValueError(f"expected letters, digits, '-', '_' or '.', such as 'pen-test', got {value!r}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _topic_for_kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("topic") and data.get("kind") in _DEFAULT_TOPIC:
            return {**data, "topic": _DEFAULT_TOPIC[data["kind"]]}
        return data

    @field_validator("topic")
    @classmethod
    def _known_topic(cls, value: str) -> str:
        if not value:
            raise ValueError(f"name the go-live topic this item covers, one of {', '.join(TOPIC_IDS)}")
        if value not in TOPIC_IDS:
            raise ValueError(f"expected one of the go-live topics {', '.join(TOPIC_IDS)}; got {value!r}")
        return value


class _Aged(BaseModel):
    """Evidence that goes stale: older than `max_age_days` (by the file's modification time) fails."""

    max_age_days: int | None = Field(default=None, ge=0)


class CoverageItem(_Item, _Aged):
    """A Cobertura XML report (coverage.py `coverage xml`, Istanbul's or JaCoCo's cobertura output; JaCoCo's own
    XML is read too): its line rate must be at least `min`, and its branch rate at least `branch_min` if set."""

    kind: Literal["coverage"]
    path: str = Field(min_length=1)
    min: float = Field(ge=0, le=1)
    branch_min: float | None = Field(default=None, ge=0, le=1)


class JunitItem(_Item, _Aged):
    """JUnit XML reports (`path` may be a glob): at least `min_tests` tests run, none failed or errored."""

    kind: Literal["junit"]
    path: str = Field(min_length=1)
    min_tests: int = Field(default=1, ge=1)


class FileItem(_Item, _Aged):
    """A document (a penetration test report, an audit): it must exist and be at most `max_age_days` old,
    counted from `date` when given (the date on the report), else from the file's modification time."""

    kind: Literal["file"]
    path: str = Field(min_length=1)
    date: dt.date | None = None


class UrlItem(_Item):
    """A page that must answer (2xx after redirects, or a status in `expect_status`) and contain every text
    in `expect_text` (case-insensitive, tags ignored). `url` is a path on the target or an absolute URL; the
    target's headers and cookies go only to the target's own origin."""

    kind: Literal["url"]
    url: str = Field(min_length=1)
    expect_text: list[str] = Field(default_factory=list)
    expect_status: list[int] = Field(default_factory=list)

    @field_validator("expect_text", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class AttestationItem(_Item, _Aged):
    """A person's sign-off: `by` whom, on what `date`, with a `note`; it is shown as a sign-off, never as a
    measurement. Without `by` and `date` it is not signed off yet, and fails."""

    kind: Literal["attestation"]
    by: str = ""
    date: dt.date | None = None
    note: str = ""


ChecklistItem = Annotated[
    CoverageItem | JunitItem | FileItem | UrlItem | AttestationItem,
    Field(discriminator="kind"),
]
KINDS = ("coverage", "junit", "file", "url", "attestation")


class ChecklistSettings(BaseModel):
    """The go-live items to judge; relative paths are read from the working folder."""

    model_config = ConfigDict(extra="forbid")

    items: list[ChecklistItem] = Field(default_factory=list)
    # Per request for `url` items.
    timeout: Duration = 10.0

    @field_validator("items")
    @classmethod
    def _unique_ids(cls, items: list[ChecklistItem]) -> list[ChecklistItem]:
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"two items have the id {item.id!r}; each item needs its own id")
            seen.add(item.id)
        return items
