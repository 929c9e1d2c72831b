"""Audit one page: open it in a new tab, check where it landed, run axe-core and golive's own checks, capture
an outlined screenshot of what failed.

axe is injected into every frame by the browser context's init script (see `gather`), so running it once in
the top frame audits iframes too, through axe's own frame messaging. Everything here is async so that several
tabs of one browser can be audited at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from harness.auth.login_page import landing_in_browser
from suites.accessibility.artifacts import PageRecord, PageStatus
from suites.accessibility.evidence import outlined_screenshot
from suites.accessibility.keyboard import check_keyboard
from suites.accessibility.reflow import check_reflow
from suites.accessibility.scripts import script
from suites.accessibility.urls import origin

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Response

# Every link on the page, resolved by the browser, for the same-origin crawl.
LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), (a) => a.href)"
# Playwright's default viewport; the reflow check narrows it and puts it back.
VIEWPORT = (1280, 720)
# Errors that mean the tab, its context or the whole browser went away rather than the page misbehaving.
_GONE_MARKERS = ("has been closed", "browser has disconnected", "Target closed", "crashed")

WaitUntil = Literal["load", "domcontentloaded", "networkidle"]


class BrowserLost(Exception):
    """The browser process went away (crashed or was killed) while a page was being audited."""


class UnknownRules(Exception):
    """`accessibility.rules` names rule ids this axe-core does not have."""

    def __init__(self, rules: list[str], version: str) -> None:
        super().__init__(", ".join(rules))
        self.rules = rules
        self.version = version


@dataclass(frozen=True)
class AuditOptions:
    """How to audit each page: axe tags and rule switches, golive's checks, timeouts, evidence to keep."""

    tags: tuple[str, ...]
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    timeout_s: float = 30.0
    wait_until: WaitUntil = "load"
    screenshots: bool = True
    collect_links: bool = False
    checks: tuple[str, ...] = ()
    max_tab_presses: int = 150
    # The login page (auth.login_url): a page that ends there is not audited as the page it was asked as.
    login_url: str = ""
    # Secret values (longest first) masked in the page while its screenshot is taken.
    masked: tuple[str, ...] = ()

    def axe_options(self) -> dict[str, Any]:
        """The options object handed to ``axe.run``."""
        rules = {rule: {"enabled": True} for rule in self.enable}
        rules.update({rule: {"enabled": False} for rule in self.disable})
        options: dict[str, Any] = {
            "runOnly": {"type": "tag", "values": list(self.tags)},
            # Passes and inapplicable rules keep one node each: the raw file stays small and still says what ran.
            "resultTypes": ["violations", "incomplete"],
            # A frame that never answers must not stall the page for axe's default 60 s.
            "frameWaitTime": int(min(self.timeout_s, 60.0) * 1000),
        }
        if rules:
            options["rules"] = rules
        return options

    @property
    def page_budget_s(self) -> float:
        """The most one page may take in all: loading and axe each get `timeout_s`, the rest shares a third."""
        return self.timeout_s * 3


@dataclass(frozen=True)
class PageAudit:
    """What auditing one page produced: its index record, axe's raw result, and a screenshot if taken."""

    record: PageRecord
    result: dict[str, Any] | None = None
    screenshot: bytes | None = None
    links: tuple[str, ...] = ()

    @property
    def reusable(self) -> bool:
        """Whether the tab ended in a known state (the audit went through), so the next page may reuse it."""
        if self.record.status is PageStatus.AUDITED:
            return True
        # A page that answered (an HTTP error, a redirect away) is done; one that never loaded may still be busy.
        return self.record.status in (PageStatus.OFFSITE, PageStatus.LOAD_ERROR) and self.record.http_status is not None


def short_error(error: BaseException) -> str:
    """Playwright's message without its call log or API prefix: one line a reader can act on."""
    text = str(getattr(error, "message", "") or error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    for prefix in ("Page.goto: ", "Page.evaluate: ", "Page.screenshot: ", "Page.click: ", "Page.fill: "):
        line = line.removeprefix(prefix)
    return line


async def browser_gone(context: BrowserContext, error: BaseException) -> bool:
    """Whether `error` came from losing the whole browser rather than from this page.

    When Chromium is killed the first errors can arrive before Playwright notices the disconnection, so an
    error that says something was closed or crashed is confirmed by trying to open a tab.
    """
    browser = context.browser
    if browser is None:
        return False
    if not browser.is_connected():
        return True
    if not any(marker in str(error) for marker in _GONE_MARKERS):
        return False
    try:
        probe = await asyncio.wait_for(context.new_page(), timeout=5)
        await probe.close()
    except Exception:
        return True
    return False


async def audit_page(page: Page, record: PageRecord, options: AuditOptions) -> PageAudit:
    """Open `record.url` in `page` (a tab, new or reused) and audit it.

    Load failures, off-site redirects and axe errors are recorded on the returned record, whose `reusable`
    answer says whether the tab is in a known state for the next page. Only the loss of the whole browser
    raises (BrowserLost), and unknown configured rules raise UnknownRules.
    """
    try:
        return await asyncio.wait_for(_audit_in(page, record, options), timeout=options.page_budget_s)
    except TimeoutError:
        message = f"the audit of this page took longer than {options.page_budget_s:g}s and was stopped"
        return PageAudit(dataclasses.replace(record, status=PageStatus.AUDIT_ERROR, error=message))


async def _audit_in(page: Page, record: PageRecord, options: AuditOptions) -> PageAudit:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    started = time.monotonic()
    # Chromium refuses an error status with an empty body (ERR_HTTP_RESPONSE_CODE_FAILURE) and Playwright then
    # returns no response: the status is taken from the main document's answer as it arrives.
    answered: list[int] = []

    def on_response(response: Response) -> None:
        if response.frame == page.main_frame and response.request.is_navigation_request():
            answered.append(response.status)

    page.on("response", on_response)
    try:
        response = await page.goto(record.url, wait_until=options.wait_until, timeout=options.timeout_s * 1000)
    except PlaywrightTimeout:
        # The reason names the setting once for every slow page (causes.py), so the page says only how long.
        message = f"did not load within {options.timeout_s:g}s"
        return PageAudit(dataclasses.replace(record, status=PageStatus.LOAD_ERROR, error=message))
    except PlaywrightError as error:
        if await browser_gone(page.context, error):
            raise BrowserLost(short_error(error)) from None
        status = answered[-1] if answered else None
        failed = dataclasses.replace(record, status=PageStatus.LOAD_ERROR, error=short_error(error), http_status=status)
        return PageAudit(failed)
    finally:
        page.remove_listener("response", on_response)
    load_ms = round((time.monotonic() - started) * 1000, 1)
    final_url = page.url
    status = response.status if response is not None else None
    record = dataclasses.replace(record, final_url=final_url, http_status=status, timing={"load_ms": load_ms})
    if origin(final_url) != origin(record.url):
        message = f"redirected to another origin ({final_url}); not audited"
        return PageAudit(dataclasses.replace(record, status=PageStatus.OFFSITE, error=message))
    if status is not None and status >= 400:
        # The same words as an error status Chromium refused (net_errors), so both are named as one cause.
        message = f"the page answered HTTP {status}"
        return PageAudit(dataclasses.replace(record, status=PageStatus.LOAD_ERROR, error=message))
    login = await landing_in_browser(page, record.url, options.login_url)
    if login is not None:
        return PageAudit(dataclasses.replace(record, status=PageStatus.LOAD_ERROR, error=login))
    return await inspect(page, record, options)


async def inspect(page: Page, record: PageRecord, options: AuditOptions, keyboard: bool = True) -> PageAudit:
    """Audit the page as it is now: axe, then golive's checks, then the outlined screenshot and links.

    `keyboard` False skips the Tab walk, for journey states that later steps still need undisturbed.
    """
    from playwright.async_api import Error as PlaywrightError

    requested_rules = [*options.enable, *options.disable]
    started = time.monotonic()
    try:
        answer = await page.evaluate(
            script("axe_run"), [options.axe_options(), requested_rules, options.timeout_s * 1000]
        )
        result: dict[str, Any] = json.loads(answer)
    except PlaywrightError as error:
        if await browser_gone(page.context, error):
            raise BrowserLost(short_error(error)) from None
        return PageAudit(dataclasses.replace(record, status=PageStatus.AUDIT_ERROR, error=short_error(error)))
    if "golive_unknown_rules" in result:
        raise UnknownRules(list(result["golive_unknown_rules"]), str(result.get("version", "")))
    timing = {**record.timing, "axe_ms": round((time.monotonic() - started) * 1000, 1)}

    result["golive"] = await run_checks(page, options, keyboard, timing)
    own = result["golive"]["violations"]
    violations = sum(len(rule.get("nodes", [])) for rule in [*result.get("violations", []), *own])
    record = dataclasses.replace(record, status=PageStatus.AUDITED, violations=violations, timing=timing)

    screenshot = None
    if violations and options.screenshots:
        started = time.monotonic()
        screenshot = await outlined_screenshot(page, [*result.get("violations", []), *own], options.masked)
        timing["screenshot_ms"] = round((time.monotonic() - started) * 1000, 1)
    links: tuple[str, ...] = ()
    if options.collect_links:
        try:
            links = tuple(str(link) for link in await page.evaluate(LINKS_JS))
        except PlaywrightError:
            links = ()  # the page navigated away after the audit; the crawl just learns nothing from it
    return PageAudit(record, result, screenshot, links)


# The keyboard walk runs before reflow narrows the viewport: a page whose scripts answer the width change (a
# menu that shows its toggle on small screens) settles again afterwards, and the walk must not race that.
CHECK_ORDER = ("keyboard", "reflow")


async def run_checks(page: Page, options: AuditOptions, keyboard: bool, timing: dict[str, float]) -> dict[str, Any]:
    """Run the enabled golive checks; one that fails to run is recorded as an error of that check and page.

    Elements a check could not decide are kept under ``needs_review``; they never fail the verdict.
    """
    from playwright.async_api import Error as PlaywrightError

    outcome: dict[str, Any] = {
        "ran": [],
        "skipped": {},
        "errors": {},
        "facts": {},
        "violations": [],
        "needs_review": [],
    }
    for name in sorted(options.checks, key=CHECK_ORDER.index):
        if name == "keyboard" and not keyboard:
            outcome["skipped"][name] = "journey state before the last step (Tab would disturb the form)"
            continue
        started = time.monotonic()
        try:
            if name == "keyboard":
                found = await check_keyboard(page, options.max_tab_presses)
            else:
                found = await check_reflow(page, VIEWPORT)
        except PlaywrightError as error:
            if await browser_gone(page.context, error):
                raise BrowserLost(short_error(error)) from None
            outcome["errors"][name] = short_error(error)
            continue
        timing[f"{name}_ms"] = round((time.monotonic() - started) * 1000, 1)
        outcome["ran"].append(name)
        outcome["facts"][name] = found.facts
        outcome["violations"].extend(found.violations)
        outcome["needs_review"].extend(found.review)
    return outcome
