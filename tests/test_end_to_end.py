"""The whole tool as a user meets it: `golive demo`, Ctrl-C, and `golive evaluate` on a real run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import REPO_ROOT, Route, run_golive, serve

pytestmark = pytest.mark.integration


def read_result(out: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((out / "latest" / "result.json").read_text())
    return data


def finding_rules(result: dict[str, object], suite: str) -> set[str]:
    suites = result["suites"]
    assert isinstance(suites, dict)
    return {finding["rule"] for finding in suites[suite]["findings"]}


def test_demo_shows_a_newcomer_a_not_ready_verdict_with_reasons(tmp_path: Path) -> None:
    done = run_golive("demo", "--out", str(tmp_path / "reports"), cwd=tmp_path, timeout=240)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Verdict: NOT_READY" in done.stdout
    result = read_result(tmp_path / "reports")
    assert result["verdict"] == "NOT_READY"
    assert {"image-alt", "label"} <= finding_rules(result, "accessibility")
    assert "missing-csp" in finding_rules(result, "security")
    suites = result["suites"]
    assert isinstance(suites, dict)
    assert suites["performance"]["metrics"]["requests"] > 0
    if shutil.which("wapiti"):
        # A real engine scanned the demo and found its deliberate reflected XSS.
        assert "wapiti:xss" in finding_rules(result, "security")
    else:
        assert any("required = false" in note for note in suites["security"]["notes"])
    for name in ("report.html", "summary.md", "junit.xml", "security.sarif"):
        assert (tmp_path / "reports" / "latest" / name).is_file(), name
    # Live progress went to stderr while the suites ran.
    assert "[performance]" in done.stderr and "[accessibility]" in done.stderr


def test_ctrl_c_stops_the_run_keeps_results_and_exits_130(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    with serve(
        {"/": Route("<!DOCTYPE html><html lang='en'><title>t</title><main><h1>ok</h1></main></html>")}
    ) as server:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "harness",
                "run",
                "--target",
                server.url,
                "--suite",
                "performance",
                "--set",
                'performance.duration="60s"',
                "--set",
                "performance.users=2",
                "--out",
                str(out),
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(server.requests) < 5:
            time.sleep(0.2)
        time.sleep(2)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
        sent_before = len(server.requests)
        time.sleep(1.5)
        assert len(server.requests) == sent_before, "Locust kept sending requests after Ctrl-C"
    assert process.returncode == 130, stdout + stderr
    result = read_result(out)
    assert result["interrupted"] is True
    assert result["verdict"] != "READY"


def test_evaluate_rejudges_a_real_run_without_network(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    page = "<!DOCTYPE html><html><head><title>No lang</title></head><body><main><h1>Hi</h1></main></body></html>"
    with serve({"/nolang": Route(page)}) as server:
        done = run_golive(
            "run",
            "--target",
            server.url,
            "--suite",
            "accessibility",
            "--set",
            'accessibility.pages=["/nolang"]',
            "--out",
            str(out),
            cwd=tmp_path,
        )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "html-has-lang" in finding_rules(read_result(out), "accessibility")
    # The server is gone: re-judging must not need it. Serious findings only warn now.
    again = run_golive(
        "evaluate",
        str(out / "latest"),
        "--set",
        'accessibility.fail_on=["critical"]',
        "--set",
        'accessibility.warn_on=["serious", "moderate"]',
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert read_result(out)["verdict"] == "READY"
