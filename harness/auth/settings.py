"""The `[auth]` configuration section: how golive signs in, how it proves it is signed in, what never to request."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.browser_steps import BrowserStep
from harness.durations import Duration


class AuthCheck(BaseModel):
    """A page only a signed-in user sees, and what proves it: a text on it, or the status it answers with.

    ``expect_status`` is judged on the first answer (redirects not followed: a signed-out user is usually
    redirected); ``expect_text`` on the page reached after same-origin redirects, which must not be the login page.
    """

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1)
    expect_text: str | None = Field(default=None, min_length=1)
    expect_status: int | None = Field(default=None, ge=100, le=599)

    @model_validator(mode="after")
    def _expects_something(self) -> AuthCheck:
        if self.expect_text is None and self.expect_status is None:
            raise ValueError('the check needs expect_text or expect_status, e.g. expect_text = "Your account"')
        return self


class AuthSettings(BaseModel):
    """Sign-in by browser `steps` (or an existing Playwright `storage_state` file), proved by `check`.

    `logout` lists shell-style path patterns (``/admin/logout/*``) that no crawl, load test or scan requests.
    `lost` says how a suite during which the session was lost counts: an error (the default) or a warning.
    """

    model_config = ConfigDict(extra="forbid")

    login_url: str = ""
    steps: list[BrowserStep] = Field(default_factory=list)
    storage_state: str = ""
    check: AuthCheck | None = None
    logout: list[str] = Field(default_factory=list)
    lost: Literal["error", "warn"] = "error"
    # How long one step may wait for its element, and how long a page (or the check) may take to load.
    step_timeout: Duration = 10.0
    page_timeout: Duration = 30.0
    wait_until: Literal["load", "domcontentloaded", "networkidle"] = "load"

    @field_validator("steps")
    @classmethod
    def _starts_somewhere(cls, steps: list[BrowserStep]) -> list[BrowserStep]:
        if steps and steps[0].action != "goto":
            raise ValueError('the first step must be a goto, e.g. { goto = "/login/" }')
        return steps

    @field_validator("logout")
    @classmethod
    def _path_patterns(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            if not pattern.startswith(("/", "*")):
                raise ValueError(f'a logout pattern is a path starting with / or *, e.g. "/logout*" (got {pattern!r})')
        return patterns

    @model_validator(mode="after")
    def _one_way_in(self) -> AuthSettings:
        if self.steps and self.storage_state:
            raise ValueError("use steps or storage_state, not both: steps sign in afresh, a storage_state is reused")
        if (self.steps or self.storage_state) and self.check is None:
            raise ValueError(
                'a sign-in needs a check that proves it worked, e.g. check = { url = "/account/", '
                'expect_text = "Your account" }'
            )
        if self.check is not None and not (self.steps or self.storage_state):
            raise ValueError("a check needs steps (or a storage_state) to sign in with")
        return self

    @property
    def configured(self) -> bool:
        """Whether golive signs in at all."""
        return bool(self.steps or self.storage_state)

    @property
    def login_page(self) -> str:
        """The login page: `login_url`, else where the first step goes (empty when neither is known)."""
        if self.login_url:
            return self.login_url
        return self.steps[0].argument if self.steps else ""
