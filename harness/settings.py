"""The whole configuration, validated: `[target]`, `[browser]`, `[auth]`, waivers, profiles, and one section per suite.

The harness knows only its own sections. Each suite brings a pydantic model for its section (see
harness.suite.Suite.settings_model); `config_model` builds the full model from the registered suites, so an
unknown section or key is refused by validation like any other mistake.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from harness.auth.settings import AuthSettings
from harness.history_settings import HistorySettings, with_history_keys

ModelT = TypeVar("ModelT", bound=BaseModel)


class TargetSettings(BaseModel):
    """The service under test and who may be loaded or actively scanned.

    `headers` and `cookies` are sent with every request of every suite; their values are secrets.
    """

    model_config = ConfigDict(extra="forbid")

    url: str = ""
    allowed_hosts: list[str] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)
    cookies: dict[str, str] = Field(default_factory=dict)
    # A PEM file of CA certificates every suite trusts besides the system's: a staging site with a private CA.
    ca_file: str = ""

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


class NotifySettings(BaseModel):
    """Where to tell the team when a verdict changes or is NOT_READY (a Slack-compatible webhook URL)."""

    model_config = ConfigDict(extra="forbid")

    webhook: str = ""


class GoliveConfig(BaseModel):
    """Everything a run needs to know, after defaults, file, profile and `--set` were layered.

    Suite sections are fields of the model built by `config_model`; read one with `section(name, Model)`.
    """

    model_config = ConfigDict(extra="forbid")

    target: TargetSettings = Field(default_factory=TargetSettings)
    browser: BrowserSettings = Field(default_factory=BrowserSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    waivers: list[Waiver] = Field(default_factory=list)
    history: HistorySettings = Field(default_factory=HistorySettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)
    # Which suites a run without --suite runs; empty means every suite that runs by default.
    suites: list[str] = Field(default_factory=list)
    # Profiles are applied while loading; kept here only so a config with profiles validates.
    profiles: dict[str, dict[str, Any]] = Field(default_factory=dict)

    if TYPE_CHECKING:
        # Suite sections are added at run time from the registry; attribute access to them is untyped.
        def __getattr__(self, name: str) -> Any: ...

    def section(self, name: str, model: type[ModelT]) -> ModelT:
        """The validated section of suite `name`, as `model`; raises KeyError if no such suite is configured."""
        value = getattr(self, name, None) if name in type(self).model_fields else None
        if not isinstance(value, model):
            raise KeyError(f"no [{name}] section of type {model.__name__} in this config")
        return value

    def section_names(self) -> list[str]:
        """The suite sections this config holds."""
        return [name for name in type(self).model_fields if name not in GoliveConfig.model_fields]


def config_model(sections: Mapping[str, type[BaseModel]]) -> type[GoliveConfig]:
    """The full config model: the harness's own sections plus one per suite (the loader fills in each)."""
    fields: dict[str, Any] = {
        name: (with_history_keys(model), ...) for name, model in sections.items() if name not in _CORE
    }
    return create_model("GoliveConfig", __base__=GoliveConfig, **fields)


_CORE = frozenset(GoliveConfig.model_fields)
