"""How fast signing in answers: the cost of a sign-in, and how soon a wrong password stops a run.

Runs the real `golive run` (all three suites configured, ZAP not required) against the test suite's login app on
127.0.0.1, a few rounds of each:

1. a good password: the seconds signing in took (from the run's auth.json: Chromium, the steps, the check);
2. a wrong password: the seconds from start to exit, which must be INCONCLUSIVE (exit 2) before any suite ran.

Target: a wrong password ends the run in under 20 s (median), "in seconds, not after a 10-minute scan".
Exits 1 when the target is missed or a run does not end the way it must.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.auth.app import AUTH_CONFIG, running_app

PASSWORD = "bench-Pw-2210"
TARGET_SECONDS = 20.0
CONFIG = (
    AUTH_CONFIG
    + """

[performance]
paths = ["/account/"]
users = 2
spawn_rate = 2
duration = "2s"

[accessibility]
pages = ["/account/"]

[security.zap]
required = false
launch = "never"
api_url = "http://127.0.0.1:9"
"""
)


def _golive(folder: Path, url: str, password: str) -> tuple[int, float]:
    """Run golive once; its exit code and wall-clock seconds."""
    env = {**os.environ, "APP_USER": "ada", "APP_PASSWORD": password}
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "harness", "run", "--target", url, "--config", str(folder / "golive.toml"),
         "--out", str(folder / "out")],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    return done.returncode, time.monotonic() - began


def main(argv: list[str]) -> int:
    """Measure, print one line per run and the medians; 1 if the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args(argv).rounds
    folder = Path(tempfile.mkdtemp(prefix="golive-bench-auth-"))
    (folder / "golive.toml").write_text(CONFIG, encoding="utf-8")
    sign_ins: list[float] = []
    refusals: list[float] = []
    failed = False
    try:
        with running_app(PASSWORD) as (_, url):
            for number in range(1, rounds + 1):
                code, _ = _golive(folder, url, PASSWORD)
                record = json.loads((folder / "out" / "latest" / "auth.json").read_text(encoding="utf-8"))
                seconds = float(record["sign_ins"][0]["seconds"])
                sign_ins.append(seconds)
                print(f"round {number}: good password, exit {code}, signing in took {seconds:.1f}s")
                failed |= code == 2
                code, elapsed = _golive(folder, url, "not-the-password")
                refusals.append(elapsed)
                print(f"round {number}: wrong password, exit {code} after {elapsed:.1f}s")
                failed |= code != 2
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    refusal = statistics.median(refusals)
    print(f"median: signing in {statistics.median(sign_ins):.1f}s; a wrong password stops the run in {refusal:.1f}s")
    verdict = "met" if refusal < TARGET_SECONDS else "MISSED"
    print(f"target: a wrong password stops the run in under {TARGET_SECONDS:g}s: {verdict}")
    return 1 if failed or refusal >= TARGET_SECONDS else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
