"""Running the real `golive` command for fault tests: in a session of its own, so the test can signal or kill
what it started, see its peak memory, and prove that nothing of it outlives it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support import REPO_ROOT, session_processes

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Outcome:
    """What a golive run left: exit code, everything it printed, its result.json (None if there is none) and the
    most memory its whole process tree held at once (resident, bytes)."""

    code: int
    output: str
    result: dict[str, Any] | None
    peak_rss: int

    def suite_text(self, suite: str) -> str:
        """Everything the result says about one suite (its reasons, checks, findings, error), lower-cased."""
        assert self.result is not None
        reasons = [reason["message"] for reason in self.result["reasons"] if suite in reason["suites"]]
        return (json.dumps(self.result["suites"].get(suite)) + " ".join(reasons)).lower()


def tree_rss(session: int) -> int:
    """Resident memory of every live process in `session`, in bytes."""
    total = 0
    for pid in session_processes(session):
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue  # the process ended between listing and reading
    return total


def start_golive(
    args: list[str], cwd: Path, env: Mapping[str, str] | None = None, preexec: Callable[[], None] | None = None
) -> subprocess.Popen[str]:
    """Start `golive ARGS` as a user would, leading a session of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "harness", *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}, preexec_fn=preexec,
    )  # fmt: skip


def finish(process: subprocess.Popen[str], result_file: Path | None, timeout: float = 300) -> Outcome:
    """Wait for golive while sampling its tree's memory; check that nothing of its session is left."""
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.2):
            peak = max(peak, tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        done.set()
        sampler.join()
    time.sleep(0.3)
    assert session_processes(process.pid) == [], "a process was left behind"
    result = json.loads(result_file.read_text()) if result_file is not None and result_file.is_file() else None
    return Outcome(process.returncode, out + err, result, peak)


def run(args: list[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 300) -> Outcome:
    """`golive ARGS --out out` to the end; the result is out/latest/result.json."""
    process = start_golive([*args, "--out", "out"], cwd, env)
    return finish(process, cwd / "out" / "latest" / "result.json", timeout)


def assert_kept(cwd: Path) -> None:
    """The run's result and reports were written."""
    latest = cwd / "out" / "latest"
    for name in ("result.json", "report.html", "summary.md", "junit.xml"):
        assert (latest / name).is_file(), f"{name} was not written"
