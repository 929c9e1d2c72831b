"""Start and stop the demo service for `golive demo`, in its own process so load does not slow golive down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from harness.errors import UsageError

_START_TIMEOUT_SECONDS = 15


def demo_config_overrides() -> list[str]:
    """The demo's settings, as `--set` options: a short load, both pages, and a full (active) scan of the
    loopback demo with whichever engine is installed; with none, the verdict is reached without a scan."""
    return [
        "performance.users=10",
        "performance.spawn_rate=10",
        'performance.duration="15s"',
        'performance.paths=["/", "/start", "/slow"]',
        'accessibility.pages=["/", "/start"]',
        'security.mode="full"',
        "security.required=false",
    ]


@contextmanager
def running_demo_service() -> Iterator[str]:
    """Run the demo service on a free loopback port and yield its URL; stop it (by PID) afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.demo.server"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise UsageError("the demo service did not start; run `python -m harness.demo.server` to see why")
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=_START_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
