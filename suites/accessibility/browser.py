"""The accessibility suite's Chromium is the harness's (signing in uses the same one): see harness.browser."""

from harness.browser import (
    DEBIAN_CHROMIUM,
    INSTALL_HINT,
    LAUNCH_ARGS,
    choose_executable,
    launch_chromium,
    launch_chromium_async,
    playwright_chromium_path,
    trust_args,
)

__all__ = [
    "DEBIAN_CHROMIUM",
    "INSTALL_HINT",
    "LAUNCH_ARGS",
    "choose_executable",
    "launch_chromium",
    "launch_chromium_async",
    "playwright_chromium_path",
    "trust_args",
]
