"""Re-record the axe results under tests/accessibility/data/recorded/ with the real suite and real Chromium.

Run from the repository root: ``.venv/bin/python -m tests.accessibility.data.record``. URLs are rewritten to
RECORDED_BASE so the unit tests do not depend on the port the recording server happened to get.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from harness.artifacts import GATHER_STATE
from harness.config_loader import load_config
from harness.redaction import Redactor
from harness.suite import GatherContext, Target
from suites.accessibility.gather import gather
from tests.accessibility import pages
from tests.support import Route, serve

RECORDED_BASE = "http://127.0.0.1:8000"
HERE = Path(__file__).resolve().parent / "recorded"


def main() -> None:
    """Serve the fixture pages, audit them, and save the artifacts with a fixed base URL."""
    routes = {
        "/mixed": Route(pages.MIXED),
        "/frame": Route(pages.FRAME_WITH_IMAGE),
        "/clean": Route(pages.CLEAN),
        "/nolang": Route(pages.NO_LANG),
        "/broken": Route("failure", status=500),
    }
    with serve(routes) as server, tempfile.TemporaryDirectory() as scratch:
        overrides = [
            'accessibility.pages=["/mixed", "/clean", "/nolang", "/broken"]',
            'accessibility.rules.enable=["region", "heading-order"]',
            "accessibility.screenshots=false",
        ]
        config = load_config(None, None, overrides, server.url, environ={}).config
        context = GatherContext(Target.from_config(config), config, Path(scratch), Redactor(), print)
        gather(context)
        if HERE.exists():
            shutil.rmtree(HERE)
        shutil.copytree(scratch, HERE, ignore=shutil.ignore_patterns(GATHER_STATE))
        for path in HERE.rglob("*.json"):
            path.write_text(path.read_text(encoding="utf-8").replace(server.url, RECORDED_BASE), encoding="utf-8")
    print(f"recorded {dt.date.today()} into {HERE}")


if __name__ == "__main__":
    main()
