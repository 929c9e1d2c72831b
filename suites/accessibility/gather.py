"""Gather: audit every planned page and journey in one Chromium and save the raw results plus a page index.

The parts: `planning` decides which pages and journeys to visit, `scheduler` runs them in tabs of one
`browser_session` and survives crashes, `results` saves each page's files and keeps the index current.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

from harness.auth.signin import session_from_state_file
from harness.suite import GatherContext, GatherError
from harness.tls_trust import untrusted_reason
from suites.accessibility.axe_script import locate_axe_script
from suites.accessibility.browser import choose_executable, playwright_chromium_path
from suites.accessibility.browser_session import BrowserSession
from suites.accessibility.causes import chromium_did_not_start
from suites.accessibility.planning import Plan, PlannedPage
from suites.accessibility.results import Results
from suites.accessibility.reuse import ReuseSetup, open_reuse
from suites.accessibility.reuse_key import browser_identity, version_number
from suites.accessibility.scheduler import Scheduler, audit_options
from suites.accessibility.settings import AccessibilitySettings


def storage_state_path(configured: str | None) -> str | None:
    """The storage-state file to log in with, checked before the browser starts."""
    if not configured:
        return None
    path = Path(configured).expanduser()
    hint = "save one with Playwright's context.storage_state(path=...) after logging in"
    if not path.is_file():
        raise GatherError(f"accessibility.storage_state {configured!r} is not a file; {hint}")
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise GatherError(
            f"accessibility.storage_state {configured!r} is not readable JSON ({error}); {hint}"
        ) from None
    if not isinstance(state, dict) or not {"cookies", "origins"} & set(state):
        raise GatherError(f"accessibility.storage_state {configured!r} has no cookies or origins; {hint}")
    return str(path)


def gather(context: GatherContext) -> None:
    """Audit the configured (and discovered) pages and journeys in Chromium; save results under artifacts."""
    untrusted = untrusted_reason(context.target.url, context.target.ca_file)
    if untrusted:
        # Chromium would refuse every page; say why once rather than once per page.
        raise GatherError(f"no page audited: {untrusted}")
    settings = context.settings_as(AccessibilitySettings, "accessibility")
    axe = locate_axe_script(settings.axe_script)
    # golive's own sign-in (auth) gives the session unless this suite names a storage state of its own.
    own_state = storage_state_path(settings.storage_state)
    if own_state is not None:  # its cookies are secrets like the session's: masked in files and screenshots
        context.redactor.add(session_from_state_file(own_state, context.target).secret_values)
    storage_state = own_state or context.target.storage_state
    plan = Plan(settings, context.target, context.progress)
    results = Results(settings, context.target, axe, context.write_json, context.artifact_dir, context.progress)
    try:
        asyncio.run(_run_browser(context, plan, results, storage_state))
    except GatherError as error:
        results.stopped = str(error)  # the cause, for the pages the run never reached
        raise
    finally:
        results.save(plan)
    results.require_an_audit()


async def _run_browser(context: GatherContext, plan: Plan, results: Results, storage_state: str | None) -> None:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    try:
        manager = await async_playwright().start()
    except PlaywrightError as error:
        raise GatherError(f"Playwright could not start: {str(error).strip().splitlines()[0]}") from None
    configured = context.config.browser.executable
    try:
        try:
            executable = choose_executable(configured, playwright_chromium_path(manager))
        except GatherError as error:
            raise GatherError(chromium_did_not_start(configured, error)) from None
        session = BrowserSession(
            manager, executable, results.axe, plan.target, plan.settings.page_timeout, storage_state=storage_state
        )
        session.explain_launch_failure = lambda error: chromium_did_not_start(configured, error)
        setup = ReuseSetup(
            plan.settings,
            plan.target,
            context.cache_dir,
            executable,
            results.axe.path,
            storage_state,
            audit_options(plan, context.redactor.values),
            context.redactor,
            results.started_at,
        )
        reuse, note = await open_reuse(manager, setup)
        plan.facts.notes.extend([note] if note else [])
        results.browser = {"executable": executable, "version": version_number(browser_identity(executable))}
        try:
            if plan.settings.sitemap:
                await session.ready()
                await plan.add_sitemap_pages(session.context)
            plan.apply_shard()
            if reuse is not None:
                reuse.prefetch(work.url for work in plan.pending if isinstance(work, PlannedPage))
            await Scheduler(plan, results, session, context.redactor.values, reuse).run()
        finally:
            results.browser["version"] = session.version or results.browser["version"]
            if reuse is not None:
                plan.facts.notes.extend(reuse.notes())
                await reuse.close()
                if not session.launched and results.pages_done and not plan.pending:
                    context.progress("Chromium was not started: every page was unchanged and reused")
            await session.close()
    finally:
        # The driver may have died with the browser (Ctrl-C reaches the whole process group).
        with contextlib.suppress(Exception):
            await manager.stop()
