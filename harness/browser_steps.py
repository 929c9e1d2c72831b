"""The step grammar shared by accessibility journeys and the sign-in: one action per step, done in a browser tab.

``{ goto = "/apply" }``, ``{ click = "button#continue" }``, ``{ fill = "#email", value = "a@b.c" }``,
``{ select = "#country", value = "France" }``, ``{ check = "#agree" }``, ``{ press = "Enter" }`` (or with
``selector`` to focus an element first) and ``{ wait_for = "#error-summary" }``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel, ConfigDict, model_validator

if TYPE_CHECKING:
    from playwright.async_api import Page

STEP_ACTIONS = ("goto", "click", "fill", "select", "check", "press", "wait_for")
WaitUntil = Literal["load", "domcontentloaded", "networkidle"]


class Resolves(Protocol):
    """What a goto step needs of the target (harness.target.Target is one): an absolute URL for a path."""

    def resolve(self, path_or_url: str) -> str: ...


class StepFailed(Exception):
    """A step could not be done; the message says why in one line."""


class BrowserStep(BaseModel):
    """One step: exactly one action key, with what it needs (see the module docstring for the forms)."""

    model_config = ConfigDict(extra="forbid")

    goto: str | None = None
    click: str | None = None
    fill: str | None = None
    select: str | None = None
    check: str | None = None
    press: str | None = None
    wait_for: str | None = None
    value: str | None = None
    selector: str | None = None

    @model_validator(mode="after")
    def _one_action(self) -> BrowserStep:
        actions = [name for name in STEP_ACTIONS if getattr(self, name) is not None]
        if len(actions) != 1:
            found = ", ".join(actions) or "none"
            raise ValueError(f"a step needs exactly one of {', '.join(STEP_ACTIONS)} (found: {found})")
        if actions[0] in ("fill", "select") and self.value is None:
            raise ValueError(f'a {actions[0]} step needs a value, e.g. {{ {actions[0]} = "#field", value = "..." }}')
        if self.value is not None and actions[0] not in ("fill", "select"):
            raise ValueError(f"value is only for fill and select steps, not {actions[0]}")
        if self.selector is not None and actions[0] != "press":
            raise ValueError(f"selector is only for press steps; a {actions[0]} step names its element itself")
        return self

    @property
    def action(self) -> str:
        """The step's action name (goto, click, fill, ...)."""
        return next(name for name in STEP_ACTIONS if getattr(self, name) is not None)

    @property
    def argument(self) -> str:
        """What the action applies to: a path, a selector or a key."""
        value = getattr(self, self.action)
        return str(value)

    def describe(self, show_value: bool = True) -> str:
        """The step as a reader would say it, e.g. ``fill '#email' with 'x'`` (the value left out if asked)."""
        if self.action in ("fill", "select"):
            return (
                f"{self.action} {self.argument!r} with {self.value!r}"
                if show_value
                else f"{self.action} {self.argument!r}"
            )
        if self.action == "press" and self.selector:
            return f"press {self.argument} in {self.selector!r}"
        return f"{self.action} {self.argument!r}" if self.action != "press" else f"press {self.argument}"


async def perform_step(
    page: Page, step: BrowserStep, target: Resolves, wait_until: WaitUntil, load_timeout_s: float, step_timeout_s: float
) -> None:
    """Do one step in `page`; raise StepFailed (or Playwright's Error) when it cannot be done."""
    timeout_ms = step_timeout_s * 1000
    action, argument = step.action, step.argument
    if action == "goto":
        url = target.resolve(argument)
        response = await page.goto(url, wait_until=wait_until, timeout=load_timeout_s * 1000)
        if response is not None and response.status >= 400:
            raise StepFailed(f"{url} answered HTTP {response.status}")
        return
    if action == "click":
        await page.click(argument, timeout=timeout_ms)
    elif action == "fill":
        await page.fill(argument, step.value or "", timeout=timeout_ms)
    elif action == "select":
        await page.select_option(argument, step.value or "", timeout=timeout_ms)
    elif action == "check":
        await page.check(argument, timeout=timeout_ms)
    elif action == "press":
        if step.selector:
            await page.press(step.selector, argument, timeout=timeout_ms)
        else:
            await page.keyboard.press(argument)
    elif action == "wait_for":
        await page.wait_for_selector(argument, state="visible", timeout=timeout_ms)
    # A click or key press may have started a navigation (a form submission): let the next page load.
    await page.wait_for_load_state(wait_until, timeout=load_timeout_s * 1000)
