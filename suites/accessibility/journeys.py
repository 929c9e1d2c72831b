"""Journeys: walk a configured path through the service in one tab, auditing the page after each step.

Transactions are where people get stuck, and their worst states (a form showing its errors) exist only after a
user did something, so each step's resulting page is audited like any other page. A step that cannot be done
ends the journey as an error naming the step; the states audited before it are kept.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from harness.auth.login_page import landing_in_browser
from harness.browser_steps import StepFailed, perform_step
from harness.suite import Target
from suites.accessibility.artifacts import PageRecord, PageStatus
from suites.accessibility.audit import (
    AuditOptions,
    BrowserLost,
    PageAudit,
    browser_gone,
    inspect,
    short_error,
)
from suites.accessibility.settings import Journey, JourneyStep
from suites.accessibility.urls import origin

if TYPE_CHECKING:
    from playwright.async_api import Page


def step_record(journey: Journey, number: int, step: JourneyStep, url: str) -> PageRecord:
    """The index record for the state after step `number` (1-based) of `journey`."""
    label = step.describe()
    return PageRecord(
        url=url,
        requested=f"{journey.name} · step {number}: {label}",
        source="journey",
        journey=journey.name,
        step=number,
        step_label=label,
    )


async def run_journey(page: Page, journey: Journey, target: Target, options: AuditOptions) -> list[PageAudit]:
    """Walk `journey` in `page` (a fresh tab) and audit each state; a failed step ends it with a STEP_ERROR record.

    Only the loss of the whole browser raises (BrowserLost), so the caller can retry the journey from its start.
    """
    from playwright.async_api import Error as PlaywrightError

    audits: list[PageAudit] = []
    last = len(journey.steps)
    for number, step in enumerate(journey.steps, start=1):
        started = time.monotonic()
        try:
            await perform_step(page, step, target, options.wait_until, options.timeout_s, journey.step_timeout)
            if step.action == "goto":
                login = await landing_in_browser(page, target.resolve(step.argument), target.login_url)
                if login is not None:
                    raise StepFailed(login)
        except (PlaywrightError, StepFailed) as error:
            if isinstance(error, PlaywrightError) and await browser_gone(page.context, error):
                raise BrowserLost(short_error(error)) from None
            record = step_record(journey, number, step, page.url)
            message = f"step {number} ({step.describe()}) failed: {short_error(error)}"
            audits.append(PageAudit(_with(record, PageStatus.STEP_ERROR, message)))
            break
        if not step.audit:
            continue
        record = step_record(journey, number, step, page.url)
        record.final_url = page.url
        record.timing = {"step_ms": round((time.monotonic() - started) * 1000, 1)}
        if origin(page.url) != origin(target.url):
            message = f"this step left the target for {page.url}; that page was not audited"
            audits.append(PageAudit(_with(record, PageStatus.OFFSITE, message)))
            continue
        try:
            audit = inspect(page, record, options, keyboard=number == last)
            audits.append(await asyncio.wait_for(audit, timeout=options.page_budget_s))
        except TimeoutError:
            message = f"the audit after this step took longer than {options.page_budget_s:g}s; journey stopped"
            audits.append(PageAudit(_with(record, PageStatus.AUDIT_ERROR, message)))
            break
    return audits


def _with(record: PageRecord, status: PageStatus, error: str) -> PageRecord:
    record.status = status
    record.error = error
    return record
