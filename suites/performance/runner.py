"""Run Locust as a subprocess: its own process group, a hard timeout, live progress, a clean stop on Ctrl-C.

Locust is never imported here: it monkey-patches the standard library (sockets, threads, ssl) on import, which
would break the orchestrator and every other suite in the same process.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from suites.performance import protocol

# After the run time ends, Locust still has to stop its users, merge worker stats and write its files.
SHUTDOWN_GRACE_SECONDS = 60.0
# How long Locust gets to save its results after SIGINT before the whole process group is killed.
STOP_GRACE_SECONDS = 10.0
INTERRUPT_GRACE_SECONDS = 5.0
# If SIGINT was not enough, how long SIGTERM gets before SIGKILL.
TERM_GRACE_SECONDS = 3.0
STDERR_TAIL_LINES = 12
_POLL_SECONDS = 0.25
# "[2026-11-26 10:21:18,309] host/INFO/locust.main: message" -> level and message.
_LOG_LINE = re.compile(r"^\[[^\]]+\] [^/]*/(?P<level>[A-Z]+)/[^:]*: (?P<message>.*)$")

HERE = Path(__file__).resolve().parent
BUILTIN_LOCUSTFILE = HERE / "locustfile.py"
HOOKS_FILE = HERE / "golive_hooks.py"


@dataclass(frozen=True)
class LocustSpec:
    """Everything needed to start one Locust run; `env` holds the secrets and never goes to disk."""

    host: str
    locustfile: Path
    users: int
    spawn_rate: float
    duration: float
    workers: int | str
    artifact_dir: Path
    hard_timeout: float
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    # A staged shape: golive's LoadTestShape sets users and run time, so -u/-r/-t are left out.
    staged: bool = False
    master: MasterSpec | None = None

    def command(self) -> list[str]:
        """The Locust command line (no secrets: those are in `env`)."""
        out = self.artifact_dir
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            # The hooks come first so that, with a staged shape, golive's LoadTestShape is the one Locust picks.
            f"{HOOKS_FILE},{self.locustfile}",
            "--headless",
        ]
        if not self.staged:
            command += [
                "-u",
                str(self.users),
                "-r",
                f"{self.spawn_rate:g}",
                "-t",
                f"{max(1, math.ceil(self.duration))}s",
            ]
        command += [
            "--host",
            self.host,
            # Locust appends ".json" to this name.
            "--json-file",
            str(out / Path(protocol.LOCUST_JSON).stem),
            "--csv",
            str(out / protocol.CSV_PREFIX),
            "--csv-full-history",
            "--html",
            str(out / protocol.HTML_REPORT),
            # Failed requests are golive's to judge; a non-zero exit then means Locust itself went wrong.
            "--exit-code-on-error",
            "0",
            "--only-summary",
        ]
        if self.master is not None:
            command += self.master.arguments()
        elif self.workers == "auto":
            command += ["--processes", "-1"]  # Locust's own master + one forked worker per core
        elif isinstance(self.workers, int) and self.workers >= 2:
            command += ["--processes", str(self.workers)]
        return command


@dataclass(frozen=True)
class MasterSpec:
    """A master that waits for `expect_workers` external workers (other machines) before it starts the test."""

    expect_workers: int
    bind_host: str
    port: int
    max_wait: float

    def arguments(self) -> list[str]:
        """Locust's master options."""
        return [
            "--master",
            "--master-bind-host",
            self.bind_host,
            "--master-bind-port",
            str(self.port),
            "--expect-workers",
            str(self.expect_workers),
            "--expect-workers-max-wait",
            f"{max(1, math.ceil(self.max_wait))}",
        ]


@dataclass
class LocustOutcome:
    """How the Locust process ended; saved as run.json next to Locust's own files."""

    command: list[str]
    exit_code: int | None = None
    seconds: float = 0.0
    timed_out: bool = False
    interrupted: bool = False
    killed: bool = False
    stderr_tail: list[str] = field(default_factory=list)
    last_progress: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)


def format_progress(sample: Mapping[str, Any]) -> str:
    """One progress line for the console, e.g. "users 10, 420.0 rps, p95 38 ms, 0 errors"."""
    p95 = sample.get("p95_ms")
    p95_text = "-" if p95 is None else f"{float(p95):.0f}"
    failures = int(sample.get("failures") or 0)
    stage = f"{sample['stage']}: " if sample.get("stage") else ""
    if not sample.get("requests") and not failures:
        # Workers report to the master in batches every few seconds; "0.0 rps" would read as a dead target.
        joined = f" ({int(sample['workers'])} worker(s) connected)" if "workers" in sample else ""
        return f"{stage}users {int(sample.get('users') or 0)}, no requests counted yet{joined}"
    line = (
        f"{stage}users {int(sample.get('users') or 0)}, {float(sample.get('rps') or 0):.1f} rps, "
        f"p95 {p95_text} ms, {failures} error{'s' if failures != 1 else ''} "
        f"({int(sample.get('requests') or 0)} requests)"
    )
    if sample.get("aborted"):
        line += " - error ratio over performance.abort's limit: stopping early"
    return line


def _read_stdout(stream: Any, sink: Path, on_sample: Callable[[dict[str, Any]], None]) -> None:
    """Turn progress lines into samples; keep anything else (a user locustfile's prints) in a log file."""
    other: list[str] = []
    for line in stream:
        if line.startswith(protocol.PROGRESS_PREFIX):
            try:
                sample = json.loads(line[len(protocol.PROGRESS_PREFIX) :])
            except ValueError:
                continue
            if isinstance(sample, dict):
                on_sample(sample)
        else:
            other.append(line)
    if other:
        sink.write_text("".join(other), encoding="utf-8")


def stderr_tail(path: Path, lines: int = STDERR_TAIL_LINES) -> list[str]:
    """The last non-empty lines Locust wrote on stderr."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if line.strip()][-lines:]


def summarise_stderr(tail: Sequence[str]) -> str:
    """One line saying what went wrong: the last line of a traceback, else the last error Locust logged."""
    traceback_lines: list[str] = []
    logged_errors: list[str] = []
    last = ""
    for line in tail:
        match = _LOG_LINE.match(line)
        if match is None:
            traceback_lines.append(line.strip())
            last = line.strip()
        else:
            last = match["message"].strip()
            if match["level"] in ("ERROR", "CRITICAL"):
                logged_errors.append(last)
    chosen = traceback_lines or logged_errors or [last]
    return chosen[-1][:300]


def _exited(process: subprocess.Popen[str]) -> bool:
    """Whether the Locust process has exited, without reaping it where the platform allows.

    An exited but unreaped process keeps its pid, so its process group id cannot be reused by another
    program before golive has signalled the group one last time.
    """
    if process.returncode is not None:
        return True
    if not hasattr(os, "waitid"):  # macOS: poll() reaps, which is the best available
        return process.poll() is not None
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return process.poll() is not None


def _signal_group(process: subprocess.Popen[str], signum: int) -> None:
    if process.returncode is not None:
        return  # reaped: its group id may belong to someone else by now
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is already gone
        os.killpg(process.pid, signum)


def _wait_exited(process: subprocess.Popen[str], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while not _exited(process):
        if time.monotonic() >= end:
            return False
        time.sleep(0.05)
    return True


def _stop(process: subprocess.Popen[str], grace: float) -> bool:
    """Ask Locust to stop and save what it has; SIGKILL the whole group if it does not exit in time.

    SIGINT first (Locust's own "stop and write the results"), then SIGTERM, which Locust also turns into a clean
    shutdown, then SIGKILL. Only the main process gets the polite signals: in distributed mode it is the master,
    which tells its workers to quit and collects their last statistics; workers interrupted directly would leave
    it waiting for them. Returns True if the group had to be killed.
    """
    try:
        for signum, seconds in ((signal.SIGINT, grace), (signal.SIGTERM, TERM_GRACE_SECONDS)):
            if process.returncode is None and not _exited(process):
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signum)
            if _wait_exited(process, seconds):
                return False
    except KeyboardInterrupt:  # a second Ctrl-C: stop waiting
        pass
    _signal_group(process, signal.SIGKILL)
    return True


def _default_sigint() -> None:
    # A process started with SIGINT ignored (a CI step, `nohup`, a shell's background job) passes that on
    # through exec, and Python then never raises KeyboardInterrupt, so Locust would ignore golive's SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_locust(spec: LocustSpec, progress: Callable[[dict[str, Any]], None]) -> LocustOutcome:
    """Run Locust to completion (or the hard timeout, or Ctrl-C) and describe how it ended.

    Never raises KeyboardInterrupt itself: it stops Locust and returns with `interrupted` set, so the caller can
    save what exists before re-raising.
    """
    spec.artifact_dir.mkdir(parents=True, exist_ok=True)
    stderr_path = spec.artifact_dir / protocol.STDERR_LOG
    outcome = LocustOutcome(command=spec.command())

    def on_sample(sample: dict[str, Any]) -> None:
        outcome.last_progress = sample
        progress(sample)

    began = time.monotonic()
    with stderr_path.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            outcome.command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, **spec.env},
            # Its own process group: Ctrl-C in the terminal reaches golive only, and the group (master and
            # forked workers) can be signalled as one.
            start_new_session=True,
            preexec_fn=_default_sigint,
        )
        reader = threading.Thread(
            target=_read_stdout,
            args=(process.stdout, spec.artifact_dir / protocol.STDOUT_LOG, on_sample),
            daemon=True,
        )
        reader.start()
        deadline = began + spec.hard_timeout
        try:
            while not _exited(process):
                if time.monotonic() >= deadline:
                    outcome.timed_out = True
                    outcome.killed = _stop(process, STOP_GRACE_SECONDS)
                    break
                time.sleep(_POLL_SECONDS)
        except KeyboardInterrupt:
            outcome.interrupted = True
            outcome.killed = _stop(process, INTERRUPT_GRACE_SECONDS)
        finally:
            # Forked workers normally exit with their master; make sure none outlives the run, then reap.
            _signal_group(process, signal.SIGKILL)
            process.wait()
        reader.join(timeout=5)
    outcome.exit_code = process.returncode
    outcome.seconds = round(time.monotonic() - began, 3)
    outcome.stderr_tail = stderr_tail(stderr_path)
    return outcome
