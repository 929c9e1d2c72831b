"""Launching ZAP: a fake `zap.sh` on PATH starts the stub ZAP as a real process on the port it is given.

That exercises golive's real process handling: the free port, the one-off key on the command line, the wait for
core/view/version, the log kept as an artifact, and the shutdown (core.shutdown, then by the process group id).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import time
from pathlib import Path

import pytest

from harness.suite import Target
from suites.security.settings import ZapSettings
from suites.security.zap import run_zap_scan
from suites.security.zap_launch import LOG_NAME
from tests.support import REPO_ROOT, Route, free_port, serve

pytestmark = pytest.mark.integration
TARGET = Target("http://127.0.0.1:8000")


def fake_zap_script(folder: Path, name: str = "zap.sh") -> Path:
    """An executable `zap.sh` that runs the stub ZAP with the options it was given, recording its PID."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    python = shlex.quote(sys.executable)
    script.write_text(
        "#!/bin/sh\n"
        f"echo $$ > {shlex.quote(str(folder / 'pid'))}\n"
        f'PYTHONPATH={shlex.quote(str(REPO_ROOT))} exec {python} -m tests.security.zap_stub "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def fake_docker(folder: Path) -> None:
    """A `docker` client whose engine never answers, so that tests do not depend on this machine's Docker."""
    folder.mkdir(parents=True, exist_ok=True)
    docker = folder / "docker"
    docker.write_text("#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n", encoding="utf-8")
    docker.chmod(0o755)


def environ(path: Path, **extra: str) -> dict[str, str]:
    """The environment for a launch: only `path` on PATH (no real ZAP or Docker), and the stub's knobs."""
    return {"PATH": str(path), "HOME": os.environ.get("HOME", "/"), **extra}


def settings(launch: str, **overrides: object) -> ZapSettings:
    """Fast polls; api_url points at a port where no ZAP listens."""
    values: dict[str, object] = {
        "api_url": f"http://127.0.0.1:{free_port()}",
        "launch": launch,
        "poll_interval": 0.01,
        "connect_timeout": 2,
        "launch_timeout": 20,
    }
    values.update(overrides)
    return ZapSettings.model_validate(values)


def alive(pid: int) -> bool:
    """Whether a process with this id still exists (and is not a zombie)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return status != "Z"


def test_a_local_zap_is_launched_scanned_with_and_shut_down(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_zap_script(bin_dir)
    saved: dict[str, str] = {}
    progress: list[str] = []
    with serve({"/": Route("<a href='/a'>a</a>")}) as site:
        record = run_zap_scan(
            Target(site.url), settings("local"), "baseline", progress.append, saved.__setitem__, (), environ(bin_dir)
        )
    assert record["error"] is None, record["error"]
    launched = record["launched"]
    assert launched["how"] == "local" and launched["stopped_by"] == "core.shutdown"
    assert record["api_url"] == launched["api_url"] and launched["api_url"].startswith("http://127.0.0.1:")
    assert record["spider"]["urls_found"] == 3 and len(record["alerts"]) == 6
    pid = int((bin_dir / "pid").read_text())
    assert pid == launched["pid"] and not alive(pid)
    # The one-off key went to ZAP on its command line; golive's record and ZAP's saved log have it masked.
    assert "api.key=***" in launched["command"] and "-daemon" in launched["command"]
    assert "api.key=***" in saved[LOG_NAME] and "ZAP is now listening on 127.0.0.1" in saved[LOG_NAME]
    assert not any("api.key=" in line and "api.key=***" not in line for line in saved[LOG_NAME].splitlines())
    assert any("starting ZAP" in message for message in progress)


def test_auto_launches_from_zap_home_when_nothing_answers(tmp_path: Path) -> None:
    home = tmp_path / "ZAP_2.16.0"
    fake_zap_script(home)
    empty = tmp_path / "empty"
    empty.mkdir()
    saved: dict[str, str] = {}
    record = run_zap_scan(
        TARGET, settings("auto"), "baseline", lambda m: None, saved.__setitem__, (), environ(empty, ZAP_HOME=str(home))
    )
    assert record["error"] is None, record["error"]
    assert record["launched"]["how"] == "local"
    assert not alive(int((home / "pid").read_text()))


def test_auto_with_nothing_to_launch_says_so_in_one_line(tmp_path: Path) -> None:
    fake_docker(tmp_path / "bin")
    config = settings("auto")
    began = time.monotonic()
    record = run_zap_scan(TARGET, config, "baseline", lambda m: None, None, (), environ(tmp_path / "bin"))
    assert time.monotonic() - began < 5
    assert record["error_kind"] == "unreachable" and record["launched"] is None
    assert record["error"] == (
        f"ZAP not reachable at {config.api_url}: connection refused, and none could be launched "
        '(launch = "auto": no zap.sh in ZAP_HOME or on PATH, and no Docker engine answered `docker info`)'
    )


@pytest.mark.parametrize(
    ("launch", "expected"),
    [
        ("local", 'security.zap.launch = "local" but no zap.sh was found in ZAP_HOME or on PATH'),
        ("docker", 'security.zap.launch = "docker" but no Docker engine answered `docker info`'),
    ],
)
def test_an_explicit_launch_that_cannot_happen_is_a_clear_error(tmp_path: Path, launch: str, expected: str) -> None:
    fake_docker(tmp_path / "bin")
    record = run_zap_scan(TARGET, settings(launch), "baseline", lambda m: None, None, (), environ(tmp_path / "bin"))
    assert record["error_kind"] == "launch_failed"
    assert record["error"].startswith(expected)
    assert record["hint"] is None


def test_a_zap_that_exits_at_start_is_reported_with_its_log(tmp_path: Path) -> None:
    fake_zap_script(tmp_path / "bin")
    saved: dict[str, str] = {}
    env = environ(tmp_path / "bin", ZAP_STUB_EXIT_CODE="3")
    record = run_zap_scan(TARGET, settings("local"), "baseline", lambda m: None, saved.__setitem__, (), env)
    assert record["error_kind"] == "launch_failed"
    assert record["error"].startswith("the ZAP started with local exited with code 3 before answering: ")
    assert "address already in use (simulated)" in record["error"]
    assert "api.key=***" in saved[LOG_NAME]


def test_a_zap_that_never_answers_is_stopped_at_the_launch_deadline(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_zap_script(bin_dir)
    env = environ(bin_dir, ZAP_STUB_START_DELAY="60")
    began = time.monotonic()
    record = run_zap_scan(TARGET, settings("local", launch_timeout=1.5), "baseline", lambda m: None, None, (), env)
    assert time.monotonic() - began < 15
    assert record["error_kind"] == "launch_failed"
    assert "did not answer core/view/version within 1.5s (raise security.zap.launch_timeout)" in record["error"]
    assert record["launched"]["stopped_by"] == "SIGTERM"
    assert not alive(int((bin_dir / "pid").read_text()))


def test_a_zap_that_ignores_shutdown_is_stopped_by_its_process_id(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_zap_script(bin_dir)
    env = environ(bin_dir, ZAP_STUB_IGNORE_SHUTDOWN="1")
    from suites.security import zap_launch

    grace = zap_launch.STOP_GRACE_SECONDS
    zap_launch.STOP_GRACE_SECONDS = 0.5  # the real grace period is 20 s
    try:
        record = run_zap_scan(TARGET, settings("local"), "baseline", lambda m: None, None, (), env)
    finally:
        zap_launch.STOP_GRACE_SECONDS = grace
    assert record["error"] is None
    assert record["launched"]["stopped_by"] == "SIGTERM"
    assert not alive(int((bin_dir / "pid").read_text()))
    assert "api.key=***" in json.dumps(record["launched"])
