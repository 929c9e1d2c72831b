"""A target that misbehaves: golive says what happened in one line, never READY, and leaves nothing running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.faults.target_server import misbehaving_server
from tests.support import REPO_ROOT, session_processes

pytestmark = pytest.mark.integration


def golive(args: list[str], cwd: Path, timeout: float = 240) -> tuple[int, str, dict[str, Any]]:
    """Run golive in a session of its own; check that nothing of that session outlives it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", *args, "--out", "out"],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )  # fmt: skip
    out, err = process.communicate(timeout=timeout)
    time.sleep(0.2)
    assert session_processes(process.pid) == [], "a process was left behind"
    result = json.loads((cwd / "out" / "latest" / "result.json").read_text())
    return process.returncode, out + err, result


def load(path: str) -> list[str]:
    return [
        "run", "--suite", "performance", "--set", f'performance.paths=["{path}"]', "--set", 'performance.duration="4s"',
        "--set", "performance.users=2", "--set", "performance.spawn_rate=2",
    ]  # fmt: skip


def test_a_target_name_that_does_not_resolve_is_said_once(tmp_path: Path) -> None:
    code, output, result = golive(
        ["run", "--suite", "accessibility", "--target", "http://golive-test.invalid"], tmp_path
    )
    assert code == 2
    assert "host 'golive-test.invalid' not found" in output
    assert [reason["status"] for reason in result["reasons"]] == ["error"]


def test_a_target_that_stalls_is_inconclusive_with_what_to_check(tmp_path: Path) -> None:
    with misbehaving_server() as server:
        code, output, result = golive([*load("/stall"), "--target", server.url], tmp_path)
    assert code == 2
    assert "no request completed during the load test: the target answered none in time" in output
    assert result["verdict"] == "INCONCLUSIVE"


def test_a_redirect_loop_fails_the_load_test_with_its_error(tmp_path: Path) -> None:
    with misbehaving_server() as server:
        code, _, result = golive([*load("/loop-a"), "--target", server.url], tmp_path)
    assert code == 1
    performance = result["suites"]["performance"]
    assert performance["metrics"]["error_ratio"] == 1
    assert performance["findings"], "the redirect error is a finding"


def test_a_target_that_goes_down_mid_run_and_comes_back_is_measured_as_errors(tmp_path: Path) -> None:
    with misbehaving_server() as server:
        command = [sys.executable, "-m", "harness", *load("/page"), "--target", server.url, "--out", "out"]
        command[command.index('performance.duration="4s"')] = 'performance.duration="6s"'
        process = subprocess.Popen(
            command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )  # fmt: skip
        time.sleep(3)
        server.down.set()
        time.sleep(1.5)
        server.down.clear()
        process.communicate(timeout=120)
    assert session_processes(process.pid) == []
    result = json.loads((tmp_path / "out" / "latest" / "result.json").read_text())
    performance = result["suites"]["performance"]
    assert 0 < performance["metrics"]["failures"] < performance["metrics"]["requests"]
    assert result["verdict"] == "NOT_READY"
