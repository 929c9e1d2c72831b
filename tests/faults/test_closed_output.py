"""Console output that cannot be written never changes results, reports, history or the exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.history_store import HistoryStore
from tests.support import REPO_ROOT, Route, serve

pytestmark = pytest.mark.integration

HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=()",
    "Cache-Control": "no-store",
}


@pytest.mark.parametrize("closed", [("stdout",), ("stdout", "stderr")])
def test_a_run_whose_reader_went_away_still_writes_everything(tmp_path: Path, closed: tuple[str, ...]) -> None:
    page = Route('<!doctype html><html lang="en"><title>ok</title><main><h1>ok</h1></main></html>', headers=HEADERS)
    with serve({"/": page}) as server:
        command = [sys.executable, "-m", "harness", "run", "--suite", "security", "--target", server.url]
        command += ["--set", "security.zap.required=false", "--out", str(tmp_path / "out")]
        process = subprocess.Popen(
            command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"PYTHONPATH": str(REPO_ROOT)}
        )
        # The reader goes away at once, as `golive run ... | head -3` does once it has its lines.
        for name in closed:
            stream = getattr(process, name)
            assert stream is not None
            stream.close()
        others = [getattr(process, name) for name in ("stdout", "stderr") if name not in closed]
        for stream in others:
            stream.read()
        code = process.wait(timeout=120)
    run = tmp_path / "out" / "latest"
    result = json.loads((run / "result.json").read_text())
    assert code == {"READY": 0, "NOT_READY": 1, "INCONCLUSIVE": 2}[result["verdict"]]
    for name in ("report.html", "summary.md", "junit.xml"):
        assert (run / name).is_file(), name
    history = HistoryStore.open(f"sqlite:///{tmp_path / 'out' / 'history.db'}")
    assert history.get(result["run_id"]) is not None
