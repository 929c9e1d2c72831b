"""The run folder: its id, its creation, and the `latest` link beside it."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

LATEST = "latest"


def new_run_id(now: dt.datetime) -> str:
    """An id that sorts by time and does not collide, e.g. ``20261126T101500Z-3f2a``."""
    return now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def create_run_dir(out: Path, run_id: str) -> Path:
    """Make `<out>/<run_id>/artifacts/` and return the run folder."""
    run_dir = out / run_id
    (run_dir / "artifacts").mkdir(parents=True, exist_ok=False)
    return run_dir


def point_latest(out: Path, run_dir: Path) -> None:
    """Point `<out>/latest` at the run folder, replacing any older link in one step."""
    link = out / LATEST
    temporary = out / f".{LATEST}.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(run_dir.name, target_is_directory=True)
    os.replace(temporary, link)


def utc_timestamp(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second, as result.json writes times."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
