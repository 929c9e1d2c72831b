"""Which axe-core to inject: `accessibility.axe_script` if set, else the copy bundled with axe-playwright-python."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from harness.suite import GatherError

BUNDLED_PACKAGE = "axe_playwright_python"
BUNDLED_FILE = "axe.min.js"
_VERSION_BANNER = re.compile(r"axe v(\d+\.\d+\.\d+\S*)")


@dataclass(frozen=True)
class AxeScript:
    """An axe-core script on disk: its path, where it came from, and the version its banner declares."""

    path: Path
    source: str  # "bundled (axe_playwright_python)" or "accessibility.axe_script"
    banner_version: str | None


def banner_version(path: Path) -> str | None:
    """The version in axe.min.js's leading ``/*! axe vX.Y.Z`` comment, or None if there is none."""
    with path.open("r", encoding="utf-8", errors="replace") as stream:
        match = _VERSION_BANNER.search(stream.read(512))
    return match.group(1) if match else None


def locate_axe_script(configured: str | None) -> AxeScript:
    """Find the axe-core script to inject; raise GatherError naming what to fix when there is none."""
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise GatherError(f"accessibility.axe_script {configured!r} is not a file; point it at axe.min.js")
        return AxeScript(path, "accessibility.axe_script", banner_version(path))
    try:
        bundled = resources.files(BUNDLED_PACKAGE) / BUNDLED_FILE
    except ModuleNotFoundError:
        raise GatherError(
            "axe-core not found: install it with `pip install axe-playwright-python` "
            "or set accessibility.axe_script to an axe.min.js"
        ) from None
    path = Path(str(bundled))
    if not path.is_file():
        raise GatherError(f"{BUNDLED_PACKAGE} has no {BUNDLED_FILE}; reinstall it or set accessibility.axe_script")
    return AxeScript(path, f"bundled ({BUNDLED_PACKAGE})", banner_version(path))
