"""An output folder that runs out of space, at the start of a run or while its reports are written: golive says
so in one line naming the folder, exits with the usage code (never a verdict it could not keep), leaves no file
half-written and no process behind.

As root (CI), the folder is a small tmpfs filled up; elsewhere, a file size limit on golive (RLIMIT_FSIZE) makes
its writes fail the same way (EFBIG instead of ENOSPC).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.faults.cli import finish, start_golive
from tests.support import Route, install_plugin, serve

pytestmark = pytest.mark.integration

HERE = Path(__file__).resolve().parent


@contextmanager
def full_folder(folder: Path, free: int, size_limit: int) -> Iterator[Callable[[], None] | None]:
    """Make `folder` a 2 MB tmpfs with only `free` bytes left; yield None. Where mounting is not allowed, yield
    what to run in golive's process instead: a file size limit of `size_limit` bytes."""
    folder.mkdir(parents=True)
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True, check=False
    ).returncode == 0  # fmt: skip
    if not mounted:
        yield lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size_limit, size_limit))
        return
    try:
        status = os.statvfs(folder)
        (folder / "filler").write_bytes(b"\0" * max(0, status.f_bavail * status.f_frsize - free))
        yield None
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize(
    ("moment", "free", "size_limit"),
    [("at the start", 0, 2000), ("while the reports are written", 60_000, 10_000)],
)
def test_a_full_output_folder_is_one_line_naming_it(tmp_path: Path, moment: str, free: int, size_limit: int) -> None:
    plugin = {"golive.suites": "pausing = golive_pausing:PausingSuite"}
    env = install_plugin(tmp_path / "site", HERE / "pausing_suite.py", "golive_pausing", plugin)
    out = tmp_path / "out"
    with serve({"/": Route("ok")}) as server, full_folder(out, free, size_limit) as limit:
        process = start_golive(
            ["run", "--suite", "pausing", "--target", server.url, "--out", "out"], tmp_path, env, preexec=limit
        )
        outcome = finish(process, None)
        written = {path.relative_to(out).as_posix(): path for path in out.rglob("*") if path.is_file()}
        documents = {name: path.read_text() for name, path in written.items() if name.endswith(".json")}
    assert outcome.code == 3, outcome.output
    errors = [line for line in outcome.output.splitlines() if line.startswith("golive: error:")]
    assert errors == [
        "golive: error: cannot write to output folder out: no space left "
        + ("on the device" if limit is None else "within the file size limit")
        + ", so the run's results and reports are incomplete; free some space or choose another with --out"
    ], outcome.output
    # No verdict is given for a run that could not be kept.
    assert "Traceback" not in outcome.output and "Verdict" not in outcome.output
    # Writes are atomic: whatever was written is whole.
    for text in documents.values():
        json.loads(text)
    if moment != "at the start":
        # What was gathered before the folder filled up is on disk.
        assert any(name.endswith("artifacts/pausing/measured.json") for name in written), sorted(written)
