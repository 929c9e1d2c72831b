"""Sign in: walk `auth.steps` in Chromium and keep the session (cookies and a storage-state file), or read the
session from an existing storage-state file.

Nothing here writes a screenshot or a page's content: a login form holds the credentials. A failure is one line
naming the step and what the page showed (its URL and title), never the value a step typed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harness.auth.login_page import PASSWORD_FIELDS_JS, path_of
from harness.auth.settings import AuthSettings
from harness.browser import choose_executable, launch_chromium_async, playwright_chromium_path, trust_args
from harness.browser_steps import BrowserStep, StepFailed, perform_step
from harness.errors import GatherError
from harness.target import Target

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Request, Route

_PREFIXES = ("Page.goto: ", "Page.click: ", "Page.fill: ", "Page.select_option: ", "Page.check: ", "Page.press: ")


class SignInFailed(Exception):
    """Signing in did not work; the message names the step (or the check) and what the page showed."""


@dataclass(frozen=True)
class Session:
    """A signed-in session: the target's cookies, every cookie value (to mask), and the storage-state file."""

    cookies: dict[str, str]
    secret_values: tuple[str, ...]
    storage_state: str
    steps: int = 0


def cookies_for(host: str, cookies: list[dict[str, Any]]) -> dict[str, str]:
    """The cookies (Playwright's form) a browser would send to `host`: its own and its parent domains'."""
    host = host.lower()
    chosen: dict[str, str] = {}
    for cookie in cookies:
        domain = str(cookie.get("domain", "")).lstrip(".").lower()
        if domain and (host == domain or host.endswith("." + domain)):
            chosen[str(cookie["name"])] = str(cookie.get("value", ""))
    return chosen


def session_from_state_file(path: str, target: Target) -> Session:
    """The session held in an existing Playwright storage-state file; SignInFailed if it is not one."""
    file = Path(path).expanduser()
    hint = "save one with Playwright's context.storage_state(path=...) after signing in"
    try:
        state = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SignInFailed(f"auth.storage_state {path!r} is not a file; {hint}") from None
    except (OSError, ValueError) as error:
        raise SignInFailed(f"auth.storage_state {path!r} is not readable JSON ({error}); {hint}") from None
    if not isinstance(state, dict) or not isinstance(state.get("cookies", []), list):
        raise SignInFailed(f"auth.storage_state {path!r} is not a storage-state file; {hint}")
    cookies = [cookie for cookie in state.get("cookies", []) if isinstance(cookie, dict) and "name" in cookie]
    values = tuple(str(cookie.get("value", "")) for cookie in cookies)
    return Session(cookies_for(target.host, cookies), values, str(file))


def _short(error: BaseException) -> str:
    text = str(getattr(error, "message", "") or error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    for prefix in _PREFIXES:
        line = line.removeprefix(prefix)
    return line


async def _where(page: Page) -> str:
    """The page's URL and title, for a message (never its content)."""
    title = ""
    with contextlib.suppress(Exception):
        title = await asyncio.wait_for(page.title(), timeout=5)
    return f"{page.url} titled {title!r}" if title else f"{page.url} (no title)"


async def _password_fields(page: Page) -> int:
    try:
        return int(await asyncio.wait_for(page.evaluate(PASSWORD_FIELDS_JS), timeout=5))
    except Exception:  # the page is navigating or gone: nothing can be said
        return 0


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


async def _prepare(context: BrowserContext, target: Target) -> None:
    """Send the target's own headers and cookies while signing in (a staging site behind basic auth, say)."""
    if target.cookies:
        await context.add_cookies([{"name": n, "value": v, "url": target.url} for n, v in target.cookies.items()])
    if not target.headers:
        return
    own = _origin(target.url)

    async def add_headers(route: Route, request: Request) -> None:
        # Headers often carry credentials: only the target's own origin gets them.
        if _origin(request.url) == own:
            await route.continue_(headers={**request.headers, **target.headers})
        else:
            await route.continue_()

    await context.route("**/*", add_headers)


async def _walk(page: Page, steps: list[BrowserStep], settings: AuthSettings, target: Target) -> None:
    """Do every step; then refuse a browser still on the login form (wrong credentials, a validation error)."""
    from playwright.async_api import Error as PlaywrightError

    for number, step in enumerate(steps, start=1):
        try:
            await perform_step(page, step, target, settings.wait_until, settings.page_timeout, settings.step_timeout)
        except (PlaywrightError, StepFailed) as error:
            where = await _where(page)
            raise SignInFailed(
                f"sign-in step {number} ({step.describe(show_value=False)}) failed: {_short(error)}; "
                f"the page showed {where}"
            ) from None
    login = target.login_url
    check_path = path_of(target.resolve(settings.check.url)) if settings.check else ""
    if login and path_of(page.url) == path_of(login) != check_path and await _password_fields(page):
        last = steps[-1].describe(show_value=False)
        raise SignInFailed(
            f"sign-in step {len(steps)} ({last}) left the browser on the login page {await _where(page)}: "
            "the credentials may be wrong, or the form showed an error"
        )


async def _sign_in(settings: AuthSettings, target: Target, executable: str, state_file: Path) -> Session:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    try:
        manager = await async_playwright().start()
    except PlaywrightError as error:
        raise SignInFailed(f"Playwright could not start: {_short(error)}") from None
    try:
        try:
            chosen = choose_executable(executable, playwright_chromium_path(manager))
            browser = await launch_chromium_async(manager, chosen, trust_args(target.url, target.ca_file))
        except GatherError as error:
            raise SignInFailed(f"could not start Chromium to sign in: {error}") from None
        try:
            context = await browser.new_context()
            await _prepare(context, target)
            page = await context.new_page()
            await _walk(page, settings.steps, settings, target)
            await context.storage_state(path=str(state_file))
            os.chmod(state_file, 0o600)
            cookies = [dict(cookie) for cookie in await context.cookies()]
        finally:
            with contextlib.suppress(Exception):
                await browser.close()
    finally:
        with contextlib.suppress(Exception):
            await manager.stop()
    values = tuple(str(cookie.get("value", "")) for cookie in cookies)
    return Session(cookies_for(target.host, cookies), values, str(state_file), len(settings.steps))


def sign_in_with_browser(settings: AuthSettings, target: Target, executable: str, state_file: Path) -> Session:
    """Walk the sign-in steps in a fresh headless Chromium; save its storage state to `state_file`."""
    return asyncio.run(_sign_in(settings, target, executable, state_file))
