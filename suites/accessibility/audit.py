"""Audit one page: open it in a fresh tab, check where it landed, run axe-core, capture a screenshot.

axe is injected into every frame by the browser context's init script (see `gather`), so running it once in
the top frame audits iframes too, through axe's own frame messaging.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from suites.accessibility.artifacts import PageRecord, PageStatus
from suites.accessibility.urls import origin

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

# Runs in the page. The timer bounds axe itself; navigation has Playwright's own timeout. Unknown rule ids in
# the config are reported before running, because axe would otherwise reject every page with the same error.
AXE_RUN_JS = """
async ([options, requestedRules, timeoutMs]) => {
  if (typeof window.axe === 'undefined' || typeof window.axe.run !== 'function') {
    throw new Error('axe-core was not loaded in this page');
  }
  const known = new Set(window.axe.getRules().map((rule) => rule.ruleId));
  const unknown = requestedRules.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    return { golive_unknown_rules: unknown, version: window.axe.version };
  }
  let timer;
  const expiry = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`axe did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([window.axe.run(document, options), expiry]);
  } finally {
    clearTimeout(timer);
  }
}
"""

SCREENSHOT_TIMEOUT_MS = 10_000

# Every link on the page, resolved by the browser, for the same-origin crawl.
LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), (a) => a.href)"

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
    """How to audit each page: axe tags and rule switches, the per-page timeout, when a page counts as loaded."""

    tags: tuple[str, ...]
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    timeout_s: float = 30.0
    wait_until: WaitUntil = "load"
    screenshots: bool = True
    collect_links: bool = False

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


@dataclass(frozen=True)
class PageAudit:
    """What auditing one page produced: its index record, axe's raw result, and a screenshot if taken."""

    record: PageRecord
    result: dict[str, Any] | None = None
    screenshot: bytes | None = None
    links: tuple[str, ...] = ()


def _short(error: BaseException) -> str:
    """Playwright's message without its call log or API prefix: one line a reader can act on."""
    text = str(getattr(error, "message", "") or error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    for prefix in ("Page.goto: ", "Page.evaluate: ", "Page.screenshot: "):
        line = line.removeprefix(prefix)
    return line


def _browser_gone(context: BrowserContext) -> bool:
    browser = context.browser
    return browser is not None and not browser.is_connected()


def audit_page(context: BrowserContext, record: PageRecord, options: AuditOptions) -> PageAudit:
    """Open `record.url` in a new tab of `context` and audit it.

    Load failures, off-site redirects and axe errors are recorded on the returned record; only the loss of the
    whole browser raises (BrowserLost), and unknown configured rules raise UnknownRules.
    """
    from playwright.sync_api import Error as PlaywrightError

    try:
        page = context.new_page()
    except PlaywrightError as error:
        raise BrowserLost(_short(error)) from None
    try:
        return _audit_in(page, context, record, options)
    finally:
        # The tab or browser may already be gone; there is nothing left to release then.
        with contextlib.suppress(PlaywrightError):
            page.close()


def _audit_in(page: Page, context: BrowserContext, record: PageRecord, options: AuditOptions) -> PageAudit:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    timeout_ms = options.timeout_s * 1000
    started = time.monotonic()
    try:
        response = page.goto(record.url, wait_until=options.wait_until, timeout=timeout_ms)
    except PlaywrightTimeout:
        message = f"did not load within {options.timeout_s:g}s"
        return PageAudit(dataclasses.replace(record, status=PageStatus.LOAD_ERROR, error=message))
    except PlaywrightError as error:
        if _browser_gone(context):
            raise BrowserLost(_short(error)) from None
        return PageAudit(dataclasses.replace(record, status=PageStatus.LOAD_ERROR, error=_short(error)))
    load_ms = round((time.monotonic() - started) * 1000, 1)
    final_url = page.url
    status = response.status if response is not None else None
    record = dataclasses.replace(record, final_url=final_url, http_status=status, timing={"load_ms": load_ms})
    if origin(final_url) != origin(record.url):
        message = f"redirected to another origin ({final_url}); not audited"
        return PageAudit(dataclasses.replace(record, status=PageStatus.OFFSITE, error=message))
    if status is not None and status >= 400:
        reason = response.status_text if response is not None and response.status_text else ""
        message = f"HTTP {status}{' ' + reason if reason else ''}"
        return PageAudit(dataclasses.replace(record, status=PageStatus.LOAD_ERROR, error=message))

    requested_rules = [*options.enable, *options.disable]
    started = time.monotonic()
    try:
        result: dict[str, Any] = page.evaluate(AXE_RUN_JS, [options.axe_options(), requested_rules, timeout_ms])
    except PlaywrightError as error:
        if _browser_gone(context):
            raise BrowserLost(_short(error)) from None
        return PageAudit(dataclasses.replace(record, status=PageStatus.AUDIT_ERROR, error=_short(error)))
    if "golive_unknown_rules" in result:
        raise UnknownRules(list(result["golive_unknown_rules"]), str(result.get("version", "")))
    timing = {**record.timing, "axe_ms": round((time.monotonic() - started) * 1000, 1)}
    violations = sum(len(rule.get("nodes", [])) for rule in result.get("violations", []))
    record = dataclasses.replace(record, status=PageStatus.AUDITED, violations=violations, timing=timing)

    screenshot = None
    if violations and options.screenshots:
        try:
            screenshot = page.screenshot(full_page=True, type="jpeg", quality=60, timeout=SCREENSHOT_TIMEOUT_MS)
        except PlaywrightError:
            screenshot = None  # a screenshot is a courtesy; the audit result stands without it
    links: tuple[str, ...] = ()
    if options.collect_links:
        try:
            links = tuple(str(link) for link in page.evaluate(LINKS_JS))
        except PlaywrightError:
            links = ()  # the page navigated away after the audit; the crawl just learns nothing from it
    return PageAudit(record, result, screenshot, links)
