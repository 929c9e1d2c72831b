"""Faults around the harness itself: signals at each phase, output folders that cannot be used, two runs at
once. Each ends with a one-line message, the contract's exit code, what was gathered kept, never READY, and no
process left behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support import Route, install_plugin, serve, session_processes

pytestmark = pytest.mark.integration

HERE = Path(__file__).resolve().parent


@pytest.fixture
def plugin_env(tmp_path: Path) -> dict[str, str]:
    env = install_plugin(
        tmp_path / "site",
        HERE / "pausing_suite.py",
        "golive_pausing",
        {"golive.suites": "pausing = golive_pausing:PausingSuite"},
    )
    return {**os.environ, **env}


def _start(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "harness", *args],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def _wait_for(process: subprocess.Popen[str], marker: str, timeout: float = 60) -> list[str]:
    """Read stderr lines until one contains `marker`."""
    assert process.stderr is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"{marker!r} never appeared: {''.join(seen)}")


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    # Everything golive started went with it.
    time.sleep(0.2)
    assert session_processes(process.pid) == [], "a process was left behind"
    return process.returncode, out, err


@contextmanager
def stalling_server() -> Iterator[str]:
    """A server that accepts connections and never answers: preflight waits on it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("phase", ["gather", "judge"])
def test_a_signal_in_a_phase_keeps_what_was_gathered(
    tmp_path: Path, plugin_env: dict[str, str], phase: str, signum: int
) -> None:
    with serve({"/": Route("ok")}) as server:
        env = {**plugin_env, "GOLIVE_FAULT_STALL": phase}
        process = _start(["run", "--suite", "pausing", "--target", server.url, "--out", "out"], tmp_path, env)
        _wait_for(process, f"FAULT-PHASE {phase}")
        os.killpg(process.pid, signum)
        code, out, err = _finish(process)
    assert code == 130, err
    assert "golive: interrupted" not in out
    result = json.loads((tmp_path / "out" / "latest" / "result.json").read_text())
    assert result["interrupted"] is True and result["verdict"] != "READY"
    assert (tmp_path / "out" / "latest" / "report.html").is_file()
    # What was gathered before the signal is on disk for `golive evaluate`.
    assert json.loads((tmp_path / "out" / "latest" / "artifacts" / "pausing" / "measured.json").read_text()) == {
        "value": 1
    }


def test_a_signal_during_preflight_writes_an_interrupted_result(tmp_path: Path, plugin_env: dict[str, str]) -> None:
    with stalling_server() as url:
        process = _start(["run", "--suite", "pausing", "--target", url, "--out", "out"], tmp_path, plugin_env)
        _wait_for(process, "run folder")
        time.sleep(0.5)
        os.killpg(process.pid, signal.SIGINT)
        code, _, err = _finish(process)
    assert code == 130, err
    result = json.loads((tmp_path / "out" / "latest" / "result.json").read_text())
    assert result["interrupted"] is True and result["verdict"] == "INCONCLUSIVE"


def test_an_output_folder_that_cannot_be_made_is_a_usage_error(tmp_path: Path, plugin_env: dict[str, str]) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    process = _start(
        ["run", "--suite", "pausing", "--target", "http://127.0.0.1:9", "--out", "taken/out"], tmp_path, plugin_env
    )
    code, _, err = _finish(process)
    assert code == 3
    assert err.count("\n") == 1 and "taken/out" in err and "--out" in err


def test_a_latest_that_cannot_be_replaced_does_not_lose_the_run(tmp_path: Path, plugin_env: dict[str, str]) -> None:
    (tmp_path / "out" / "latest").mkdir(parents=True)
    (tmp_path / "out" / "latest" / "keep.txt").write_text("someone's folder")
    with serve({"/": Route("ok")}) as server:
        process = _start(["run", "--suite", "pausing", "--target", server.url, "--out", "out"], tmp_path, plugin_env)
        code, out, _ = _finish(process)
    assert code == 0
    runs = [path for path in (tmp_path / "out").iterdir() if (path / "result.json").is_file() and path.name != "latest"]
    assert len(runs) == 1
    assert (tmp_path / "out" / "latest" / "keep.txt").read_text() == "someone's folder"
    assert (
        "could not point" in out
        or "could not point" in json.loads((runs[0] / "result.json").read_text())["reasons"][-1]["message"]
    )


def test_two_runs_at_once_into_one_folder_keep_both(tmp_path: Path, plugin_env: dict[str, str]) -> None:
    with serve({"/": Route("ok")}) as server:
        args = ["run", "--suite", "pausing", "--target", server.url, "--out", "out"]
        first, second = _start(args, tmp_path, plugin_env), _start(args, tmp_path, plugin_env)
        codes = [_finish(first)[0], _finish(second)[0]]
    assert codes == [0, 0]
    runs = sorted(path for path in (tmp_path / "out").iterdir() if path.is_dir() and not path.is_symlink())
    assert len(runs) == 2 and all((run / "result.json").is_file() for run in runs)
    assert (tmp_path / "out" / "latest").resolve() in [run.resolve() for run in runs]
