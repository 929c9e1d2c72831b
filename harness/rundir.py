"""The run folder: its id, its creation, and the `latest` link beside it."""

from __future__ import annotations

import datetime as dt
import errno
import os
import secrets
from pathlib import Path

LATEST = "latest"
# Beside the runs: what a suite keeps from one run for the next (`<out>/.cache/<suite>/`); a CI job that caches
# the output folder keeps it too.
CACHE_FOLDER = ".cache"


def new_run_id(now: dt.datetime) -> str:
    """An id that sorts by time and does not collide, e.g. ``20261126T101500Z-3f2a``."""
    return now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def check_writable(out: Path) -> str | None:
    """None if runs can be written under `out` (made if missing); else why not, in a few words."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".golive-write-check.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return error.strerror or str(error)
    return None


# Errors that mean the output folder has no room left, whatever file was being written when it ran out.
_NO_ROOM = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "no space left within the disk quota",
    errno.EFBIG: "no space left within the file size limit",
}


def no_room(error: OSError) -> str | None:
    """Why a write failed for lack of space, in a few words; None if it failed for another reason."""
    return _NO_ROOM.get(error.errno) if error.errno is not None else None


def create_run_dir(out: Path, run_id: str) -> Path:
    """Make `<out>/<run_id>/artifacts/` and return the run folder."""
    run_dir = out / run_id
    (run_dir / "artifacts").mkdir(parents=True, exist_ok=False)
    return run_dir


def point_latest(out: Path, run_dir: Path) -> str | None:
    """Point `<out>/latest` at the run folder, replacing any older link in one step.

    Returns None, or why it could not (a real folder named `latest`): the run goes on without the link.
    """
    link = out / LATEST
    temporary = out / f".{LATEST}.{os.getpid()}"
    try:
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(run_dir.name, target_is_directory=True)
        os.replace(temporary, link)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        return f"could not point {link} at this run ({error.strerror or error}); the run is in {run_dir}"
    return None


def utc_timestamp(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second, as result.json writes times."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
