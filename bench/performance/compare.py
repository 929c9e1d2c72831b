"""Benchmark: golive's performance suite against plain Locust and wrk, side by side on a local nginx.

Run from the repository root with the project's virtualenv (see bench/README.md):

    .venv/bin/python -m bench.performance.compare --seconds 20 --users 50 --rounds 2

It starts nginx on 127.0.0.1 with its own minimal config in a temporary folder, then runs, one after another
against the same nginx and with the same user class (FastHttpUser), users, think time (none) and duration:

1. `golive run --suite performance` with `workers = 1`;
2. plain `locust --headless` with an equivalent one-task locustfile;
3. `golive run --suite performance` with `workers = "auto"` (Locust's master + one worker per core);
4. `wrk`, as the ceiling of what this machine can push through nginx.

Locust's figures are all computed the same way, from each run's own locust.json: requests divided by the time
from the start of the test to the last request. It prints a table and checks the two targets: the harness with
one worker reaches at least 0.9 of plain Locust, and "auto" at least 1.3 x the single worker. nginx is stopped by
its PID at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from suites.performance.results import load_endpoints, measured_seconds, merge

REPO_ROOT = Path(__file__).resolve().parents[2]

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
        location / {{ default_type text/plain; return 200 "ok\\n"; }}
    }}
}}
"""

PLAIN_LOCUSTFILE = """
from locust import FastHttpUser, constant, task


class PlainUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def index(self):
        self.client.get("/", name="GET /")
"""


@dataclass(frozen=True)
class Figure:
    """One run's throughput: requests over the measured window, and what the tool itself reported."""

    name: str
    rps: float
    requests: int
    failures: int
    note: str = ""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float = 10.0) -> None:
    """Block until something accepts connections on 127.0.0.1:port."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing is listening on 127.0.0.1:{port}")


@contextmanager
def nginx(folder: Path) -> Iterator[str]:
    """nginx on a free loopback port with a minimal config; stopped by its PID on exit."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise SystemExit("nginx is not installed: apt-get install -y nginx wrk")
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, port=port), encoding="utf-8")
    process = subprocess.Popen([binary, "-p", str(folder), "-c", str(conf)], stdin=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: the master stops its worker
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def locust_figure(name: str, locust_json: Path, note: str = "") -> Figure:
    """Throughput from a locust.json, computed the same way for every Locust run."""
    total = merge(load_endpoints(locust_json))
    seconds = measured_seconds(total) or 0.0
    rps = total.requests / seconds if seconds else 0.0
    return Figure(name, round(rps, 1), total.requests, total.failures, note)


def run_harness(url: str, out: Path, workers: str, users: int, seconds: int) -> Figure:
    """`golive run --suite performance` as a user would run it; returns its throughput."""
    command = [
        sys.executable, "-m", "harness", "run", "--target", url, "--suite", "performance",
        "--set", f"performance.users={users}", "--set", f"performance.spawn_rate={users}",
        "--set", f'performance.duration="{seconds}s"', "--set", f"performance.workers={workers}",
        "--set", 'performance.paths=["/"]', "--set", "performance.think_time=0",
        "--out", str(out),
    ]  # fmt: skip
    completed = subprocess.run(command, cwd=REPO_ROOT, check=False, capture_output=True, text=True)
    run_dir = (out / "latest").resolve()
    locust_json = run_dir / "artifacts" / "performance" / "locust.json"
    if not locust_json.is_file():
        tail = "\n".join((completed.stderr + completed.stdout).splitlines()[-15:])
        return Figure(f"golive workers={workers}", 0.0, 0, 0, f"no results (exit {completed.returncode}):\n{tail}")
    result = json.loads((run_dir / "result.json").read_text(encoding="utf-8"))
    steady = result["suites"]["performance"]["metrics"].get("rps")
    return locust_figure(f"golive workers={workers}", locust_json, f"(steady-state rps golive reports: {steady})")


def run_plain_locust(url: str, folder: Path, users: int, seconds: int) -> Figure:
    """Plain `locust --headless` with the same user class, users, think time and duration."""
    locustfile = folder / "plain_locustfile.py"
    locustfile.write_text(PLAIN_LOCUSTFILE, encoding="utf-8")
    command = [
        sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "-u", str(users), "-r", str(users),
        "-t", f"{seconds}s", "--host", url, "--json-file", str(folder / "plain"), "--only-summary",
    ]  # fmt: skip
    subprocess.run(command, cwd=folder, check=False, capture_output=True, text=True)
    return locust_figure("plain locust --headless", folder / "plain.json")


def run_wrk(url: str, users: int, seconds: int) -> Figure:
    """wrk with as many connections as Locust has users, two threads (one per core)."""
    binary = shutil.which("wrk")
    if binary is None:
        return Figure("wrk", 0.0, 0, 0, "wrk is not installed")
    completed = subprocess.run(
        [binary, "-t2", f"-c{users}", f"-d{seconds}s", url + "/"], capture_output=True, text=True, check=False
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", completed.stdout)
    count = re.search(r"(\d+) requests in", completed.stdout)
    return Figure("wrk -t2 (ceiling)", float(rate[1]) if rate else 0.0, int(count[1]) if count else 0, 0)


def run_one(name: str, url: str, folder: Path, users: int, seconds: int) -> Figure:
    """One contender's run: "one" / "auto" (golive's workers), "plain" (plain Locust) or "wrk"."""
    folder.mkdir(parents=True, exist_ok=True)
    if name == "one":
        return run_harness(url, folder, "1", users, seconds)
    if name == "auto":
        return run_harness(url, folder, '"auto"', users, seconds)
    if name == "plain":
        return run_plain_locust(url, folder, users, seconds)
    return run_wrk(url, users, seconds)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the table; exit 1 if a target was missed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20, help="length of each run (default 20)")
    parser.add_argument("--users", type=int, default=50, help="simulated users / wrk connections (default 50)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of all four runs; medians are compared")
    args = parser.parse_args(argv)
    rounds: list[list[Figure]] = []
    with tempfile.TemporaryDirectory(prefix="golive-bench-") as temporary:
        folder = Path(temporary)
        with nginx(folder) as url:
            print(f"nginx on {url}; {args.users} users, no think time, {args.seconds}s per run, {os.cpu_count()} cores")
            # Rounds interleave the contenders, so that a slow spell of the machine hits them all alike.
            for number in range(1, args.rounds + 1):
                print(f"round {number}")
                figures = []
                for name in ("one", "plain", "auto", "wrk"):
                    figure = run_one(name, url, folder / f"{name}{number}", args.users, args.seconds)
                    figures.append(figure)
                    print(f"  {figure.name:<26} {figure.rps:>9.1f} req/s  ({figure.requests} requests, "
                          f"{figure.failures} failed) {figure.note}", flush=True)  # fmt: skip
                rounds.append(figures)
    one, plain, auto, ceiling = (statistics.median(r[i].rps for r in rounds) for i in range(4))
    print(f"medians over {len(rounds)} round(s): workers=1 {one:.1f}, plain {plain:.1f}, auto {auto:.1f}, ", end="")
    print(f"wrk {ceiling:.1f}")
    ratio_plain = one / plain if plain else 0.0
    ratio_auto = auto / one if one else 0.0
    print(f"golive workers=1 / plain locust: {ratio_plain:.2f} (target >= 0.90)")
    print(f"golive workers=auto / workers=1: {ratio_auto:.2f} (target >= 1.30)")
    if ceiling:
        print(f"golive workers=auto / wrk ceiling: {auto / ceiling:.2f}")
    return 0 if ratio_plain >= 0.9 and ratio_auto >= 1.3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
