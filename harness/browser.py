"""Find a Chromium and launch it through Playwright (for the browser-based suites and for signing in).

Playwright is imported only inside functions: `golive --help` and runs without this suite must not pay for it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import GatherError
from harness.tls_trust import pinned_key

if TYPE_CHECKING:
    from playwright.async_api import Browser as AsyncBrowser
    from playwright.async_api import Playwright as AsyncPlaywright
    from playwright.sync_api import Browser, Playwright

# Debian's chromium package; Playwright cannot download its own browser everywhere golive runs.
DEBIAN_CHROMIUM = "/usr/lib/chromium/chromium"
INSTALL_HINT = "install it with `apt-get install chromium` or set browser.executable"

# Flags for headless auditing in containers and CI: no sandbox (often unavailable as root in containers),
# no GPU, and none of Chromium's own background traffic, so the only requests are the audited pages'.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


def _runnable(path: str) -> bool:
    return bool(path) and Path(path).is_file() and os.access(path, os.X_OK)


def choose_executable(configured: str, playwright_own: str | None, fallback: str = DEBIAN_CHROMIUM) -> str:
    """The Chromium to launch: `browser.executable` if set, else Playwright's own if installed, else Debian's.

    A configured name without a slash is looked up on PATH. Raises GatherError when nothing usable exists.
    """
    if configured:
        found = configured if os.sep in configured else (shutil.which(configured) or configured)
        if not _runnable(found):
            raise GatherError(f"browser.executable {configured!r} is not an executable file; {INSTALL_HINT}")
        return found
    for candidate in (playwright_own, fallback):
        if candidate and _runnable(candidate):
            return candidate
    raise GatherError(f"no Chromium found; {INSTALL_HINT}")


def playwright_chromium_path(playwright: Playwright | AsyncPlaywright) -> str | None:
    """Where Playwright's own Chromium would be (it may not be installed)."""
    try:
        return playwright.chromium.executable_path
    except Exception:  # Playwright raises when it knows no browser for this platform
        return None


def launch_chromium(playwright: Playwright, executable: str) -> Browser:
    """Launch headless Chromium (sync API); raise GatherError with the first line of the reason if it fails."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        return playwright.chromium.launch(executable_path=executable, headless=True, args=list(LAUNCH_ARGS))
    except PlaywrightError as error:
        raise GatherError(_launch_failure(executable, error)) from None


async def launch_chromium_async(
    playwright: AsyncPlaywright, executable: str, extra_args: Sequence[str] = ()
) -> AsyncBrowser:
    """Launch headless Chromium (async API, as the audit uses); raise GatherError if it fails."""
    from playwright.async_api import Error as PlaywrightError

    try:
        args = [*LAUNCH_ARGS, *extra_args]
        return await playwright.chromium.launch(executable_path=executable, headless=True, args=args)
    except PlaywrightError as error:
        raise GatherError(_launch_failure(executable, error)) from None


def trust_args(url: str, ca_file: str) -> list[str]:
    """Chromium flags that trust the certificate of `url` when it verified against `ca_file` (target.ca_file):
    Chromium reads only the system's CAs, so that certificate's public key is pinned; other sites are unaffected."""
    pin = pinned_key(url, ca_file)
    return [f"--ignore-certificate-errors-spki-list={pin}"] if pin else []


def _launch_failure(executable: str, error: Exception) -> str:
    text = (getattr(error, "message", "") or str(error)).strip()
    first_line = text.splitlines()[0].removeprefix("BrowserType.launch: ") if text else "no reason given"
    return f"Chromium at {executable} did not start: {first_line}"
