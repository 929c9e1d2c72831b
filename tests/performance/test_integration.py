"""The real `golive` command and real Locust against real servers on 127.0.0.1 (short runs, few users)."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from suites.performance import protocol
from suites.performance.gather import gather_error
from suites.performance.runner import BUILTIN_LOCUSTFILE, LocustSpec, run_locust
from tests.support import REPO_ROOT, LocalServer, Route, RouteTable, free_port, run_golive, serve

pytestmark = pytest.mark.integration

SECRET = "perf-secret-7f3a9c"
SHORT = ["--set", 'performance.duration="3s"', "--set", "performance.users=5", "--set", "performance.spawn_rate=5"]


@pytest.fixture(scope="module")
def seen_tokens() -> list[str]:
    """Values of the X-Token header the server received."""
    return []


@pytest.fixture(scope="module")
def server(seen_tokens: list[str]) -> Iterator[LocalServer]:
    """/fast answers at once, /slow after 250 ms, /fail with HTTP 500."""

    def fast(handler: BaseHTTPRequestHandler) -> Route:
        token = handler.headers.get("X-Token")
        if token and len(seen_tokens) < 5:
            seen_tokens.append(token)
        return Route("fast")

    routes: RouteTable = {"/fast": fast, "/slow": Route("slow", delay=0.25), "/fail": Route("broken", status=500)}
    with serve(routes) as running:
        yield running


def run_folder(out: Path) -> Path:
    return (out / "latest").resolve()


def result_of(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run_folder(out) / "result.json").read_text(encoding="utf-8"))
    return data


def checks_of(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["id"]: check for check in result["suites"]["performance"]["checks"]}


def test_fast_service_is_ready_and_headers_stay_secret(
    server: LocalServer, seen_tokens: list[str], tmp_path: Path
) -> None:
    completed = run_golive(
        "run", "--target", server.url, "--suite", "performance", *SHORT,
        "--set", 'performance.paths=["/fast"]',
        "--set", 'target.headers={X-Token="${PERF_TOKEN}"}',
        "--out", str(tmp_path),
        cwd=REPO_ROOT, env={"PERF_TOKEN": SECRET},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    result = result_of(tmp_path)
    assert result["verdict"] == "READY"
    performance = result["suites"]["performance"]
    assert performance["metrics"]["requests"] > 20
    assert performance["metrics"]["failures"] == 0
    assert {c["id"]: c["status"] for c in performance["checks"]} == {"p95_ms": "pass", "error_ratio": "pass"}
    assert [row["endpoint"] for row in performance["details"]["endpoints"]] == ["GET /fast"]
    assert "[performance] users " in completed.stderr  # live progress

    artifacts = run_folder(tmp_path) / "artifacts" / "performance"
    for name in ("locust.json", "locust.html", "locust_stats_history.csv", "locust.stderr.log", "run.json"):
        assert (artifacts / name).is_file(), name
    assert seen_tokens and set(seen_tokens) == {SECRET}  # the header reached the service...
    for path in run_folder(tmp_path).rglob("*"):  # ...and nothing golive wrote contains it
        if path.is_file():
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path


def test_slow_endpoint_trips_p95_gates_and_evaluate_rejudges(server: LocalServer, tmp_path: Path) -> None:
    completed = run_golive(
        "run", "--target", server.url, "--suite", "performance", *SHORT,
        "--set", 'performance.paths=["/fast", "/slow"]',
        "--set", "performance.thresholds.p95_ms={warn=100, fail=200}",
        "--set", 'performance.thresholds."GET /slow".p95_ms={fail=200}',
        "--set", 'performance.thresholds."GET /fast".p95_ms={fail=200}',
        "--out", str(tmp_path),
        cwd=REPO_ROOT,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stdout + completed.stderr
    checks = checks_of(result_of(tmp_path))
    assert checks["p95_ms"]["status"] == "fail"
    assert checks["p95_ms"]["measured"] >= 250
    assert checks["GET /slow p95_ms"]["status"] == "fail"
    assert checks["GET /fast p95_ms"]["status"] == "pass"
    assert "performance: p95 latency" in completed.stdout

    # Re-judge the same artifacts, no network: relax only the overall gate -> the endpoint gate still fails.
    run_dir = str(run_folder(tmp_path))
    relaxed_overall = ["--set", "performance.thresholds.p95_ms={warn=1000, fail=2000}"]
    again = run_golive("evaluate", run_dir, *relaxed_overall, cwd=REPO_ROOT)
    assert again.returncode == 1, again.stdout + again.stderr
    checks = checks_of(result_of(tmp_path))
    assert (checks["p95_ms"]["status"], checks["GET /slow p95_ms"]["status"]) == ("pass", "fail")

    relaxed_all = [*relaxed_overall, "--set", 'performance.thresholds."GET /slow".p95_ms={fail=2000}']
    ready = run_golive("evaluate", run_dir, *relaxed_all, cwd=REPO_ROOT)
    assert ready.returncode == 0, ready.stdout + ready.stderr


def test_failing_endpoint_trips_error_ratio_with_locust_workers(server: LocalServer, tmp_path: Path) -> None:
    completed = run_golive(
        "run", "--target", server.url, "--suite", "performance", *SHORT,
        "--set", 'performance.paths=["/fast", "/fail"]',
        "--set", "performance.workers=2",
        "--out", str(tmp_path),
        cwd=REPO_ROOT,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stdout + completed.stderr
    performance = result_of(tmp_path)["suites"]["performance"]
    error_ratio = checks_of(result_of(tmp_path))["error_ratio"]
    assert error_ratio["status"] == "fail"
    assert 0.2 < error_ratio["measured"] < 0.8
    # The master's totals are the sum of the endpoints: forked workers did not overwrite locust.json.
    rows = {row["endpoint"]: row for row in performance["details"]["endpoints"]}
    assert rows["GET /fail"]["failures"] == rows["GET /fail"]["requests"] > 0
    assert sum(row["requests"] for row in rows.values()) == performance["metrics"]["requests"]
    (finding,) = performance["findings"]
    assert (finding["rule"], finding["url"]) == ("request_error", f"{server.url}/fail")
    assert performance["details"]["errors"][0]["summary"] == "HTTP 500"


def test_refused_connection_is_inconclusive_with_one_line_reason(tmp_path: Path) -> None:
    target = f"http://127.0.0.1:{free_port()}"
    completed = run_golive("run", "--target", target, "--suite", "performance", "--out", str(tmp_path), cwd=REPO_ROOT)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    result = result_of(tmp_path)
    assert result["verdict"] == "INCONCLUSIVE"
    error = result["suites"]["performance"]["error"]
    assert "connection refused" in error and "\n" not in error


def test_host_not_allowed_is_refused_before_any_traffic(tmp_path: Path) -> None:
    completed = run_golive(
        "run", "--target", "http://example.invalid", "--suite", "performance", "--out", str(tmp_path), cwd=REPO_ROOT
    )
    assert completed.returncode == 3, completed.stdout + completed.stderr
    assert "allowed_hosts" in completed.stderr
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def _lines(stream: Any, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def test_ctrl_c_stops_locust_and_keeps_partial_results(server: LocalServer, tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "harness", "run", "--target", server.url, "--suite", "performance",
        "--set", 'performance.duration="60s"', "--set", "performance.users=3",
        "--set", 'performance.paths=["/fast"]', "--out", str(tmp_path),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(process.stderr, lines), daemon=True).start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if "(0 requests)" not in (line := lines.get(timeout=1)) and "[performance] users" in line:
                    break
            except queue.Empty:
                continue
        else:
            pytest.fail("no progress line from the load test")
        began = time.monotonic()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
        assert time.monotonic() - began < 15
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    result = result_of(tmp_path)
    assert result["interrupted"] is True
    assert result["suites"]["performance"]["metrics"]["requests"] > 0
    record = json.loads((run_folder(tmp_path) / "artifacts" / "performance" / "run.json").read_text("utf-8"))
    assert record["interrupted"] is True and record["killed"] is False  # Locust stopped cleanly on SIGINT


def test_hard_timeout_stops_locust_and_says_so(server: LocalServer, tmp_path: Path) -> None:
    spec = LocustSpec(
        host=server.url,
        locustfile=BUILTIN_LOCUSTFILE,
        users=2,
        spawn_rate=2,
        duration=60,
        workers=1,
        artifact_dir=tmp_path,
        hard_timeout=3,
        env={protocol.ENV_PATHS: '["/fast"]'},
    )
    outcome = run_locust(spec, lambda sample: None)
    assert outcome.timed_out and not outcome.killed
    assert outcome.seconds < 15
    assert (tmp_path / protocol.LOCUST_JSON).is_file()  # what was measured is kept
    assert "did not finish within performance.timeout" in str(gather_error(outcome, results_saved=True))


USER_LOCUSTFILE = """
import json, os
from locust import HttpUser, constant, task

class Custom(HttpUser):
    wait_time = constant(0.05)

    @task
    def fast(self):
        self.client.get("/fast", headers=json.loads(os.environ["GOLIVE_PERF_HEADERS"]))
"""


def test_users_own_locustfile_gets_host_and_headers(
    server: LocalServer, seen_tokens: list[str], tmp_path: Path
) -> None:
    locustfile = tmp_path / "my_locustfile.py"
    locustfile.write_text(USER_LOCUSTFILE, encoding="utf-8")
    seen_tokens.clear()
    completed = run_golive(
        "run", "--target", server.url, "--suite", "performance", *SHORT,
        "--set", f'performance.locustfile="{locustfile}"',
        "--set", 'target.headers={X-Token="from-env-only"}',
        # Locust names this request "/fast"; the endpoint key reads "GET /fast" all the same.
        "--set", 'performance.thresholds."GET /fast".p95_ms={fail=5000}',
        "--out", str(tmp_path / "out"),
        cwd=REPO_ROOT,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert checks_of(result_of(tmp_path / "out"))["GET /fast p95_ms"]["status"] == "pass"
    assert "from-env-only" in seen_tokens


def test_crashing_locustfile_is_inconclusive_with_the_reason(server: LocalServer, tmp_path: Path) -> None:
    locustfile = tmp_path / "broken_locustfile.py"
    locustfile.write_text("from locust import HttpUser\nundefined_name\n", encoding="utf-8")
    completed = run_golive(
        "run", "--target", server.url, "--suite", "performance", *SHORT,
        "--set", f'performance.locustfile="{locustfile}"', "--out", str(tmp_path / "out"),
        cwd=REPO_ROOT,
    )  # fmt: skip
    assert completed.returncode == 2, completed.stdout + completed.stderr
    performance = result_of(tmp_path / "out")["suites"]["performance"]
    assert performance["status"] == "error"
    assert "Locust exited with code 1: NameError" in performance["error"]
    assert "undefined_name" in performance["error"] and "\n" not in performance["error"]
    assert performance["details"]["stderr_tail"]
