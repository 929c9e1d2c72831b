"""Running the real `golive` command for fault tests: in a session of its own, so the test can signal or kill
what it started, see its peak memory, and prove that nothing of it outlives it.

Tools that golive starts in sessions of their own (Locust, Wapiti, a launched ZAP) are found by a tag in the
environment they inherit, so a process that left golive's session is still counted as golive's."""

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


TAG = "GOLIVE_FAULT_RUN"
_TAGS: dict[int, str] = {}


def tagged_processes(tag: str) -> list[int]:
    """The live processes (zombies aside) whose environment carries `TAG=tag`: golive and all it started."""
    marker = f"{TAG}={tag}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0") and " Z " not in (entry / "stat").read_text():
                found.append(int(entry.name))
        except OSError:
            continue  # gone, or not ours to read
    return found


def tag_of(process: subprocess.Popen[str]) -> str:
    """The tag in the environment of a golive started by `start_golive` (and of all it starts)."""
    return _TAGS[process.pid]


def tree_rss(tag: str) -> int:
    """Resident memory of golive and every process it started, in bytes."""
    total = 0
    for pid in tagged_processes(tag):
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue  # the process ended between listing and reading
    return total


def start_golive(
    args: list[str], cwd: Path, env: Mapping[str, str] | None = None, preexec: Callable[[], None] | None = None
) -> subprocess.Popen[str]:
    """Start `golive ARGS` as a user would, leading a session of its own, its environment tagged with its own id."""
    tag = f"{cwd}:{time.monotonic_ns()}"
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {}), TAG: tag}, preexec_fn=preexec,
    )  # fmt: skip
    _TAGS[process.pid] = tag
    return process


def finish(process: subprocess.Popen[str], result_file: Path | None, timeout: float = 300) -> Outcome:
    """Wait for golive while sampling its tree's memory; check that nothing it started is left."""
    peak = 0
    done = threading.Event()
    tag = _TAGS.pop(process.pid)

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.2):
            peak = max(peak, tree_rss(tag))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        done.set()
        sampler.join()
    time.sleep(0.3)
    assert session_processes(process.pid) == [], "a process was left behind"
    assert tagged_processes(tag) == [], "a process golive started was left behind"
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
