"""Shapes, early abort, scenarios, external workers and safety with the real `golive` and real Locust on 127.0.0.1.

Short runs and few users keep these within the CI budget; none of them asserts a speed.
"""

from __future__ import annotations

import json
import os
import queue
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from harness.redaction import Redactor
from harness.settings import GoliveConfig
from harness.suite import GatherContext, GatherError, Target
from suites.performance.suite import PerformanceSuite
from tests.support import REPO_ROOT, LocalServer, Route, free_port, run_golive, serve

pytestmark = pytest.mark.integration

# The server below serves at most this many requests at once, each taking DELAY: past CONCURRENCY users,
# requests queue and latency grows with every user added - a knee a capacity search must find.
CONCURRENCY = 4
DELAY = 0.1


@pytest.fixture(scope="module")
def limited() -> Iterator[LocalServer]:
    """/ is limited to CONCURRENCY requests at a time; /fail always answers HTTP 500."""
    gate = threading.Semaphore(CONCURRENCY)

    def limited_route(handler: BaseHTTPRequestHandler) -> Route:
        with gate:
            time.sleep(DELAY)
        return Route("ok")

    with serve({"/": limited_route, "/fail": Route("broken", status=500)}) as running:
        yield running


@pytest.fixture
def recorder() -> Iterator[tuple[LocalServer, list[dict[str, Any]]]]:
    """A fast server that records the method, path and headers of every request."""
    seen: list[dict[str, Any]] = []

    def record(handler: BaseHTTPRequestHandler) -> Route:
        seen.append({"method": handler.command, "path": handler.path, "headers": dict(handler.headers.items())})
        return Route("ok")

    with serve({"/fast": record, "/submit": record}) as running:
        yield running, seen


def result_of(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(((out / "latest").resolve() / "result.json").read_text(encoding="utf-8"))
    return data


def performance_of(out: Path) -> dict[str, Any]:
    suite: dict[str, Any] = result_of(out)["suites"]["performance"]
    return suite


def checks_of(out: Path) -> dict[str, dict[str, Any]]:
    return {check["id"]: check for check in performance_of(out)["checks"]}


def test_capacity_search_finds_the_knee_and_stops_there(limited: LocalServer, tmp_path: Path) -> None:
    completed = run_golive(
        "run", "--target", limited.url, "--suite", "performance",
        "--set", 'performance.shape="capacity"', "--set", "performance.spawn_rate=20",
        # 4 users fit the server's 4 slots (~100 ms each); 12 queue for three rounds; 20 is never reached.
        "--set", 'performance.capacity={start_users=4, step_users=8, max_users=20, step_duration="4s"}',
        "--set", "performance.thresholds.p95_ms={warn=200, fail=250}",
        "--out", str(tmp_path),
        cwd=REPO_ROOT,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "[performance] starting capacity search: 4 to 20 users in steps of 8" in completed.stderr
    assert "step 2: users" in completed.stderr  # live progress names the step
    performance = performance_of(tmp_path)
    metrics = performance["metrics"]
    assert (metrics["capacity_users"], metrics["capacity_broke_at_users"]) == (4, 12)
    assert metrics["capacity_rps"] > 0
    steps = performance["details"]["steps"]
    assert [(row["users"], row["outcome"].split(":")[0]) for row in steps] == [(4, "met"), (12, "broken")]
    assert "p95_ms" in steps[1]["outcome"]
    capacity = checks_of(tmp_path)["capacity_users"]
    assert capacity["status"] == "pass" and "the next step (12 users) broke" in capacity["message"]

    # Re-judged offline: a capacity target above what was found fails, with the same steps.
    run_dir = str((tmp_path / "latest").resolve())
    again = run_golive(
        "evaluate", run_dir, "--set", "performance.thresholds.capacity_users={fail_below=10}", cwd=REPO_ROOT
    )
    assert again.returncode == 1, again.stdout + again.stderr
    assert checks_of(tmp_path)["capacity_users"]["message"].startswith("capacity 4 users < 10 users")


def test_early_abort_stops_a_failing_run_and_fails_with_the_reason(limited: LocalServer, tmp_path: Path) -> None:
    completed = run_golive(
        "run", "--target", limited.url, "--suite", "performance",
        "--set", 'performance.paths=["/fail"]', "--set", "performance.users=3", "--set", "performance.spawn_rate=3",
        "--set", 'performance.duration="60s"', "--set", 'performance.abort={error_ratio=0.5, for="2s"}',
        "--out", str(tmp_path),
        cwd=REPO_ROOT,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stdout + completed.stderr
    abort = checks_of(tmp_path)["abort"]
    assert abort["status"] == "fail"
    assert "the load test was aborted after" in abort["message"] and "stayed above 0.5 for 2s" in abort["message"]
    assert "stopping early" in completed.stderr
    assert performance_of(tmp_path)["details"]["run"]["measured_seconds"] < 60  # it did stop before the end
    assert "the load test was aborted" in completed.stdout  # among the verdict's reasons


def test_weighted_scenarios_with_methods_bodies_and_merged_headers(
    recorder: tuple[LocalServer, list[dict[str, Any]]], tmp_path: Path
) -> None:
    server, seen = recorder
    completed = run_golive(
        "run", "--target", server.url, "--suite", "performance",
        "--set", 'performance.duration="3s"', "--set", "performance.users=3", "--set", "performance.spawn_rate=3",
        "--set", "performance.think_time=0.01",
        "--set", 'performance.scenarios=[{path="/fast", weight=4}, '
                 '{path="/submit", method="POST", json={q="tea"}, headers={X-Step="2"}}]',
        "--set", 'target.headers={X-Token="shared"}',
        "--set", 'performance.thresholds."POST /submit".p95_ms={fail=5000}',
        "--out", str(tmp_path),
        cwd=REPO_ROOT,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    rows = {row["endpoint"]: row for row in performance_of(tmp_path)["details"]["endpoints"]}
    assert set(rows) == {"GET /fast", "POST /submit"}
    assert rows["GET /fast"]["requests"] > rows["POST /submit"]["requests"] > 0  # weight 4 to 1
    assert checks_of(tmp_path)["POST /submit p95_ms"]["status"] == "pass"
    posts = [request for request in seen if request["method"] == "POST"]
    gets = [request for request in seen if request["method"] == "GET"]
    assert posts and {request["path"] for request in posts} == {"/submit"}
    headers = posts[0]["headers"]
    assert headers["X-Token"] == "shared" and headers["X-Step"] == "2"  # merged over target.headers
    assert headers["Content-Type"].startswith("application/json")
    assert "X-Step" not in gets[0]["headers"]  # per-request headers stay with their request


def _stderr_lines(stream: Any, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def test_master_waits_for_an_external_worker_and_prints_its_command(limited: LocalServer, tmp_path: Path) -> None:
    port = free_port()
    command = [
        sys.executable, "-m", "harness", "run", "--target", limited.url, "--suite", "performance",
        "--set", "performance.expect_workers=1", "--set", 'performance.master_bind_host="127.0.0.1"',
        "--set", f"performance.master_port={port}", "--set", 'performance.expect_workers_timeout="60s"',
        "--set", 'performance.duration="3s"', "--set", "performance.users=2", "--set", "performance.spawn_rate=2",
        "--out", str(tmp_path),
    ]  # fmt: skip
    golive = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_stderr_lines, args=(golive.stderr, lines), daemon=True).start()
    worker: subprocess.Popen[bytes] | None = None
    try:
        printed = ""
        deadline = time.monotonic() + 30
        while not printed and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if "golive worker" in line:
                printed = line.split(" run: ", 1)[1].strip()
        assert printed, "golive did not print the worker command"
        words = shlex.split(printed)
        split = words.index("golive")
        env = dict(word.split("=", 1) for word in words[:split])
        assert words[split:] == ["golive", "worker", "--master-host", "127.0.0.1", "--master-port", str(port)]
        # The worker runs exactly what was printed, as `golive worker` of this installation.
        worker = subprocess.Popen(
            [sys.executable, "-m", "harness", *words[split + 1 :]],
            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        assert golive.wait(timeout=90) == 0
    finally:
        for process in (golive, worker):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    performance = performance_of(tmp_path)
    assert performance["metrics"]["requests"] > 0
    assert performance["details"]["run"]["worker_command"] == printed
    assert performance["details"]["run"]["parameters"]["expect_workers"] == 1


def _loopback_alias() -> str:
    """This machine's own name when it resolves to a loopback address: reachable, but not a loopback *name*."""
    name = socket.gethostname()
    try:
        address = socket.gethostbyname(name)
    except OSError:
        pytest.skip("this machine's name does not resolve")
    if not address.startswith("127."):
        pytest.skip("this machine's name does not resolve to a loopback address")
    return name


def test_a_host_not_allowed_gets_not_a_single_request(tmp_path: Path, make_config: Any) -> None:
    alias = _loopback_alias()
    with serve({"/": Route("ok")}) as server:
        url = server.url.replace("127.0.0.1", alias)
        completed = run_golive("run", "--target", url, "--suite", "performance", "--out", str(tmp_path), cwd=REPO_ROOT)
        assert completed.returncode == 3, completed.stdout + completed.stderr
        assert "allowed_hosts" in completed.stderr

        # The suite refuses on its own too, whoever calls it.
        config: GoliveConfig = make_config(target=url)
        context = GatherContext(Target.from_config(config), config, tmp_path / "artifacts", Redactor())
        with pytest.raises(GatherError, match="allowed_hosts"):
            PerformanceSuite().gather(context)
        assert server.requests == []
