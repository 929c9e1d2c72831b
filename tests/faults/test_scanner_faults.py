"""A scanner that dies mid-scan (ZAP, Wapiti): the security suite errors with one line saying so, the other
suites' results are kept, the run is INCONCLUSIVE (nothing else failed), and nothing is left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.faults.cli import Outcome, assert_kept, finish, start_golive, tag_of, tagged_processes
from tests.faults.tls_target import HEADERS
from tests.support import REPO_ROOT, Route, free_port, serve

pytestmark = pytest.mark.integration

KEY = "fault-test-zap-key"
PAGE = (
    "<!DOCTYPE html><html lang='en'><head><title>Shop</title></head><body><main><h1>Shop</h1>"
    + "".join(f"<a href='/item/{n}'>item {n}</a>" for n in range(20))
    + "</main></body></html>"
)
QUICK = [
    "--suite", "availability", "--suite", "security",
    "--set", 'availability.window="2s"', "--set", "availability.requests=2", "--set", "availability.error_pages=false",
]  # fmt: skip


@contextmanager
def healthy_site(delay: float = 0.0) -> Iterator[str]:
    """A site that passes availability and hygiene, so only the scanner can make the run inconclusive; each item
    page takes `delay` seconds, to keep a crawler busy."""
    routes = {"/": Route(PAGE, headers=HEADERS), "/robots.txt": Route("User-agent: *\n", headers=HEADERS)}
    routes |= {f"/item/{n}": Route(PAGE, headers=HEADERS, delay=delay) for n in range(20)}
    with serve(routes, default=Route("<!DOCTYPE html><title>Not found</title>", 404, HEADERS)) as server:
        yield server.url


@contextmanager
def zap_stub_process(port: int) -> Iterator[subprocess.Popen[str]]:
    """The ZAP stub as a process of its own (its spider never finishes), so the test can kill it mid-scan."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.security.zap_stub", "-daemon", "-host", "127.0.0.1", "-port", str(port),
         "-config", f"api.key={KEY}"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "ZAP_STUB_STALL": "spider"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        while "now listening" not in (line := process.stdout.readline()):
            assert line, "the ZAP stub did not start"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def _wait_for(process: subprocess.Popen[str], marker: str, seen: list[str], timeout: float = 120) -> None:
    """Read golive's stderr until a line holds `marker` (keeping every line in `seen`)."""
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return
    raise AssertionError(f"{marker!r} never appeared: {''.join(seen)}")


def _finish(process: subprocess.Popen[str], cwd: Path, seen: list[str]) -> Outcome:
    outcome = finish(process, cwd / "out" / "latest" / "result.json")
    outcome.output = "".join(seen) + outcome.output
    return outcome


def _assert_scan_error_kept_the_rest(outcome: Outcome, cwd: Path, scanner: str) -> str:
    """The shared expectations; returns the security suite's error."""
    assert outcome.result is not None, outcome.output
    assert outcome.code == 2 and outcome.result["verdict"] == "INCONCLUSIVE", outcome.output
    assert_kept(cwd)
    suites = outcome.result["suites"]
    assert suites["availability"]["status"] == "pass", "the other suite's result was lost"
    assert suites["security"]["status"] == "error"
    errors = [r["message"] for r in outcome.result["reasons"] if r["status"] == "error" and "security" in r["suites"]]
    assert errors and all("\n" not in message for message in errors)
    assert any(scanner in message for message in errors), errors
    assert "Traceback" not in outcome.output
    return " ".join(errors)


def test_zap_dying_mid_scan_is_an_error_of_the_security_suite(tmp_path: Path) -> None:
    port = free_port()
    with healthy_site() as url, zap_stub_process(port) as zap:
        process = start_golive(
            ["run", "--target", url, *QUICK, "--set", 'security.engine="zap"', "--set", 'security.zap.launch="never"',
             "--set", f'security.zap.api_url="http://127.0.0.1:{port}"', "--set", f'security.zap.api_key="{KEY}"',
             "--set", 'security.zap.poll_interval="0.2s"', "--out", "out"],
            tmp_path,
        )  # fmt: skip
        seen: list[str] = []
        _wait_for(process, "spidering (%)", seen)
        zap.kill()
        outcome = _finish(process, tmp_path, seen)
    error = _assert_scan_error_kept_the_rest(outcome, tmp_path, "ZAP")
    assert "ZAP stopped answering mid-scan (spidering)" in error, error
    assert "docker run" not in error, "how to start a ZAP is beside the point when one died mid-scan"


def test_wapiti_dying_mid_scan_is_an_error_of_the_security_suite(tmp_path: Path) -> None:
    with healthy_site(delay=0.5) as url:
        process = start_golive(
            ["run", "--target", url, *QUICK, "--set", 'security.engine="wapiti"', "--out", "out"], tmp_path
        )
        scanners = _wapiti_processes(tag_of(process))
        assert scanners, "Wapiti never started"
        os.killpg(os.getpgid(scanners[0]), signal.SIGKILL)
        outcome = _finish(process, tmp_path, [])
    error = _assert_scan_error_kept_the_rest(outcome, tmp_path, "Wapiti")
    assert "Wapiti was killed by SIGKILL mid-scan (not by golive), before it wrote its report" in error, error


def _wapiti_processes(tag: str, timeout: float = 60) -> list[int]:
    """Wapiti's processes among golive's, once it has started (it crawls for several seconds on this site)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [pid for pid in tagged_processes(tag) if _runs_wapiti(pid)]
        if found:
            time.sleep(1)  # mid-scan, not mid-start
            return found
        time.sleep(0.1)
    return []


def _runs_wapiti(pid: int) -> bool:
    """Whether the process is Wapiti scanning (a Python script: its program, its first argument, or the first after
    golive's `python3 -c LAUNCHER`), rather than golive asking it for its version."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    program = any(Path(argument.decode(errors="replace")).name == "wapiti" for argument in arguments[:4])
    return program and b"--flush-session" in arguments
